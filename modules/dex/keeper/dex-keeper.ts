import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { Observation, Pool } from "../keys.ts";
import type { BankForDex, LiquidityAllocationSource } from "../expected-keepers.ts";
import { dexConfig, lpDenom, type DexConfig, type DexParams } from "../params.ts";
import { DexError } from "../errors.ts";
import { PoolStore } from "./pools.ts";
import { Oracle, blockSeconds, type Twap } from "./oracle.ts";
import { PairKeeper } from "./pair.ts";
import { RouterKeeper, type AddLiquidityResult } from "./router.ts";

/** LP held by one liquidity allocation account in one pool, and what it redeems for. */
export interface CommunityLiquidity {
  poolId: number;
  module: string;
  address: string;
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
}

/**
 * The dex keeper: the object the messages, queries, genesis, the differential test and the
 * bench talk to. Pools (state), Pair primitives, Router logic and the oracle live in their own
 * files; this class wires them and exposes the public API.
 */
export class DexKeeper {
  readonly pools = new PoolStore();
  readonly oracle = new Oracle();
  readonly pair: PairKeeper;
  readonly router: RouterKeeper;

  constructor(
    readonly bank: BankForDex,
    readonly config: DexConfig = dexConfig(),
    readonly feeSource?: LiquidityAllocationSource,
  ) {
    this.pair = new PairKeeper(this.pools, this.oracle, bank, feeSource);
    this.router = new RouterKeeper(this.pools, this.pair);
  }

  get authority(): string {
    return this.config.authority;
  }

  params(ctx: Ctx): DexParams {
    return this.pools.params(ctx);
  }

  /** Refuses the protocol fee on when no fee recipients are bound (DEX_PROTOCOL_FEE_UNAVAILABLE). */
  setParams(ctx: Ctx, p: DexParams): void {
    if (p.protocolFeeEnabled && !this.feeSource) {
      throw new DexError("DEX_PROTOCOL_FEE_UNAVAILABLE", "the protocol fee cannot be switched on: the chain bound no liquidity allocation source (opts.feeRecipients)");
    }
    this.pools.setParams(ctx, p);
  }

  // ---- Pair primitives (NexusDEXPair semantics) -------------------------------------------------

  pairMint(ctx: Ctx, poolId: number, from: string, amount0: bigint, amount1: bigint, to: string): bigint {
    return this.pair.mint(ctx, poolId, from, amount0, amount1, to);
  }

  pairBurn(ctx: Ctx, poolId: number, from: string, liquidity: bigint, to: string): { amount0: bigint; amount1: bigint } {
    return this.pair.burn(ctx, poolId, from, liquidity, to);
  }

  pairSwap(ctx: Ctx, poolId: number, from: string, amount0In: bigint, amount1In: bigint, amount0Out: bigint, amount1Out: bigint, to: string): void {
    this.pair.swap(ctx, poolId, from, amount0In, amount1In, amount0Out, amount1Out, to);
  }

  // ---- Router (NexusDEXRouter semantics) --------------------------------------------------------

  /** An empty pool for the pair (Factory.createPair); DEX_POOL_EXISTS, DEX_IDENTICAL_DENOMS. */
  createPool(ctx: Ctx, denomA: string, denomB: string): Pool {
    return this.pools.create(ctx, denomA, denomB);
  }

  addLiquidity(ctx: Ctx, sender: string, denomA: string, denomB: string, amountADesired: bigint, amountBDesired: bigint, amountAMin: bigint, amountBMin: bigint, to: string = sender): AddLiquidityResult {
    return this.router.addLiquidity(ctx, sender, denomA, denomB, amountADesired, amountBDesired, amountAMin, amountBMin, to);
  }

  removeLiquidity(ctx: Ctx, sender: string, denomA: string, denomB: string, liquidity: bigint, amountAMin: bigint, amountBMin: bigint, to: string = sender): { amountA: bigint; amountB: bigint } {
    return this.router.removeLiquidity(ctx, sender, denomA, denomB, liquidity, amountAMin, amountBMin, to);
  }

  swapExactIn(ctx: Ctx, sender: string, route: readonly string[], amountIn: bigint, minAmountOut: bigint, receiver: string = sender): bigint[] {
    return this.router.swapExactIn(ctx, sender, route, amountIn, minAmountOut, receiver);
  }

  swapExactOut(ctx: Ctx, sender: string, route: readonly string[], amountOut: bigint, maxAmountIn: bigint, receiver: string = sender): bigint[] {
    return this.router.swapExactOut(ctx, sender, route, amountOut, maxAmountIn, receiver);
  }

  quoteExactIn(ctx: Ctx, route: readonly string[], amountIn: bigint): bigint[] {
    return this.router.quoteExactIn(ctx, route, amountIn);
  }

  quoteExactOut(ctx: Ctx, route: readonly string[], amountOut: bigint): bigint[] {
    return this.router.quoteExactOut(ctx, route, amountOut);
  }

  // ---- reads -----------------------------------------------------------------------------------

  pool(ctx: Ctx, id: number): Pool | undefined {
    return this.pools.get(ctx, id);
  }

  poolByDenoms(ctx: Ctx, a: string, b: string): Pool | undefined {
    return this.pools.byDenoms(ctx, a, b);
  }

  poolsPage(ctx: Ctx, limit: number, after?: string): Page<Pool> {
    return this.pools.page(ctx, limit, after);
  }

  allPools(ctx: Ctx): Iterable<Pool> {
    return this.pools.all(ctx);
  }

  observations(ctx: Ctx, poolId: number): Observation[] {
    return this.oracle.list(ctx, this.pools.must(ctx, poolId));
  }

  /** Average prices (UQ112x112) over at least the last windowSeconds of block time; DEX_INSUFFICIENT_HISTORY when the ring is too young. */
  twap(ctx: Ctx, poolId: number, windowSeconds: number): Twap {
    return this.oracle.twap(ctx, this.pools.must(ctx, poolId), blockSeconds(ctx), windowSeconds);
  }

  /** LP each liquidity allocation account (or the one named) holds in each pool (or the one given), with its underlying amounts. O(pools × accounts). */
  communityLiquidity(ctx: Ctx, opts: { poolId?: number; module?: string } = {}): CommunityLiquidity[] {
    const modules = opts.module !== undefined ? [opts.module] : this.feeSource ? this.pair.feeShares(ctx).map((s) => s.module) : [];
    const pools = opts.poolId !== undefined ? [this.pools.must(ctx, opts.poolId)] : [...this.pools.all(ctx)];
    const out: CommunityLiquidity[] = [];
    for (const pool of pools) {
      for (const module of modules) {
        const address = moduleAddress(module);
        const liquidity = this.bank.balance(ctx, address, lpDenom(pool.id));
        const share = (r: bigint): bigint => (pool.totalSupply === 0n ? 0n : (liquidity * r) / pool.totalSupply);
        out.push({ poolId: pool.id, module, address, liquidity, amount0: share(pool.reserve0), amount1: share(pool.reserve1) });
      }
    }
    return out;
  }
}
