import type { Ctx } from "../../runtime/modules/types.ts";
import type { CounterKeeper } from "./keeper/counter-keeper.ts";

/** The stored total equals the sum of every account's count. */
export function totalMatchesSum(keeper: CounterKeeper): (ctx: Ctx) => string | null {
  return (ctx) => {
    let sum = 0n;
    for (const c of keeper.all(ctx)) sum += c.count;
    const total = keeper.total(ctx);
    return sum === total ? null : `stored total ${total} != sum of counts ${sum}`;
  };
}
