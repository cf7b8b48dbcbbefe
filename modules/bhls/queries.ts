import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import * as K from "./keys.ts";
import type { BhlsKeeper } from "./keeper/bhls-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[], description: string) =>
  ({ $id: `https://nexusos.dev/schemas/bhls.v1.Query${name}.json`, type: "object", description, properties, required, additionalProperties: false }) as const;
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const paging = {
  limit: { type: "integer", minimum: 1, maximum: 100, description: "page size (default 20)" },
  after: { type: "string", description: "cursor from the previous page's `next`" },
} as const;

export function bhlsQueries(keeper: BhlsKeeper): Record<string, QueryDef> {
  return {
    params: { schema: q("Params", {}, [], "bhls's params"), handle: (ctx) => keeper.params(ctx) },
    citizen: {
      schema: q("Citizen", { address }, ["address"], "a citizen's record (null when the address is not one)"),
      handle: (ctx, p: { address: string }) => keeper.citizen(ctx, p.address) ?? null,
    },
    citizensByAttestor: {
      schema: q("CitizensByAttestor", { attestor: address, ...paging }, ["attestor"], "citizens an attestor attested, paged; total is its counter"),
      handle: (ctx, p: { attestor: string; limit?: number; after?: string }) => {
        const page = K.CitizensByAttestor.page(ctx, { prefix: [p.attestor], limit: p.limit ?? 20, after: p.after });
        return { items: page.items.map((i) => i.value), next: page.next, total: keeper.citizens.attestorCitizens(ctx, p.attestor).toString() };
      },
    },
    attestors: {
      schema: q("Attestors", { ...paging }, [], "registered attestors with their monikers and citizen counts, paged"),
      handle: (ctx, p: { limit?: number; after?: string }) => {
        const page = K.Attestors.page(ctx, { limit: p.limit ?? 20, after: p.after });
        return { items: page.items.map((i) => ({ ...i.value, citizens: keeper.citizens.attestorCitizens(ctx, i.key).toString() })), next: page.next };
      },
    },
    epoch: {
      schema: q("Epoch", {}, [], "the current epoch, its share once the first claim fixed it, and the claims paid in it"),
      handle: (ctx) => {
        const e = keeper.claims.currentEpoch(ctx);
        const s = keeper.claims.epochShare(ctx, e.epoch);
        return {
          epoch: e.epoch,
          startMs: e.startMs,
          share: s?.share ?? null,
          citizensAtFix: s?.citizens ?? null,
          reserveAtFix: s?.reserve ?? null,
          claims: keeper.claims.epochClaims(ctx, e.epoch).toString(),
        };
      },
    },
    stability: {
      schema: q("Stability", {}, [], "the floor reserve and the registered citizens; the stability index itself is economy's (query economy stability)"),
      handle: (ctx) => ({ floorReserve: keeper.claims.reserve(ctx).toString(), citizens: keeper.citizenCount(ctx).toString(), monthlyAmount: keeper.params(ctx).monthlyAmount }),
    },
    pendingBridgeClaims: {
      schema: q("PendingBridgeClaims", { ...paging }, [], "claims escrowed for a bridged chain, waiting for the bridge, by id; escrowed is their sum"),
      handle: (ctx, p: { limit?: number; after?: string }) => {
        const page = keeper.claims.pendingBridgeClaims(ctx, { limit: p.limit ?? 20, after: p.after });
        return { ...page, escrowed: keeper.claims.escrowed(ctx).toString() };
      },
    },
  };
}
