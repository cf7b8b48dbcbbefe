import { readFileSync } from "node:fs";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { parseBand } from "../../runtime/tx/bands.ts";
import { GovTypeUrls } from "./msgs.ts";
import { anyMsgSchema, endorsementSchema, type Endorsement, type Proposal, type TallyRecord } from "./records.ts";
import type { VoteOption, WeightedOption } from "./tally.ts";
import type { GovParams } from "./params.ts";
import type { Constitution } from "./constitution/schema.ts";

/** Base units: a bigint, a decimal string, or a safe integer. */
type Amount = bigint | string | number;
const s = (a: Amount): string => BigInt(a).toString();
const coin = (amount: Amount) => ({ denom: "nxt", amount: s(amount) });

/** A proposal as its author writes it (docs/governance.md): what `nexus tx gov submit-proposal` reads. */
export interface ProposalDraft {
  /** "ATTO" | "ZEPTO" | "YOCTO" or 4..6. */
  band: string | number;
  title: string;
  summary: string;
  messages: Msg[];
  /** Initial deposit: "1000NXT" (display) or base units ("100000000000nxt" or a plain integer string) in the file. */
  deposit?: string;
  /** Validators' FEMTO endorsements, added by `nexus tx gov endorse`. */
  endorsements?: Endorsement[];
}

/** Message builders for scripts: the same messages the CLI sends. */
export const govMsg = {
  submitProposal: (proposer: string, p: { band: number; title: string; summary: string; msgs: readonly Msg[]; deposit?: Amount; endorsements?: readonly Endorsement[] }): Msg => ({
    typeUrl: GovTypeUrls.SubmitProposal,
    value: {
      proposer,
      band: p.band,
      title: p.title,
      summary: p.summary,
      msgs: p.msgs.map((m) => ({ typeUrl: m.typeUrl, value: m.value })),
      ...(p.deposit !== undefined && BigInt(p.deposit) > 0n ? { initialDeposit: coin(p.deposit) } : {}),
      ...(p.endorsements?.length ? { endorsements: [...p.endorsements] } : {}),
    },
  }),
  deposit: (depositor: string, proposalId: number, amount: Amount): Msg => ({ typeUrl: GovTypeUrls.Deposit, value: { depositor, proposalId, amount: coin(amount) } }),
  vote: (voter: string, proposalId: number, option: VoteOption): Msg => ({ typeUrl: GovTypeUrls.Vote, value: { voter, proposalId, option } }),
  voteWeighted: (voter: string, proposalId: number, options: readonly WeightedOption[]): Msg => ({ typeUrl: GovTypeUrls.VoteWeighted, value: { voter, proposalId, options: options.map((o) => ({ ...o })) } }),
  updateParams: (authority: string, params: GovParams): Msg => ({ typeUrl: GovTypeUrls.UpdateParams, value: { authority, params: { ...params } } }),
  amendConstitution: (authority: string, constitution: Constitution): Msg => ({ typeUrl: GovTypeUrls.AmendConstitution, value: { authority, constitution } }),
};

/** What the gov queries return, typed for scripts. */
export interface ProposalView extends Proposal {}
export interface TallyView extends TallyRecord {
  final: boolean;
}

const draftSchema = {
  $id: "https://nexusos.dev/schemas/gov.v1.ProposalDraft.json",
  type: "object",
  properties: {
    band: { oneOf: [{ type: "string", minLength: 1 }, { type: "integer", minimum: 1, maximum: 7 }] },
    title: { type: "string", minLength: 1, maxLength: 140 },
    summary: { type: "string", maxLength: 10000 },
    messages: { type: "array", items: anyMsgSchema, maxItems: 64 },
    deposit: { type: "string", minLength: 1 },
    endorsements: { type: "array", items: endorsementSchema, maxItems: 100 },
  },
  required: ["band", "title", "summary", "messages"],
  additionalProperties: false,
} as const;
const validateDraft = createAjv().compile(draftSchema);

export class ProposalFileError extends Error {}

/** Check a parsed proposal file; the error names the field and says what it should be. */
export function checkDraft(value: unknown, where = "proposal"): ProposalDraft {
  if (!validateDraft(value)) throw new ProposalFileError(`${where}: ${describeAjvErrors(validateDraft.errors, "proposal")}`);
  const d = value as ProposalDraft;
  try {
    parseBand(String(d.band));
  } catch (e) {
    throw new ProposalFileError(`${where}: band: ${(e as Error).message}`);
  }
  return d;
}

export function readDraft(path: string): ProposalDraft {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ProposalFileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ProposalFileError(`${path} is not JSON: ${(e as Error).message}`);
  }
  return checkDraft(value, path);
}

/**
 * "yes=0.6,no=0.4" (Cosmos's weighted-vote form) or "yes=6000,no=4000" (basis points) into
 * weights in basis points, without floating point.
 */
export function parseWeightedOptions(text: string): WeightedOption[] {
  const out: WeightedOption[] = [];
  for (const part of text.split(",").map((x) => x.trim()).filter(Boolean)) {
    const m = /^(yes|no|abstain|veto)=(\d+(?:\.\d{1,4})?)$/.exec(part);
    if (!m) throw new ProposalFileError(`"${part}" is not option=weight (e.g. yes=0.6 or yes=6000 in basis points)`);
    const w = m[2]!;
    let bps: number;
    if (w.includes(".")) {
      const [int, frac] = w.split(".") as [string, string];
      bps = Number(int) * 10_000 + Number(frac.padEnd(4, "0"));
    } else bps = Number(w) <= 1 ? Number(w) * 10_000 : Number(w);
    out.push({ option: m[1] as VoteOption, weightBps: bps });
  }
  return out;
}
