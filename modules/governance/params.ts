import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { BandRule } from "./tally.ts";

export const GOV_MODULE = "gov";
export const NXT_DENOM = "nxt";
export const NXT = 100_000_000n;
const DAY_MS = 86_400_000;

const bps = { type: "integer", minimum: 0, maximum: 10000 } as const;
const bandRuleSchema = {
  type: "object",
  properties: {
    quorumBps: { ...bps, description: "share of bonded stake that must vote (any option)" },
    thresholdBps: { ...bps, description: "yes must exceed this share of yes+no+veto (strictly)" },
    vetoBps: { ...bps, description: "veto above this share of all votes rejects and burns the deposits" },
    minBandApprovals: { type: "integer", minimum: 0, maximum: 7, description: "populated validator bands that must approve: min(this, populated)" },
  },
  required: ["quorumBps", "thresholdBps", "vetoBps", "minBandApprovals"],
  additionalProperties: false,
} as const;

export const paramsSchema = {
  type: "object",
  properties: {
    minDeposit: { type: "string", pattern: AMOUNT_PATTERN, description: "deposit (nxt base units) that opens the voting period" },
    maxDepositPeriodMs: { type: "integer", minimum: 1, maximum: 31536000000, description: "a proposal not funded within this is dropped, its deposits refunded" },
    votingPeriodMs: { type: "integer", minimum: 1, maximum: 31536000000 },
    atto: bandRuleSchema,
    zepto: bandRuleSchema,
    yocto: bandRuleSchema,
    burnVoteQuorum: { type: "boolean", description: "burn the deposits of a proposal that missed quorum (refund otherwise)" },
    maxMsgs: { type: "integer", minimum: 0, maximum: 64, description: "most messages one proposal carries" },
    maxEndingPerBlock: { type: "integer", minimum: 1, maximum: 10000, description: "most proposals one block tallies or drops; the rest wait a block" },
  },
  required: ["minDeposit", "maxDepositPeriodMs", "votingPeriodMs", "atto", "zepto", "yocto", "burnVoteQuorum", "maxMsgs", "maxEndingPerBlock"],
  additionalProperties: false,
} as const;

export type GovParams = FromSchema<typeof paramsSchema>;
export const paramsCodec = jsonCodec<GovParams>({ name: "gov.Params", schema: paramsSchema });

/** SPEC.md: quorum 33.4%, threshold 50%, veto 33.4%; ZEPTO 60%; YOCTO 66.7% with quorum 50%; 5 bands (6 for YOCTO). */
export function defaultParams(): GovParams {
  return {
    minDeposit: (10_000n * NXT).toString(),
    maxDepositPeriodMs: 2 * DAY_MS,
    votingPeriodMs: 3 * DAY_MS,
    atto: { quorumBps: 3340, thresholdBps: 5000, vetoBps: 3340, minBandApprovals: 5 },
    zepto: { quorumBps: 3340, thresholdBps: 6000, vetoBps: 3340, minBandApprovals: 5 },
    yocto: { quorumBps: 5000, thresholdBps: 6670, vetoBps: 3340, minBandApprovals: 6 },
    burnVoteQuorum: false,
    maxMsgs: 16,
    maxEndingPerBlock: 20,
  };
}

/** Proposal bands: ATTO (policy), ZEPTO (coordination), YOCTO (constitutional). */
export const PROPOSAL_BANDS = [Band.ATTO, Band.ZEPTO, Band.YOCTO] as const;

export function bandRule(p: GovParams, band: number): BandRule {
  if (band === Band.YOCTO) return p.yocto;
  if (band === Band.ZEPTO) return p.zepto;
  return p.atto;
}

export function paramsProblem(p: GovParams): string | null {
  if (BigInt(p.minDeposit) <= 0n) return "minDeposit must be positive";
  // A higher band never asks less than a lower one: otherwise a proposal would pick the lower bar.
  const order: [string, BandRule][] = [["atto", p.atto], ["zepto", p.zepto], ["yocto", p.yocto]];
  for (let i = 1; i < order.length; i++) {
    const [name, r] = order[i]!;
    const [lowName, low] = order[i - 1]!;
    for (const k of ["quorumBps", "thresholdBps", "minBandApprovals"] as const) {
      if (r[k] < low[k]) return `${name}.${k} (${r[k]}) is below ${lowName}.${k} (${low[k]}): a higher band must not ask less`;
    }
  }
  return null;
}

/** What the chain gives governance. */
export interface GovConfig {
  /** Address allowed to send /gov.v1.MsgUpdateParams and MsgAmendConstitution: governance's own account. */
  readonly authority: string;
  /** The account proposals execute as (the chain's module authority). */
  readonly account: string;
}

export function govConfig(opts: { authority?: string } = {}): GovConfig {
  const account = moduleAddress(GOV_MODULE);
  const authority = opts.authority ?? account;
  if (!isAddress(authority)) throw new Error(`gov: authority "${authority}" is not an address`);
  return { authority, account };
}
