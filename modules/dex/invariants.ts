import type { Ctx } from "../../runtime/modules/types.ts";
import { lpDenom } from "./params.ts";
import type { DexKeeper } from "./keeper/dex-keeper.ts";

/** Per denomination, the reserves of all pools equal the dex module account's balance. O(pools). */
export function reservesInvariant(keeper: DexKeeper): (ctx: Ctx) => string | null {
  return (ctx) => {
    const sums = new Map<string, bigint>();
    for (const p of keeper.allPools(ctx)) {
      sums.set(p.denom0, (sums.get(p.denom0) ?? 0n) + p.reserve0);
      sums.set(p.denom1, (sums.get(p.denom1) ?? 0n) + p.reserve1);
    }
    const account = keeper.pair.reserveAccount;
    for (const [denom, sum] of [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const bal = keeper.bank.balance(ctx, account, denom);
      if (bal !== sum) return `${denom}: pool reserves total ${sum}, the dex account holds ${bal}`;
    }
    return null;
  };
}

/** Each pool's totalSupply equals the bank supply of its LP denomination. O(pools). */
export function lpSupplyInvariant(keeper: DexKeeper): (ctx: Ctx) => string | null {
  return (ctx) => {
    for (const p of keeper.allPools(ctx)) {
      const s = keeper.bank.supply(ctx, lpDenom(p.id));
      if (s !== p.totalSupply) return `pool ${p.id}: totalSupply ${p.totalSupply}, bank supply of ${lpDenom(p.id)} ${s}`;
    }
    return null;
  };
}

export function dexInvariants(keeper: DexKeeper): Record<string, (ctx: Ctx) => string | null> {
  return { reserves: reservesInvariant(keeper), "lp-supply": lpSupplyInvariant(keeper) };
}
