/**
 * The constant-product maths of the DEX as pure bigint functions, line for line the formulas
 * of contracts/dex/NexusDEXPair.sol and NexusDEXRouter.sol (Uniswap v2): same rounding, same
 * K check, same _mintFee, same UQ112x112 accumulators. The keeper calls these; tests check them
 * against Uniswap v2's published vectors without a store.
 *
 * Failures throw DexError with the code the Solidity revert maps to (see docs/dex.md).
 */
import { DexError } from "./errors.ts";

export const MINIMUM_LIQUIDITY = 1000n;
/** type(uint112).max: the most a reserve may hold (Pair._update's Overflow). */
export const MAX_RESERVE = (1n << 112n) - 1n;
/** The UQ112x112 fixed-point one. */
export const Q112 = 1n << 112n;
/** LP fee: the input counts 997/1000 (0.30%). */
export const FEE_NUMERATOR = 997n;
export const FEE_DENOMINATOR = 1000n;

/** floor(sqrt(y)) (OpenZeppelin Math.sqrt and Uniswap's Babylonian sqrt both floor). */
export function sqrt(y: bigint): bigint {
  if (y < 0n) throw new RangeError("sqrt of a negative number");
  if (y < 4n) return y === 0n ? 0n : 1n; // Uniswap's branch for 1..3
  let z = y;
  let x = y / 2n + 1n;
  while (x < z) {
    z = x;
    x = (y / x + x) / 2n;
  }
  return z;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Router.quote: amountB worth amountA at the current price, no fee (rounded down). */
export function quote(amountA: bigint, reserveA: bigint, reserveB: bigint): bigint {
  if (amountA <= 0n) throw new DexError("DEX_ZERO_AMOUNT", "quote of a zero amount");
  if (reserveA <= 0n || reserveB <= 0n) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY", "pool has no reserves");
  return (amountA * reserveB) / reserveA;
}

/** Router.getAmountOut: output for an exact input after the 0.30% fee (rounded down). */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn <= 0n) throw new DexError("DEX_ZERO_AMOUNT", "input amount is zero");
  if (reserveIn <= 0n || reserveOut <= 0n) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY", "pool has no reserves");
  const amountInWithFee = amountIn * FEE_NUMERATOR;
  return (amountInWithFee * reserveOut) / (reserveIn * FEE_DENOMINATOR + amountInWithFee);
}

/** Router.getAmountIn: input needed for an exact output after the 0.30% fee (rounded up, +1 as Uniswap). */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountOut <= 0n) throw new DexError("DEX_ZERO_AMOUNT", "output amount is zero");
  if (reserveIn <= 0n || reserveOut <= amountOut) {
    throw new DexError("DEX_INSUFFICIENT_LIQUIDITY", `pool cannot pay ${amountOut} out of reserve ${reserveOut}`, { amountOut: amountOut.toString(), reserveOut: reserveOut.toString() });
  }
  return (reserveIn * amountOut * FEE_DENOMINATOR) / ((reserveOut - amountOut) * FEE_NUMERATOR) + 1n;
}

/** Reserves of one hop, input side first. */
export interface HopReserves {
  readonly reserveIn: bigint;
  readonly reserveOut: bigint;
}

/** Router.getAmountsOut over the hops of a route: amounts[0] = amountIn, amounts[i+1] out of hop i. */
export function getAmountsOut(amountIn: bigint, hops: readonly HopReserves[]): bigint[] {
  if (hops.length < 1) throw new DexError("DEX_INVALID_ROUTE", "a route needs at least two denominations");
  const amounts = [amountIn];
  for (const h of hops) amounts.push(getAmountOut(amounts[amounts.length - 1]!, h.reserveIn, h.reserveOut));
  return amounts;
}

/** Router.getAmountsIn: computed from the last hop back; amounts[n] = amountOut. */
export function getAmountsIn(amountOut: bigint, hops: readonly HopReserves[]): bigint[] {
  if (hops.length < 1) throw new DexError("DEX_INVALID_ROUTE", "a route needs at least two denominations");
  const amounts: bigint[] = new Array(hops.length + 1);
  amounts[hops.length] = amountOut;
  for (let i = hops.length; i > 0; i--) amounts[i - 1] = getAmountIn(amounts[i]!, hops[i - 1]!.reserveIn, hops[i - 1]!.reserveOut);
  return amounts;
}

/**
 * Router._addLiquidity on known reserves: the amounts actually deposited. An empty pool takes
 * the desired amounts; otherwise the optimal amount of one side at the pool price, refused
 * below its minimum (DEX_INSUFFICIENT_B_AMOUNT / DEX_INSUFFICIENT_A_AMOUNT).
 */
export function optimalDeposit(
  reserveA: bigint,
  reserveB: bigint,
  amountADesired: bigint,
  amountBDesired: bigint,
  amountAMin: bigint,
  amountBMin: bigint,
): { amountA: bigint; amountB: bigint } {
  if (reserveA === 0n && reserveB === 0n) return { amountA: amountADesired, amountB: amountBDesired };
  const amountBOptimal = quote(amountADesired, reserveA, reserveB);
  if (amountBOptimal <= amountBDesired) {
    if (amountBOptimal < amountBMin) {
      throw new DexError("DEX_INSUFFICIENT_B_AMOUNT", `deposit of B would be ${amountBOptimal}, below the minimum ${amountBMin}`, { amountB: amountBOptimal.toString(), amountBMin: amountBMin.toString() });
    }
    return { amountA: amountADesired, amountB: amountBOptimal };
  }
  const amountAOptimal = quote(amountBDesired, reserveB, reserveA);
  if (amountAOptimal < amountAMin) {
    throw new DexError("DEX_INSUFFICIENT_A_AMOUNT", `deposit of A would be ${amountAOptimal}, below the minimum ${amountAMin}`, { amountA: amountAOptimal.toString(), amountAMin: amountAMin.toString() });
  }
  return { amountA: amountAOptimal, amountB: amountBDesired };
}

/**
 * Pair.mint's share count for deposits amount0/amount1 (totalSupply after _mintFee). The first
 * deposit gets sqrt(a0*a1) - MINIMUM_LIQUIDITY (and `locked` = MINIMUM_LIQUIDITY goes to the
 * lock account); later ones the smaller proportional share.
 */
export function mintLiquidity(amount0: bigint, amount1: bigint, reserve0: bigint, reserve1: bigint, totalSupply: bigint): { liquidity: bigint; locked: bigint } {
  let liquidity: bigint;
  let locked = 0n;
  if (totalSupply === 0n) {
    const rootK = sqrt(amount0 * amount1);
    if (rootK <= MINIMUM_LIQUIDITY) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY_MINTED", `first deposit gives sqrt(k) = ${rootK}, not above MINIMUM_LIQUIDITY ${MINIMUM_LIQUIDITY}`);
    liquidity = rootK - MINIMUM_LIQUIDITY;
    locked = MINIMUM_LIQUIDITY;
  } else {
    liquidity = min((amount0 * totalSupply) / reserve0, (amount1 * totalSupply) / reserve1);
  }
  if (liquidity <= 0n) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY_MINTED", "deposit mints no liquidity");
  return { liquidity, locked };
}

/** Pair.burn's payouts for `liquidity` shares of `totalSupply` (after _mintFee), rounded down. */
export function burnAmounts(liquidity: bigint, balance0: bigint, balance1: bigint, totalSupply: bigint): { amount0: bigint; amount1: bigint } {
  if (totalSupply <= 0n) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY_BURNED", "pool has no liquidity");
  const amount0 = (liquidity * balance0) / totalSupply;
  const amount1 = (liquidity * balance1) / totalSupply;
  if (amount0 === 0n || amount1 === 0n) throw new DexError("DEX_INSUFFICIENT_LIQUIDITY_BURNED", `burning ${liquidity} shares pays ${amount0}/${amount1}: nothing on one side`);
  return { amount0, amount1 };
}

/**
 * Pair._mintFee's liquidity: 1/6 of the growth of sqrt(k) since kLast, as new shares.
 * Zero when kLast is 0 or k did not grow.
 */
export function protocolFeeLiquidity(totalSupply: bigint, reserve0: bigint, reserve1: bigint, kLast: bigint): bigint {
  if (kLast === 0n) return 0n;
  const rootK = sqrt(reserve0 * reserve1);
  const rootKLast = sqrt(kLast);
  if (rootK <= rootKLast) return 0n;
  const numerator = totalSupply * (rootK - rootKLast);
  const denominator = rootK * 5n + rootKLast;
  return numerator / denominator;
}

/**
 * Pair.swap's checks given the balances after the outputs left and the inputs arrived:
 * the inputs it derives (amountIn = balance - (reserve - amountOut) when positive) and the
 * K check on fee-adjusted balances. Returns the derived inputs.
 */
export function kCheck(balance0: bigint, balance1: bigint, amount0Out: bigint, amount1Out: bigint, reserve0: bigint, reserve1: bigint): { amount0In: bigint; amount1In: bigint } {
  const amount0In = balance0 > reserve0 - amount0Out ? balance0 - (reserve0 - amount0Out) : 0n;
  const amount1In = balance1 > reserve1 - amount1Out ? balance1 - (reserve1 - amount1Out) : 0n;
  if (amount0In === 0n && amount1In === 0n) throw new DexError("DEX_ZERO_AMOUNT", "swap has no input");
  const balance0Adjusted = balance0 * 1000n - amount0In * 3n;
  const balance1Adjusted = balance1 * 1000n - amount1In * 3n;
  if (balance0Adjusted * balance1Adjusted < reserve0 * reserve1 * 1_000_000n) {
    throw new DexError("DEX_K", "the swap would lower the pool's fee-adjusted k", {
      balance0: balance0.toString(),
      balance1: balance1.toString(),
      reserve0: reserve0.toString(),
      reserve1: reserve1.toString(),
    });
  }
  return { amount0In, amount1In };
}

/** UQ112x112 prices of a pool: price0 = reserve1/reserve0, price1 = reserve0/reserve1 (Uniswap's encodePrice). */
export function encodePrice(reserve0: bigint, reserve1: bigint): { price0: bigint; price1: bigint } {
  return { price0: (reserve1 << 112n) / reserve0, price1: (reserve0 << 112n) / reserve1 };
}

export interface Cumulatives {
  readonly price0Cumulative: bigint;
  readonly price1Cumulative: bigint;
}

/**
 * Pair._update's accumulation: the prices of the reserves before the update, times the seconds
 * since the last update (none when no time passed or a reserve is zero). Exact bigints, no
 * 2^256 wrap: a wrap needs 2^256 / 2^224 = 2^32 seconds at the highest possible price, and
 * readers here take differences of exact values, so the results equal the wrapping ones.
 */
export function accumulate(c: Cumulatives, reserve0: bigint, reserve1: bigint, elapsedSeconds: bigint): Cumulatives {
  if (elapsedSeconds <= 0n || reserve0 === 0n || reserve1 === 0n) return c;
  const p = encodePrice(reserve0, reserve1);
  return { price0Cumulative: c.price0Cumulative + p.price0 * elapsedSeconds, price1Cumulative: c.price1Cumulative + p.price1 * elapsedSeconds };
}

/** Time-weighted average prices (UQ112x112) between two observations, oldest first. */
export function twapBetween(
  older: { time: number } & Cumulatives,
  newer: { time: number } & Cumulatives,
): { price0Average: bigint; price1Average: bigint; windowSeconds: number } {
  const dt = newer.time - older.time;
  if (dt <= 0) throw new DexError("DEX_INSUFFICIENT_HISTORY", "observations are not apart in time");
  const t = BigInt(dt);
  return {
    price0Average: (newer.price0Cumulative - older.price0Cumulative) / t,
    price1Average: (newer.price1Cumulative - older.price1Cumulative) / t,
    windowSeconds: dt,
  };
}

/**
 * Splits `liquidity` by basis points: each entry floor(liquidity * bps / 10000), the rounding
 * remainder to the first, so the parts add up to `liquidity` exactly.
 */
export function splitByBps<T extends { bps: number }>(liquidity: bigint, shares: readonly T[]): bigint[] {
  const parts = shares.map((s) => (liquidity * BigInt(s.bps)) / 10000n);
  const rest = liquidity - parts.reduce((a, b) => a + b, 0n);
  if (parts.length > 0) parts[0] = parts[0]! + rest;
  return parts;
}
