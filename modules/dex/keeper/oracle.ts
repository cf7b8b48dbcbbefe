import type { Ctx } from "../../../runtime/modules/types.ts";
import { Observations, type Observation, type Pool } from "../keys.ts";
import { accumulate, twapBetween } from "../amm.ts";
import { DexError } from "../errors.ts";

/** Block time in whole seconds, as block.timestamp is on an EVM chain. */
export function blockSeconds(ctx: Ctx): number {
  return Math.floor(ctx.block.time / 1000);
}

/**
 * Uniswap's OracleLibrary.currentCumulativePrices: the accumulators extrapolated to `now` with
 * the current reserves, as if the pool were synced now. Writes nothing.
 */
export function currentCumulatives(pool: Pool, now: number): Observation {
  const c = accumulate(
    { price0Cumulative: pool.price0CumulativeLast, price1Cumulative: pool.price1CumulativeLast },
    pool.reserve0,
    pool.reserve1,
    BigInt(now - pool.blockTimestampLast),
  );
  return { time: now, price0Cumulative: c.price0Cumulative, price1Cumulative: c.price1Cumulative };
}

export interface Twap {
  price0Average: bigint;
  price1Average: bigint;
  windowSeconds: number;
  from: number;
  to: number;
}

/**
 * Price observations: a bounded ring per pool (capacity fixed when the pool is made), one
 * written on the pool's first touch in a block (at most one per second of block time), before
 * the touch changes the reserves, so an observation reflects the prices of earlier blocks.
 */
export class Oracle {
  /** Records an observation for `now` if the newest one is older; updates the ring fields of `pool` (the caller saves it). */
  touch(ctx: Ctx, pool: Pool, now: number): void {
    if (pool.obsCount > 0) {
      const newest = this.at(ctx, pool, pool.obsCount - 1);
      if (newest.time >= now) return;
    }
    Observations.set(ctx, [pool.id, pool.obsNext], currentCumulatives(pool, now));
    pool.obsNext = (pool.obsNext + 1) % pool.obsCapacity;
    if (pool.obsCount < pool.obsCapacity) pool.obsCount++;
  }

  /** The i-th observation, oldest first (0 ≤ i < obsCount). */
  at(ctx: Ctx, pool: Pool, i: number): Observation {
    const oldest = pool.obsCount < pool.obsCapacity ? 0 : pool.obsNext;
    const slot = (oldest + i) % pool.obsCapacity;
    const o = Observations.get(ctx, [pool.id, slot]);
    if (!o) throw new DexError("DEX_INSUFFICIENT_HISTORY", `pool ${pool.id} observation slot ${slot} is missing`);
    return o;
  }

  /** Observations oldest first: export and queries, O(capacity). */
  list(ctx: Ctx, pool: Pool): Observation[] {
    const out: Observation[] = [];
    for (let i = 0; i < pool.obsCount; i++) out.push(this.at(ctx, pool, i));
    return out;
  }

  /** Genesis import: the ring exactly as exported. */
  restore(ctx: Ctx, pool: Pool, obs: readonly Observation[]): void {
    obs.forEach((o, i) => Observations.set(ctx, [pool.id, i % pool.obsCapacity], o));
  }

  /** Newest observation with time ≤ target (binary search over the ring), or undefined. */
  newestAtOrBefore(ctx: Ctx, pool: Pool, target: number): Observation | undefined {
    let lo = 0;
    let hi = pool.obsCount - 1;
    let found: Observation | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = this.at(ctx, pool, mid);
      if (o.time <= target) {
        found = o;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Average prices over (at least) the last windowSeconds: from the newest observation at or before now - window to now. */
  twap(ctx: Ctx, pool: Pool, now: number, windowSeconds: number): Twap {
    if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) throw new DexError("DEX_INSUFFICIENT_HISTORY", `window must be at least one second, got ${windowSeconds}`);
    const old = this.newestAtOrBefore(ctx, pool, now - windowSeconds);
    if (!old) {
      const oldest = pool.obsCount > 0 ? this.at(ctx, pool, 0).time : undefined;
      throw new DexError("DEX_INSUFFICIENT_HISTORY", `pool ${pool.id} has no observation at or before ${now - windowSeconds} (oldest: ${oldest ?? "none"})`, {
        poolId: pool.id,
        windowSeconds,
        ...(oldest !== undefined ? { oldest } : {}),
      });
    }
    const cur = currentCumulatives(pool, now);
    const r = twapBetween(old, cur);
    return { ...r, from: old.time, to: now };
  }
}
