import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { PROPOSAL_STATUSES, type Proposal } from "./records.ts";
import * as K from "./keys.ts";
import { tallyRecord, type GovKeeper } from "./keeper/gov-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/gov.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const proposalId = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const paging = {
  limit: { type: "integer", minimum: 1, maximum: 100, description: "page size (default 20)" },
  after: { type: "string", description: "cursor from the previous page's `next`" },
} as const;

export function govQueries(keeper: GovKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", {}, [], "governance's params"), handle: (ctx) => keeper.params(ctx) },
    constitution: { schema: q("Constitution", {}, [], "the constitution in force"), handle: (ctx) => keeper.constitution(ctx) },
    proposal: {
      schema: q("Proposal", { proposalId }, ["proposalId"], "one proposal (null when there is none)"),
      handle: (ctx, p: { proposalId: number }) => keeper.proposal(ctx, p.proposalId) ?? null,
    },
    proposals: {
      schema: q("Proposals", { status: { enum: [...PROPOSAL_STATUSES] }, ...paging }, [], "proposals by id, optionally of one status, paged"),
      handle: (ctx, p: { status?: Proposal["status"]; limit?: number; after?: string }) => {
        // Filtering walks pages of ids; a status filter may return short pages (next still set).
        const page = K.Proposals.page(ctx, { limit: p.limit ?? 20, after: p.after });
        return { items: page.items.map((i) => i.value).filter((x) => !p.status || x.status === p.status), next: page.next };
      },
    },
    tally: {
      schema: q("Tally", { proposalId }, ["proposalId"], "the tally: final for an ended proposal, as it stands now for one in its voting period"),
      handle: (ctx, p: { proposalId: number }) => {
        const prop = keeper.mustGet(ctx, p.proposalId);
        if (prop.finalTally) return { final: true, ...prop.finalTally };
        return { final: false, ...tallyRecord(keeper.currentTally(ctx, prop)) };
      },
    },
    votes: {
      schema: q("Votes", { proposalId, ...paging }, ["proposalId"], "a proposal's votes, paged"),
      handle: (ctx, p: { proposalId: number; limit?: number; after?: string }) => {
        const page = K.Votes.page(ctx, { prefix: [p.proposalId], limit: p.limit ?? 20, after: p.after });
        return { items: page.items.map((i) => ({ voter: i.key[1], options: i.value.options })), next: page.next };
      },
    },
    vote: {
      schema: q("Vote", { proposalId, voter: address }, ["proposalId", "voter"], "one voter's vote (null when it has not voted)"),
      handle: (ctx, p: { proposalId: number; voter: string }) => K.Votes.get(ctx, [p.proposalId, p.voter]) ?? null,
    },
    deposits: {
      schema: q("Deposits", { proposalId, ...paging }, ["proposalId"], "deposits held for a proposal (refunded or burned when it ends), paged"),
      handle: (ctx, p: { proposalId: number; limit?: number; after?: string }) => {
        const page = K.Deposits.page(ctx, { prefix: [p.proposalId], limit: p.limit ?? 20, after: p.after });
        return { items: page.items.map((i) => ({ depositor: i.key[1], amount: i.value.toString() })), next: page.next };
      },
    },
  };
}
