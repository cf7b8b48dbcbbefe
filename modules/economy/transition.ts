import { BPS } from "./params.ts";
import type { LiquidityAccount } from "./accounts.ts";

/** Which rule an epoch transition applied (a wire value in records and events). */
export type CrisisBranch = "normal" | "below-1" | "below-0.5";

export interface TransitionSplit {
  readonly reserve: bigint;
  readonly toFloor: bigint;
  /** One entry per liquidity account, in the order given (zeros included). */
  readonly liquidity: readonly { module: LiquidityAccount; amount: bigint }[];
}

/**
 * Pure: where the transition reserve R goes at an epoch transition.
 *
 * normal branch: each liquidity account gets floor(R × transitionLiquidityBps × shareBps / 10^8);
 *   the floor reserve gets everything else, R − Σ liquidity (its own 60% and every rounding
 *   remainder), so the reserve always ends at exactly 0.
 * below-1 and below-0.5 (crisis): the floor reserve gets all of R; liquidity gets nothing.
 */
export function splitTransition(
  reserve: bigint,
  branch: CrisisBranch,
  p: { transitionLiquidityBps: number },
  shares: readonly { module: LiquidityAccount; bps: number }[],
): TransitionSplit {
  if (reserve < 0n) throw new RangeError(`splitTransition: negative reserve ${reserve}`);
  const crisis = branch !== "normal";
  let given = 0n;
  const liquidity = shares.map(({ module, bps }) => {
    const amount = crisis ? 0n : (reserve * BigInt(p.transitionLiquidityBps) * BigInt(bps)) / (BPS * BPS);
    given += amount;
    return { module, amount };
  });
  return { reserve, toFloor: reserve - given, liquidity };
}

/**
 * The epoch a block at `time` closes, if any: one transition per block at most. The next epoch
 * starts at this block's time, not at start + duration, so after a long halt the chain makes
 * one transition and starts a fresh epoch instead of a catch-up storm of empty ones.
 */
export function transitionDue(time: number, epochStartMs: number, durationMs: number): boolean {
  return time >= epochStartMs + durationMs;
}
