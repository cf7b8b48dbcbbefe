import type { Ctx } from "../../runtime/modules/types.ts";
import { POSTAGE } from "./accounts.ts";
import * as K from "./keys.ts";
import type { EconomyKeeper } from "./keeper/economy-keeper.ts";

type Invariant = (ctx: Ctx) => string | null;

/**
 * fee_collector is not checked here: mid-block it holds the block's fees (the tests check it
 * is empty after every end block, and the fee router itself refuses to end a block otherwise).
 */
export function economyInvariants(keeper: EconomyKeeper): Record<string, Invariant> {
  return {
    /** No budget has more energy remaining than it bought; ids are below the sequence. Walks budgets: dev mode / tests. */
    "postage-budgets": (ctx) => {
      const next = K.BudgetSeq.peek(ctx);
      for (const b of K.Budgets.values(ctx)) {
        if (BigInt(b.energyRemaining) > BigInt(b.energyBought)) return `postage budget ${b.id}: remaining ${b.energyRemaining} > bought ${b.energyBought}`;
        if (BigInt(b.id) >= next) return `postage budget ${b.id} is not below the next id ${next}`;
      }
      return null;
    },
    /** The postage account only passes payments through: between transactions it holds nothing (one read). */
    "postage-account-empty": (ctx) => {
      const held = keeper.store.held(ctx, POSTAGE);
      return held === 0n ? null : `the postage account holds ${held}`;
    },
  };
}
