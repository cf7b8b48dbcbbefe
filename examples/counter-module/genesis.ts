import type { FromSchema } from "json-schema-to-ts";
import type { GenesisDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { paramsSchema, defaultParams, paramsProblem } from "./params.ts";
import { CounterError } from "./errors.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";

export const counterGenesisSchema = {
  $id: "https://nexusos.dev/schemas/counter.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    counts: {
      type: "array",
      items: {
        type: "object",
        properties: { address: { type: "string", pattern: ADDRESS_PATTERN }, count: { type: "string", pattern: "^(0|[1-9][0-9]{0,30})$" } },
        required: ["address", "count"],
        additionalProperties: false,
      },
    },
  },
  required: ["params", "counts"],
  additionalProperties: false,
} as const;
export type CounterGenesis = FromSchema<typeof counterGenesisSchema>;

export function counterGenesis(keeper: CounterKeeper): GenesisDef<CounterGenesis> {
  return {
    schema: counterGenesisSchema,
    defaults: () => ({ params: defaultParams(), counts: [] }),
    init(ctx, g) {
      const problem = paramsProblem(g.params);
      if (problem) throw new CounterError("COUNTER_INVALID_PARAMS", `genesis params: ${problem}`);
      keeper.setParams(ctx, g.params);
      const seen = new Set<string>();
      g.counts.forEach((c, i) => {
        // context.field: the module manager reports "genesis.modules.counter.counts[i].address: …".
        if (seen.has(c.address)) throw new CounterError("COUNTER_GENESIS_INVALID", `${c.address} has two counts`, { field: `counts[${i}].address` });
        seen.add(c.address);
        keeper.setCount(ctx, c.address, BigInt(c.count));
      });
    },
    export(ctx) {
      return {
        params: { ...keeper.params(ctx) },
        counts: [...keeper.all(ctx)].map((c) => ({ address: c.address, count: c.count.toString() })),
      };
    },
  };
}
