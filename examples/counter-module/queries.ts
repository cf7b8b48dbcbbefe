import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[]) =>
  ({ $id: `https://nexusos.dev/schemas/counter.v1.Query${name}.json`, type: "object", properties, required, additionalProperties: false }) as const;

export function counterQueries(keeper: CounterKeeper): Record<string, QueryDef> {
  return {
    count: {
      schema: q("Count", { address: { type: "string", pattern: ADDRESS_PATTERN } }, ["address"]),
      handle: (ctx, p: { address: string }) => ({ address: p.address, count: keeper.count(ctx, p.address).toString() }),
    },
    /** A list query pages: `limit` (the collection caps it) and the opaque `after` cursor from the last page's `next`. */
    counts: {
      schema: q("Counts", { limit: { type: "integer", minimum: 1, maximum: 100 }, after: { type: "string", maxLength: 200 } }, []),
      handle: (ctx, p: { limit?: number; after?: string }) => {
        const page = keeper.page(ctx, { after: p.after, limit: p.limit ?? 50 });
        return { counts: page.items.map((c) => ({ address: c.key, count: c.value.toString() })), next: page.next };
      },
    },
    total: {
      schema: q("Total", {}, []),
      handle: (ctx) => ({ total: keeper.total(ctx).toString(), snapshot: keeper.snapshot(ctx) ?? null }),
    },
    params: {
      schema: q("Params", {}, []),
      handle: (ctx) => keeper.params(ctx),
    },
  };
}
