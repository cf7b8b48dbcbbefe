import type { FromSchema } from "json-schema-to-ts";
import type { Ctx, GenesisDef } from "../../runtime/modules/types.ts";
import { defaultParams, paramsProblem, paramsSchema } from "./params.ts";
import { budgetSchema, epochStateSchema, transitionSchema } from "./records.ts";
import { EconomyError } from "./errors.ts";
import * as K from "./keys.ts";
import type { EconomyKeeper } from "./keeper/economy-keeper.ts";

export const economyGenesisSchema = {
  $id: "https://nexusos.dev/schemas/economy.v1.Genesis.json",
  type: "object",
  properties: {
    params: paramsSchema,
    /** The current epoch; absent in a new chain's genesis: epoch 1 starts at the genesis time. */
    epoch: epochStateSchema,
    transitions: { type: "array", items: transitionSchema },
    budgets: { type: "array", items: budgetSchema },
    nextBudgetId: { type: "integer", minimum: 0 },
  },
  required: ["params", "transitions", "budgets", "nextBudgetId"],
  additionalProperties: false,
} as const;

export type EconomyGenesis = FromSchema<typeof economyGenesisSchema>;

export function defaultEconomyGenesis(): EconomyGenesis {
  return { params: defaultParams(), transitions: [], budgets: [], nextBudgetId: 0 };
}

const bad = (message: string): EconomyError => new EconomyError("ECONOMY_GENESIS_INVALID", message);

export function economyGenesis(keeper: EconomyKeeper): GenesisDef<EconomyGenesis> {
  return {
    schema: economyGenesisSchema,
    defaults: defaultEconomyGenesis,
    init(ctx: Ctx, g: EconomyGenesis): void {
      const problem = paramsProblem(g.params);
      if (problem) throw bad(`params: ${problem}`);
      keeper.setParams(ctx, g.params);
      // InitChain runs at the genesis time: a new chain's first epoch starts there.
      const epoch = g.epoch ?? { epoch: 1, startMs: ctx.block.time, treasuryDrawn: "0" };
      keeper.store.setEpoch(ctx, epoch);
      const epochs = new Set<number>();
      for (const t of g.transitions) {
        if (epochs.has(t.epoch)) throw bad(`transition of epoch ${t.epoch} listed twice`);
        if (t.epoch >= epoch.epoch) throw bad(`transition of epoch ${t.epoch} is not before the current epoch ${epoch.epoch}`);
        epochs.add(t.epoch);
        K.Transitions.set(ctx, t.epoch, t);
      }
      const ids = new Set<number>();
      for (const b of g.budgets) {
        if (ids.has(b.id)) throw bad(`postage budget ${b.id} listed twice`);
        if (b.id >= g.nextBudgetId) throw bad(`postage budget ${b.id} is not below nextBudgetId ${g.nextBudgetId}`);
        if (BigInt(b.energyRemaining) > BigInt(b.energyBought)) throw bad(`postage budget ${b.id} has more energy remaining than bought`);
        ids.add(b.id);
        K.Budgets.set(ctx, b.id, b);
      }
      K.BudgetSeq.set(ctx, BigInt(g.nextBudgetId));
    },
    export(ctx: Ctx): EconomyGenesis {
      return {
        params: { ...keeper.params(ctx) },
        epoch: { ...keeper.epoch(ctx) },
        transitions: [...K.Transitions.values(ctx)],
        budgets: [...K.Budgets.values(ctx)],
        nextBudgetId: Number(K.BudgetSeq.peek(ctx)),
      };
    },
  };
}
