import type { Ctx } from "../../runtime/modules/types.ts";
import type { BankKeeper } from "./keeper/bank-keeper.ts";

/** Sum of all balances + burned = minted, per denomination. Walks every balance: dev mode / tests. */
export function totalSupplyInvariant(keeper: BankKeeper): (ctx: Ctx) => string | null {
  return (ctx) => {
    const sums = new Map<string, bigint>();
    for (const { coin } of keeper.allBalances(ctx)) sums.set(coin.denom, (sums.get(coin.denom) ?? 0n) + coin.amount);
    for (const d of new Set([...sums.keys(), ...keeper.denoms(ctx)])) {
      const balances = sums.get(d) ?? 0n;
      const burned = keeper.burned(ctx, d);
      const minted = keeper.minted(ctx, d);
      if (balances + burned !== minted) return `${d}: balances ${balances} + burned ${burned} != minted ${minted}`;
    }
    return null;
  };
}
