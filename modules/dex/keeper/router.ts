import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Pool } from "../keys.ts";
import { getAmountsIn, getAmountsOut, optimalDeposit, type HopReserves } from "../amm.ts";
import { DexError } from "../errors.ts";
import type { PairKeeper } from "./pair.ts";
import type { PoolStore } from "./pools.ts";

export const MAX_ROUTE = 5;

/** Stateless route checks: 2..5 denominations, no hop from a denomination to itself. */
export function checkRoute(route: readonly string[]): void {
  if (route.length < 2 || route.length > MAX_ROUTE) throw new DexError("DEX_INVALID_ROUTE", `a route has 2 to ${MAX_ROUTE} denominations, got ${route.length}`, { length: route.length });
  for (let i = 0; i + 1 < route.length; i++) {
    if (route[i] === route[i + 1]) throw new DexError("DEX_IDENTICAL_DENOMS", `route hop ${i} goes from ${route[i]} to itself`, { hop: i });
  }
}

interface Hop extends HopReserves {
  pool: Pool;
  /** Whether the input of the hop is the pool's denom0. */
  zeroForOne: boolean;
}

export interface AddLiquidityResult {
  amountA: bigint;
  amountB: bigint;
  liquidity: bigint;
}

/**
 * NexusDEXRouter on native pools: _addLiquidity's optimal amounts, removeLiquidity's minimums,
 * getAmountsOut/In and _swap over a route of denominations. Checks run in the Router's order;
 * a failure after a pool primitive wrote (a removeLiquidity minimum) is undone by the
 * transaction branch, as a revert undoes it on the EVM.
 */
export class RouterKeeper {
  constructor(
    private readonly pools: PoolStore,
    private readonly pair: PairKeeper,
  ) {}

  private hops(ctx: Ctx, route: readonly string[]): Hop[] {
    checkRoute(route);
    const hops: Hop[] = [];
    for (let i = 0; i + 1 < route.length; i++) {
      const [a, b] = [route[i]!, route[i + 1]!];
      const pool = this.pools.byDenoms(ctx, a, b);
      if (!pool) throw new DexError("DEX_ROUTE_MISSING_POOL", `route hop ${i} (${a} → ${b}) has no pool`, { hop: i, denomIn: a, denomOut: b });
      const zeroForOne = pool.denom0 === a;
      hops.push({ pool, zeroForOne, reserveIn: zeroForOne ? pool.reserve0 : pool.reserve1, reserveOut: zeroForOne ? pool.reserve1 : pool.reserve0 });
    }
    return hops;
  }

  /** getAmountsOut: amounts[0] = amountIn, amounts[i+1] out of hop i. */
  quoteExactIn(ctx: Ctx, route: readonly string[], amountIn: bigint): bigint[] {
    return getAmountsOut(amountIn, this.hops(ctx, route));
  }

  /** getAmountsIn: amounts[n] = amountOut, amounts[0] the input needed. */
  quoteExactOut(ctx: Ctx, route: readonly string[], amountOut: bigint): bigint[] {
    return getAmountsIn(amountOut, this.hops(ctx, route));
  }

  /** Router._swap: hop i pays its output to the next hop's payer; the sender carries intermediate amounts, the last hop pays `receiver`. */
  private execute(ctx: Ctx, hops: readonly Hop[], amounts: readonly bigint[], sender: string, receiver: string): void {
    hops.forEach((h, i) => {
      const amountIn = amounts[i]!;
      const amountOut = amounts[i + 1]!;
      const to = i < hops.length - 1 ? sender : receiver;
      if (h.zeroForOne) this.pair.swap(ctx, h.pool.id, sender, amountIn, 0n, 0n, amountOut, to);
      else this.pair.swap(ctx, h.pool.id, sender, 0n, amountIn, amountOut, 0n, to);
    });
  }

  /** swapExactTokensForTokens: DEX_SLIPPAGE_EXCEEDED when the output is below minAmountOut. Returns the amounts per hop. */
  swapExactIn(ctx: Ctx, sender: string, route: readonly string[], amountIn: bigint, minAmountOut: bigint, receiver: string = sender): bigint[] {
    const hops = this.hops(ctx, route);
    const amounts = getAmountsOut(amountIn, hops);
    const out = amounts[amounts.length - 1]!;
    if (out < minAmountOut) throw new DexError("DEX_SLIPPAGE_EXCEEDED", `output ${out} is below the minimum ${minAmountOut}`, { amountOut: out.toString(), minAmountOut: minAmountOut.toString() });
    this.execute(ctx, hops, amounts, sender, receiver);
    return amounts;
  }

  /** swapTokensForExactTokens: DEX_EXCESSIVE_INPUT_AMOUNT when the input needed is above maxAmountIn. */
  swapExactOut(ctx: Ctx, sender: string, route: readonly string[], amountOut: bigint, maxAmountIn: bigint, receiver: string = sender): bigint[] {
    const hops = this.hops(ctx, route);
    const amounts = getAmountsIn(amountOut, hops);
    if (amounts[0]! > maxAmountIn) throw new DexError("DEX_EXCESSIVE_INPUT_AMOUNT", `input ${amounts[0]} is above the maximum ${maxAmountIn}`, { amountIn: amounts[0]!.toString(), maxAmountIn: maxAmountIn.toString() });
    this.execute(ctx, hops, amounts, sender, receiver);
    return amounts;
  }

  /** Router.addLiquidity on an existing pool: the optimal amounts at the pool price, then Pair.mint. */
  addLiquidity(
    ctx: Ctx,
    sender: string,
    denomA: string,
    denomB: string,
    amountADesired: bigint,
    amountBDesired: bigint,
    amountAMin: bigint,
    amountBMin: bigint,
    to: string = sender,
  ): AddLiquidityResult {
    const pool = this.pools.mustByDenoms(ctx, denomA, denomB);
    const aIs0 = pool.denom0 === denomA;
    const [reserveA, reserveB] = aIs0 ? [pool.reserve0, pool.reserve1] : [pool.reserve1, pool.reserve0];
    const { amountA, amountB } = optimalDeposit(reserveA, reserveB, amountADesired, amountBDesired, amountAMin, amountBMin);
    const liquidity = aIs0 ? this.pair.mint(ctx, pool.id, sender, amountA, amountB, to) : this.pair.mint(ctx, pool.id, sender, amountB, amountA, to);
    return { amountA, amountB, liquidity };
  }

  /** Router.removeLiquidity: Pair.burn, then the minimums (DEX_INSUFFICIENT_A_AMOUNT / _B_AMOUNT). */
  removeLiquidity(ctx: Ctx, sender: string, denomA: string, denomB: string, liquidity: bigint, amountAMin: bigint, amountBMin: bigint, to: string = sender): { amountA: bigint; amountB: bigint } {
    const pool = this.pools.mustByDenoms(ctx, denomA, denomB);
    const { amount0, amount1 } = this.pair.burn(ctx, pool.id, sender, liquidity, to);
    const [amountA, amountB] = pool.denom0 === denomA ? [amount0, amount1] : [amount1, amount0];
    if (amountA < amountAMin) throw new DexError("DEX_INSUFFICIENT_A_AMOUNT", `payout of ${denomA} ${amountA} is below the minimum ${amountAMin}`, { amountA: amountA.toString(), amountAMin: amountAMin.toString() });
    if (amountB < amountBMin) throw new DexError("DEX_INSUFFICIENT_B_AMOUNT", `payout of ${denomB} ${amountB} is below the minimum ${amountBMin}`, { amountB: amountB.toString(), amountBMin: amountBMin.toString() });
    return { amountA, amountB };
  }
}
