import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { NextPoolId, Params, PoolByDenoms, Pools, type Pool } from "../keys.ts";
import { defaultParams, type DexParams } from "../params.ts";
import { DexError } from "../errors.ts";

/** The two denominations in pool order: denom0 < denom1 by string comparison. */
export function sortDenoms(a: string, b: string): [string, string] {
  if (a === b) throw new DexError("DEX_IDENTICAL_DENOMS", `a pool needs two different denominations, got ${a} twice`, { denom: a });
  return a < b ? [a, b] : [b, a];
}

/** Pool records, the denomination-pair index, the id sequence and the params. */
export class PoolStore {
  params(ctx: Ctx): DexParams {
    return Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: DexParams): void {
    Params.set(ctx, p);
  }

  get(ctx: Ctx, id: number): Pool | undefined {
    return Pools.get(ctx, id);
  }

  must(ctx: Ctx, id: number): Pool {
    const p = Pools.get(ctx, id);
    if (!p) throw new DexError("DEX_UNKNOWN_POOL", `no pool ${id}`, { poolId: id });
    return p;
  }

  idByDenoms(ctx: Ctx, a: string, b: string): number | undefined {
    const [d0, d1] = sortDenoms(a, b);
    return PoolByDenoms.get(ctx, [d0, d1]);
  }

  byDenoms(ctx: Ctx, a: string, b: string): Pool | undefined {
    const id = this.idByDenoms(ctx, a, b);
    return id === undefined ? undefined : this.get(ctx, id);
  }

  mustByDenoms(ctx: Ctx, a: string, b: string): Pool {
    const p = this.byDenoms(ctx, a, b);
    if (!p) throw new DexError("DEX_UNKNOWN_POOL", `no pool for ${a}/${b}`, { denomA: a, denomB: b });
    return p;
  }

  /** The id the next pool gets (ids start at 1). */
  nextId(ctx: Ctx): number {
    return Math.max(1, Number(NextPoolId.peek(ctx)));
  }

  setNextId(ctx: Ctx, id: number): void {
    NextPoolId.set(ctx, BigInt(id));
  }

  /** A new empty pool for the pair; DEX_POOL_EXISTS when one exists. */
  create(ctx: Ctx, a: string, b: string): Pool {
    const [denom0, denom1] = sortDenoms(a, b);
    const existing = PoolByDenoms.get(ctx, [denom0, denom1]);
    if (existing !== undefined) throw new DexError("DEX_POOL_EXISTS", `pool ${existing} already trades ${denom0}/${denom1}`, { poolId: existing });
    const id = this.nextId(ctx);
    this.setNextId(ctx, id + 1);
    const pool: Pool = {
      id,
      denom0,
      denom1,
      reserve0: 0n,
      reserve1: 0n,
      totalSupply: 0n,
      kLast: 0n,
      price0CumulativeLast: 0n,
      price1CumulativeLast: 0n,
      blockTimestampLast: 0,
      obsCapacity: this.params(ctx).oracleObservations,
      obsNext: 0,
      obsCount: 0,
    };
    this.put(ctx, pool);
    return pool;
  }

  /** Writes a pool record (and its pair index entry). */
  put(ctx: Ctx, pool: Pool): void {
    Pools.set(ctx, pool.id, pool);
    if (!PoolByDenoms.has(ctx, [pool.denom0, pool.denom1])) PoolByDenoms.set(ctx, [pool.denom0, pool.denom1], pool.id);
  }

  /** Every pool in id order: invariants and export, O(pools). */
  all(ctx: Ctx): Iterable<Pool> {
    return Pools.values(ctx);
  }

  page(ctx: Ctx, limit: number, after?: string): Page<Pool> {
    const p = Pools.page(ctx, { limit, after });
    return { items: p.items.map((i) => i.value), next: p.next };
  }
}
