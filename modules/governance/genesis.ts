import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { defaultParams, paramsProblem, paramsSchema } from "./params.ts";
import { proposalSchema, voteRecordSchema } from "./records.ts";
import { constitutionProblem, constitutionSchema, defaultConstitution, type Constitution } from "./constitution/schema.ts";
import { GovError } from "./errors.ts";
import * as K from "./keys.ts";
import type { GovKeeper } from "./keeper/gov-keeper.ts";
import type { WeightedOption } from "./tally.ts";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const proposalId = { type: "integer", minimum: 1 } as const;

export const govGenesisSchema = {
  $id: "https://nexusos.dev/schemas/gov.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    constitution: constitutionSchema,
    proposals: { type: "array", items: proposalSchema },
    deposits: {
      type: "array",
      items: { type: "object", properties: { proposalId, depositor: address, amount: { type: "string", pattern: AMOUNT_PATTERN } }, required: ["proposalId", "depositor", "amount"], additionalProperties: false },
    },
    votes: {
      type: "array",
      items: { type: "object", properties: { proposalId, voter: address, options: voteRecordSchema.properties.options }, required: ["proposalId", "voter", "options"], additionalProperties: false },
    },
    nextProposalId: { type: "integer", minimum: 1 },
  },
  required: ["params", "constitution", "proposals", "deposits", "votes", "nextProposalId"],
  additionalProperties: false,
} as const;

export type GovGenesis = FromSchema<typeof govGenesisSchema>;

export function defaultGovGenesis(): GovGenesis {
  return { params: defaultParams(), constitution: defaultConstitution(), proposals: [], deposits: [], votes: [], nextProposalId: 1 };
}

const bad = (message: string): GovError => new GovError("GOV_GENESIS_INVALID", message);

/** The deposits' escrow balance is bank's genesis: the invariant checks the two agree. */
export function govGenesis(keeper: GovKeeper): GenesisDef<GovGenesis> {
  return {
    schema: govGenesisSchema,
    defaults: defaultGovGenesis,
    init(ctx: Ctx, g: GovGenesis): void {
      const problem = paramsProblem(g.params) ?? constitutionProblem(g.constitution as Constitution);
      if (problem) throw bad(problem);
      keeper.setParams(ctx, g.params);
      keeper.setConstitution(ctx, g.constitution as Constitution);
      for (const p of g.proposals) {
        if (p.id >= g.nextProposalId) throw bad(`proposal ${p.id} is not below nextProposalId ${g.nextProposalId}`);
        if (K.Proposals.has(ctx, p.id)) throw bad(`proposal ${p.id} listed twice`);
        K.Proposals.set(ctx, p.id, p);
        if (p.status === "deposit_period") K.DepositQueue.enqueue(ctx, p.depositEndMs, p.id, true);
        if (p.status === "voting_period") K.VotingQueue.enqueue(ctx, p.votingEndMs, p.id, true);
      }
      const open = (id: number, what: string): void => {
        const p = K.Proposals.get(ctx, id);
        if (!p || (p.status !== "deposit_period" && p.status !== "voting_period")) throw bad(`${what} for proposal ${id}, which is not open`);
      };
      for (const d of g.deposits) {
        open(d.proposalId, "a deposit");
        K.Deposits.set(ctx, [d.proposalId, d.depositor], BigInt(d.amount));
      }
      // Votes are imported through the vote keeper, which rebuilds what they hold from staking's
      // delegations (staking's genesis runs first).
      for (const v of g.votes) {
        open(v.proposalId, "a vote");
        keeper.votes.vote(ctx, K.Proposals.get(ctx, v.proposalId)!, v.voter, v.options as WeightedOption[], false);
      }
      K.ProposalSeq.set(ctx, BigInt(g.nextProposalId - 1));
    },
    export(ctx: Ctx): GovGenesis {
      return {
        params: keeper.params(ctx),
        constitution: keeper.constitution(ctx),
        proposals: [...K.Proposals.values(ctx)],
        deposits: [...K.Deposits.iterate(ctx)].map(([[proposalId, depositor], amount]) => ({ proposalId, depositor, amount: amount.toString() })),
        votes: [...K.Votes.iterate(ctx)].map(([[proposalId, voter], v]) => ({ proposalId, voter, options: v.options })),
        nextProposalId: Number(K.ProposalSeq.peek(ctx)) + 1,
      };
    },
  };
}
