import type { FromSchema } from "json-schema-to-ts";
import type { MsgDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN, DENOM_PATTERN } from "../../runtime/modules/schemas.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { GovError } from "./errors.ts";
import { GovEvents } from "./events.ts";
import { paramsProblem, paramsSchema, type GovParams } from "./params.ts";
import { anyMsgSchema, endorsementSchema, weightedOptionSchema } from "./records.ts";
import { AMEND_CONSTITUTION_TYPE_URL, constitutionProblem, constitutionSchema, type Constitution } from "./constitution/schema.ts";
import type { WeightedOption } from "./tally.ts";
import type { GovKeeper } from "./keeper/gov-keeper.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const coin = {
  type: "object",
  description: 'a coin: {"denom":"nxt","amount":"1000000000000"} (base units)',
  properties: { denom: { type: "string", pattern: DENOM_PATTERN }, amount: { type: "string", pattern: AMOUNT_PATTERN } },
  required: ["denom", "amount"],
  additionalProperties: false,
} as const;
const proposalId = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

const schema = <const P extends Record<string, unknown>, const R extends readonly string[]>(name: string, properties: P, required: R, description: string) =>
  ({ $id: `https://nexusos.dev/schemas/gov.v1.${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;

export const msgSubmitProposalSchema = schema(
  "MsgSubmitProposal",
  {
    proposer: address,
    band: { type: "integer", minimum: 1, maximum: 7, description: "ATTO 4 (parameters, treasury), ZEPTO 5 (cross-chain), YOCTO 6 (constitutional)" },
    title: { type: "string", minLength: 1, maxLength: 140 },
    summary: { type: "string", maxLength: 10000 },
    msgs: { type: "array", items: anyMsgSchema, maxItems: 64, description: "messages executed as governance's account if the proposal passes (none: a text proposal)" },
    initialDeposit: coin,
    endorsements: { type: "array", items: endorsementSchema, maxItems: 100, description: "FEMTO endorsements: validators' signatures over the proposal (nexus tx gov endorse)" },
  },
  ["proposer", "band", "title", "summary", "msgs"] as const,
  "submit a governance proposal",
);
export type MsgSubmitProposal = FromSchema<typeof msgSubmitProposalSchema>;

export const msgDepositSchema = schema("MsgDeposit", { depositor: address, proposalId, amount: coin }, ["depositor", "proposalId", "amount"] as const, "add to a proposal's deposit");
export type MsgDeposit = FromSchema<typeof msgDepositSchema>;

export const msgVoteSchema = schema(
  "MsgVote",
  { voter: address, proposalId, option: { enum: ["yes", "no", "abstain", "veto"] } },
  ["voter", "proposalId", "option"] as const,
  "vote with all your bonded stake",
);
export type MsgVote = FromSchema<typeof msgVoteSchema>;

export const msgVoteWeightedSchema = schema(
  "MsgVoteWeighted",
  { voter: address, proposalId, options: { type: "array", items: weightedOptionSchema, minItems: 1, maxItems: 4, description: "weights in basis points, summing to 10000" } },
  ["voter", "proposalId", "options"] as const,
  "split your stake's vote across options",
);
export type MsgVoteWeighted = FromSchema<typeof msgVoteWeightedSchema>;

export const msgUpdateParamsSchema = schema("MsgUpdateParams", { authority: address, params: paramsSchema }, ["authority", "params"] as const, "replace governance's params (a proposal's message)");
export type MsgUpdateParams = FromSchema<typeof msgUpdateParamsSchema>;

export const msgAmendConstitutionSchema = schema(
  "MsgAmendConstitution",
  { authority: address, constitution: constitutionSchema },
  ["authority", "constitution"] as const,
  "replace the constitution (a YOCTO proposal's message; version must rise)",
);
export type MsgAmendConstitution = FromSchema<typeof msgAmendConstitutionSchema>;

/** Wire values: never reuse or renumber. */
export const GovTypeUrls = {
  SubmitProposal: "/gov.v1.MsgSubmitProposal",
  Deposit: "/gov.v1.MsgDeposit",
  Vote: "/gov.v1.MsgVote",
  VoteWeighted: "/gov.v1.MsgVoteWeighted",
  UpdateParams: "/gov.v1.MsgUpdateParams",
  AmendConstitution: AMEND_CONSTITUTION_TYPE_URL,
} as const;

/** Weights in basis points summing to exactly 10 000, each option at most once. */
export function checkWeights(options: readonly WeightedOption[]): void {
  const seen = new Set<string>();
  let sum = 0;
  for (const o of options) {
    if (seen.has(o.option)) throw new GovError("GOV_INVALID_VOTE", `option "${o.option}" appears twice`);
    seen.add(o.option);
    sum += o.weightBps;
  }
  if (sum !== 10_000) throw new GovError("GOV_INVALID_VOTE", `weights sum to ${sum} bps, they must sum to 10000`);
}

export function validateGovParams(p: GovParams): void {
  const problem = paramsProblem(p);
  if (problem) throw new GovError("GOV_INVALID_PARAMS", problem);
}

export function govMsgs(keeper: GovKeeper): MsgDef[] {
  const submit: MsgDef<MsgSubmitProposal> = {
    typeUrl: GovTypeUrls.SubmitProposal,
    schema: msgSubmitProposalSchema,
    signers: (m) => [m.proposer],
    handle: (ctx, m) =>
      void keeper.submit(ctx, {
        proposer: m.proposer,
        band: m.band,
        title: m.title,
        summary: m.summary,
        msgs: m.msgs as { typeUrl: string; value: Record<string, unknown> }[],
        endorsements: m.endorsements ?? [],
        initialDeposit: m.initialDeposit ? { denom: m.initialDeposit.denom, amount: BigInt(m.initialDeposit.amount) } : undefined,
      }),
  };
  const deposit: MsgDef<MsgDeposit> = {
    typeUrl: GovTypeUrls.Deposit,
    schema: msgDepositSchema,
    signers: (m) => [m.depositor],
    handle: (ctx, m) => void keeper.deposit(ctx, m.proposalId, m.depositor, { denom: m.amount.denom, amount: BigInt(m.amount.amount) }),
  };
  const vote: MsgDef<MsgVote> = {
    typeUrl: GovTypeUrls.Vote,
    schema: msgVoteSchema,
    signers: (m) => [m.voter],
    handle: (ctx, m) => keeper.vote(ctx, m.proposalId, m.voter, [{ option: m.option, weightBps: 10_000 }]),
  };
  const voteWeighted: MsgDef<MsgVoteWeighted> = {
    typeUrl: GovTypeUrls.VoteWeighted,
    schema: msgVoteWeightedSchema,
    signers: (m) => [m.voter],
    validate: (m) => checkWeights(m.options),
    handle: (ctx, m) => keeper.vote(ctx, m.proposalId, m.voter, m.options),
  };
  const updateParams: MsgDef<MsgUpdateParams> = {
    typeUrl: GovTypeUrls.UpdateParams,
    schema: msgUpdateParamsSchema,
    minBand: Band.ATTO,
    signers: (m) => [m.authority],
    validate: (m) => validateGovParams(m.params),
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      keeper.setParams(ctx, m.params);
      ctx.emit(GovEvents.ParamsUpdated, { authority: m.authority });
    },
  };
  const amend: MsgDef<MsgAmendConstitution> = {
    typeUrl: GovTypeUrls.AmendConstitution,
    schema: msgAmendConstitutionSchema,
    // Amending the constitution is constitutional: only a YOCTO proposal carries it.
    minBand: Band.YOCTO,
    signers: (m) => [m.authority],
    validate(m) {
      const problem = constitutionProblem(m.constitution as Constitution);
      if (problem) throw new GovError("GOV_INVALID_CONSTITUTION", problem);
    },
    handle(ctx, m) {
      keeper.requireAuthority(m.authority);
      const current = keeper.constitution(ctx);
      if (m.constitution.version <= current.version) {
        throw new GovError("GOV_INVALID_CONSTITUTION", `an amendment must raise the version above ${current.version}, got ${m.constitution.version}`);
      }
      keeper.setConstitution(ctx, m.constitution as Constitution);
      ctx.emit(GovEvents.ConstitutionAmended, { version: String(m.constitution.version), rules: m.constitution.rules.map((r) => r.name).join(",") });
    },
  };
  return [submit, deposit, vote, voteWeighted, updateParams, amend];
}
