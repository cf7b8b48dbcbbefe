import type { Ctx } from "../../runtime/modules/types.ts";

/**
 * What this module needs from bank, declared here by the consumer (not imported from bank),
 * so any module bound to this token with these methods will do.
 */
export interface BankForCounter {
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly { denom: string; amount: bigint }[]): void;
}

export const CounterDeps = {
  Bank: Symbol.for("bank.Keeper"),
} as const;
