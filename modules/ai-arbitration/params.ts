import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

export const NXT_DENOM = "nxt";
/** 1 NXT in base units (bank: 8 decimals). */
export const NXT = 100_000_000n;
export const DAY_MS = 86_400_000;
/** A message typeUrl as transactions carry it: "/<module>.v<N>.Msg<Name>". */
export const TYPE_URL_PATTERN = "^/[a-z][a-z0-9_]*\\.v[0-9]+\\.Msg[A-Za-z0-9]+$";

export const paramsSchema = {
  type: "object",
  properties: {
    panelSize: { type: "integer", minimum: 1, maximum: 21, description: "n: arbiters drawn per round (default 3)" },
    quorum: { type: "integer", minimum: 1, maximum: 21, description: "m: agreeing rulings a ruling needs to stand; a strict majority of panelSize (default 2)" },
    minConfidence: { type: "integer", minimum: 0, maximum: 1000, description: "least mean confidence (permille) of the agreeing rulings (default 750)" },
    minBond: { type: "string", pattern: AMOUNT_PATTERN, description: "least filing bond, NXT base units (default 1 000 NXT)" },
    appealBond: { type: "string", pattern: AMOUNT_PATTERN, description: "least appeal bond, NXT base units (default 1 000 NXT)" },
    rulingPeriodMs: { type: "integer", minimum: 1, maximum: 31_536_000_000, description: "time a panel has to rule, ms of block time (default 3 days)" },
    appealPeriodMs: { type: "integer", minimum: 1, maximum: 31_536_000_000, description: "time a party has to appeal a standing ruling, ms (default 2 days)" },
    maxEvidence: { type: "integer", minimum: 1, maximum: 256, description: "most evidence items one case holds (default 32)" },
    maxArbiters: { type: "integer", minimum: 1, maximum: 1000, description: "most registered arbiters (a filing reads them all to draw; default 100)" },
    maxDuePerBlock: { type: "integer", minimum: 1, maximum: 1000, description: "most deadlines one end block settles; the rest wait for the next block (default 50)" },
    remedyTypeUrls: {
      type: "array",
      description: "message typeUrls a remedy may contain: what governance delegates to arbitration (default MsgTreasurySpend, a refund from the treasury)",
      items: { type: "string", pattern: TYPE_URL_PATTERN },
      maxItems: 64,
      uniqueItems: true,
    },
  },
  required: ["panelSize", "quorum", "minConfidence", "minBond", "appealBond", "rulingPeriodMs", "appealPeriodMs", "maxEvidence", "maxArbiters", "maxDuePerBlock", "remedyTypeUrls"],
  additionalProperties: false,
} as const;

export type ArbitrationParams = FromSchema<typeof paramsSchema>;

export const paramsCodec = jsonCodec<ArbitrationParams>({ name: "arbitration.Params", schema: paramsSchema });

export const DEFAULT_BOND = 1000n * NXT;

export function defaultParams(): ArbitrationParams {
  return {
    panelSize: 3,
    quorum: 2,
    minConfidence: 750,
    minBond: DEFAULT_BOND.toString(),
    appealBond: DEFAULT_BOND.toString(),
    rulingPeriodMs: 3 * DAY_MS,
    appealPeriodMs: 2 * DAY_MS,
    maxEvidence: 32,
    maxArbiters: 100,
    maxDuePerBlock: 50,
    // A refund from the treasury (the community pool) is the remedy arbitration may grant by itself.
    remedyTypeUrls: ["/economy.v1.MsgTreasurySpend"],
  };
}

/** What the schema cannot say. */
export function paramsProblem(p: ArbitrationParams): string | null {
  if (p.quorum > p.panelSize) return `quorum ${p.quorum} is above panelSize ${p.panelSize}`;
  if (2 * p.quorum <= p.panelSize) return `quorum ${p.quorum} is not a strict majority of panelSize ${p.panelSize} (two decisions could both stand)`;
  if (p.panelSize > p.maxArbiters) return `panelSize ${p.panelSize} is above maxArbiters ${p.maxArbiters}`;
  if (BigInt(p.minBond) <= 0n) return "minBond must be positive";
  if (BigInt(p.appealBond) <= 0n) return "appealBond must be positive";
  const own = p.remedyTypeUrls.find((t) => t.startsWith("/arbitration."));
  if (own) return `remedyTypeUrls may not list arbitration's own message ${own}`;
  return null;
}

/** What the chain gives the module (bound to ArbitrationTokens.Config). */
export interface ArbitrationConfig {
  /** Address allowed to send the authority messages (arbiters, params): the governance module account. */
  readonly authority: string;
  /** Signer the router runs remedies as (the chain passes the governance authority). */
  readonly remedySigner: string;
  /** Where forfeited bonds go (the chain passes the treasury's module address). */
  readonly forfeitTo: string;
}

export function arbitrationConfig(opts: { authority?: string; remedySigner?: string; forfeitTo?: string } = {}): ArbitrationConfig {
  const authority = opts.authority ?? moduleAddress("gov");
  const remedySigner = opts.remedySigner ?? authority;
  const forfeitTo = opts.forfeitTo ?? moduleAddress("treasury");
  for (const [k, v] of Object.entries({ authority, remedySigner, forfeitTo })) {
    if (!isAddress(v)) throw new Error(`arbitration: ${k} "${v}" is not an address`);
  }
  return { authority, remedySigner, forfeitTo };
}
