import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";

export function counterQueries(keeper: CounterKeeper): Record<string, QueryDef> {
  return {
    count: {
      schema: {
        $id: "https://nexusos.dev/schemas/counter.v1.QueryCount.json",
        type: "object",
        properties: { address: { type: "string", pattern: ADDRESS_PATTERN } },
        required: ["address"],
        additionalProperties: false,
      },
      handle: (ctx, p: { address: string }) => ({ address: p.address, count: keeper.count(ctx, p.address).toString() }),
    },
    total: {
      schema: { $id: "https://nexusos.dev/schemas/counter.v1.QueryTotal.json", type: "object", additionalProperties: false },
      handle: (ctx) => ({ total: keeper.total(ctx).toString(), snapshot: keeper.snapshot(ctx) ?? null }),
    },
    params: {
      schema: { $id: "https://nexusos.dev/schemas/counter.v1.QueryParams.json", type: "object", additionalProperties: false },
      handle: (ctx) => keeper.params(ctx),
    },
  };
}
