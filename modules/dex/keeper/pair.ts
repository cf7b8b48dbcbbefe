import type { Ctx } from "../../../runtime/modules/types.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { Pool } from "../keys.ts";
import type { BankForDex, LiquidityAllocationSource } from "../expected-keepers.ts";
import { MAX_RESERVE, accumulate, burnAmounts, kCheck, mintLiquidity, protocolFeeLiquidity, splitByBps } from "../amm.ts";
import { DEX_MODULE_ACCOUNT, LOCKED_LIQUIDITY_ACCOUNT, lpDenom } from "../params.ts";
import { DexError } from "../errors.ts";
import { DexEvents } from "../events.ts";
import { blockSeconds, type Oracle } from "./oracle.ts";
import type { PoolStore } from "./pools.ts";

const NAME = /^[a-z][a-z0-9_]{1,63}$/;

/**
 * The Pair primitives with NexusDEXPair semantics on amounts already decided. Where the EVM
 * pair reads its token balances, the native pool's balances are its reserves plus what the
 * call moves in (the module account holds every pool's reserves, so there are no donations to
 * skim or sync). Each checks everything it can before its first write.
 */
export class PairKeeper {
  readonly reserveAccount = moduleAddress(DEX_MODULE_ACCOUNT);
  readonly lockAccount = moduleAddress(LOCKED_LIQUIDITY_ACCOUNT);

  constructor(
    private readonly pools: PoolStore,
    private readonly oracle: Oracle,
    private readonly bank: BankForDex,
    private readonly feeSource: LiquidityAllocationSource | undefined,
  ) {}

  /** Loads a pool for a state change; `touch` records its oracle observation after the inbound transfer (the first write that can fail on the caller's funds). */
  private open(ctx: Ctx, poolId: number): { pool: Pool; now: number } {
    return { pool: this.pools.must(ctx, poolId), now: blockSeconds(ctx) };
  }

  private notReserve(address: string, role: string): void {
    if (address === this.reserveAccount) throw new DexError("DEX_INVALID_RECIPIENT", `the dex reserve account cannot be the ${role} of a pool operation`, { role });
  }

  /** Pair._update: overflow check, accumulate the previous prices, new reserves. */
  private update(ctx: Ctx, pool: Pool, balance0: bigint, balance1: bigint, now: number): void {
    const c = accumulate(
      { price0Cumulative: pool.price0CumulativeLast, price1Cumulative: pool.price1CumulativeLast },
      pool.reserve0,
      pool.reserve1,
      BigInt(now - pool.blockTimestampLast),
    );
    pool.price0CumulativeLast = c.price0Cumulative;
    pool.price1CumulativeLast = c.price1Cumulative;
    pool.reserve0 = balance0;
    pool.reserve1 = balance1;
    pool.blockTimestampLast = now;
    ctx.emit(DexEvents.Sync, { poolId: String(pool.id), reserve0: balance0.toString(), reserve1: balance1.toString() });
  }

  private checkOverflow(balance0: bigint, balance1: bigint): void {
    if (balance0 > MAX_RESERVE || balance1 > MAX_RESERVE) {
      throw new DexError("DEX_RESERVE_OVERFLOW", `reserves ${balance0}/${balance1} exceed 2^112-1`, { balance0: balance0.toString(), balance1: balance1.toString() });
    }
  }

  /** Whether the protocol fee is on: the param, and a bound fee-recipient source. */
  feeOn(ctx: Ctx): boolean {
    return this.feeSource !== undefined && this.pools.params(ctx).protocolFeeEnabled;
  }

  /** The liquidity allocation accounts and their weights, checked: names, bps summing to 10000. */
  feeShares(ctx: Ctx): readonly { module: string; bps: number }[] {
    if (!this.feeSource) throw new DexError("DEX_PROTOCOL_FEE_UNAVAILABLE", "the chain bound no liquidity allocation source");
    const shares = this.feeSource.liquidityAllocationShares(ctx);
    let sum = 0;
    for (const s of shares) {
      if (!NAME.test(s.module) || !Number.isSafeInteger(s.bps) || s.bps < 0) throw new DexError("DEX_INVALID_FEE_SHARES", `bad liquidity allocation share ${JSON.stringify(s)}`);
      sum += s.bps;
    }
    if (shares.length === 0 || sum !== 10000) throw new DexError("DEX_INVALID_FEE_SHARES", `liquidity allocation shares sum to ${sum} bps, not 10000`, { sum });
    return shares;
  }

  /**
   * Pair._mintFee: with the fee on and kLast set, mints the Uniswap formula's liquidity to the
   * allocation accounts (split by bps, the remainder to the first); with it off, clears kLast.
   * Returns whether the fee is on. Mutates pool.totalSupply / kLast; the caller saves.
   */
  private mintFee(ctx: Ctx, pool: Pool): boolean {
    const feeOn = this.feeOn(ctx);
    if (feeOn) {
      const liquidity = protocolFeeLiquidity(pool.totalSupply, pool.reserve0, pool.reserve1, pool.kLast);
      if (liquidity > 0n) {
        const shares = this.feeShares(ctx);
        const parts = splitByBps(liquidity, shares);
        const denom = lpDenom(pool.id);
        this.bank.mint(ctx, DEX_MODULE_ACCOUNT, [{ denom, amount: liquidity }]);
        shares.forEach((s, i) => {
          if (parts[i]! > 0n) this.bank.sendFromModule(ctx, DEX_MODULE_ACCOUNT, moduleAddress(s.module), [{ denom, amount: parts[i]! }]);
        });
        pool.totalSupply += liquidity;
        ctx.emit(DexEvents.ProtocolFee, { poolId: String(pool.id), liquidity: liquidity.toString() });
      }
    } else if (pool.kLast !== 0n) {
      pool.kLast = 0n;
    }
    return feeOn;
  }

  private mintLp(ctx: Ctx, pool: Pool, to: string, amount: bigint): void {
    const c = [{ denom: lpDenom(pool.id), amount }];
    this.bank.mint(ctx, DEX_MODULE_ACCOUNT, c);
    this.bank.sendFromModule(ctx, DEX_MODULE_ACCOUNT, to, c);
  }

  /** Pair.mint: moves amount0/amount1 from `from` into the pool and mints LP to `to`; returns the liquidity minted to `to`. */
  mint(ctx: Ctx, poolId: number, from: string, amount0: bigint, amount1: bigint, to: string): bigint {
    this.notReserve(from, "payer");
    this.notReserve(to, "recipient");
    if (amount0 < 0n || amount1 < 0n) throw new DexError("DEX_ZERO_AMOUNT", "negative deposit");
    const { pool, now } = this.open(ctx, poolId);
    const balance0 = pool.reserve0 + amount0;
    const balance1 = pool.reserve1 + amount1;
    this.checkOverflow(balance0, balance1);
    // Fee liquidity first: the share count is taken on the supply after it (as the Pair does).
    const feeLiquidity = this.feeOn(ctx) ? protocolFeeLiquidity(pool.totalSupply, pool.reserve0, pool.reserve1, pool.kLast) : 0n;
    const { liquidity, locked } = mintLiquidity(amount0, amount1, pool.reserve0, pool.reserve1, pool.totalSupply + feeLiquidity);
    const coins = [
      { denom: pool.denom0, amount: amount0 },
      { denom: pool.denom1, amount: amount1 },
    ].filter((c) => c.amount > 0n);
    if (coins.length) this.bank.sendToModule(ctx, from, DEX_MODULE_ACCOUNT, coins);
    this.oracle.touch(ctx, pool, now);
    const feeOn = this.mintFee(ctx, pool);
    if (locked > 0n) this.mintLp(ctx, pool, this.lockAccount, locked);
    this.mintLp(ctx, pool, to, liquidity);
    pool.totalSupply += locked + liquidity;
    this.update(ctx, pool, balance0, balance1, now);
    if (feeOn) pool.kLast = pool.reserve0 * pool.reserve1;
    this.pools.put(ctx, pool);
    ctx.emit(DexEvents.Mint, { poolId: String(pool.id), sender: from, to, amount0: amount0.toString(), amount1: amount1.toString(), liquidity: liquidity.toString() });
    return liquidity;
  }

  /** Pair.burn: takes `liquidity` LP from `from`, burns it and pays both sides pro rata to `to`. */
  burn(ctx: Ctx, poolId: number, from: string, liquidity: bigint, to: string): { amount0: bigint; amount1: bigint } {
    this.notReserve(from, "payer");
    this.notReserve(to, "recipient");
    if (liquidity < 0n) throw new DexError("DEX_ZERO_AMOUNT", "negative liquidity");
    const { pool, now } = this.open(ctx, poolId);
    // The shares move first, as the Router transfers them to the Pair before burn(): a holder
    // short of shares gets BANK_INSUFFICIENT_FUNDS whatever the amounts would have been.
    const lp = [{ denom: lpDenom(pool.id), amount: liquidity }];
    this.bank.sendToModule(ctx, from, DEX_MODULE_ACCOUNT, lp);
    const feeLiquidity = this.feeOn(ctx) ? protocolFeeLiquidity(pool.totalSupply, pool.reserve0, pool.reserve1, pool.kLast) : 0n;
    const { amount0, amount1 } = burnAmounts(liquidity, pool.reserve0, pool.reserve1, pool.totalSupply + feeLiquidity);
    this.oracle.touch(ctx, pool, now);
    const feeOn = this.mintFee(ctx, pool);
    this.bank.burn(ctx, DEX_MODULE_ACCOUNT, lp);
    pool.totalSupply -= liquidity;
    this.bank.sendFromModule(ctx, DEX_MODULE_ACCOUNT, to, [
      { denom: pool.denom0, amount: amount0 },
      { denom: pool.denom1, amount: amount1 },
    ]);
    this.update(ctx, pool, pool.reserve0 - amount0, pool.reserve1 - amount1, now);
    if (feeOn) pool.kLast = pool.reserve0 * pool.reserve1;
    this.pools.put(ctx, pool);
    ctx.emit(DexEvents.Burn, { poolId: String(pool.id), sender: from, to, amount0: amount0.toString(), amount1: amount1.toString(), liquidity: liquidity.toString() });
    return { amount0, amount1 };
  }

  /**
   * Pair.swap: takes amount0In/amount1In from `from`, pays amount0Out/amount1Out to `to`, and
   * requires the fee-adjusted product of the new balances to be at least k (DEX_K).
   */
  swap(ctx: Ctx, poolId: number, from: string, amount0In: bigint, amount1In: bigint, amount0Out: bigint, amount1Out: bigint, to: string): void {
    this.notReserve(from, "payer");
    this.notReserve(to, "recipient");
    if (amount0In < 0n || amount1In < 0n || amount0Out < 0n || amount1Out < 0n) throw new DexError("DEX_ZERO_AMOUNT", "negative swap amount");
    if (amount0Out === 0n && amount1Out === 0n) throw new DexError("DEX_ZERO_AMOUNT", "swap has no output");
    const { pool, now } = this.open(ctx, poolId);
    if (amount0Out >= pool.reserve0 || amount1Out >= pool.reserve1) {
      throw new DexError("DEX_INSUFFICIENT_LIQUIDITY", `pool ${pool.id} cannot pay ${amount0Out}/${amount1Out} out of ${pool.reserve0}/${pool.reserve1}`, { poolId: pool.id });
    }
    const balance0 = pool.reserve0 + amount0In - amount0Out;
    const balance1 = pool.reserve1 + amount1In - amount1Out;
    kCheck(balance0, balance1, amount0Out, amount1Out, pool.reserve0, pool.reserve1);
    this.checkOverflow(balance0, balance1);
    const ins = [
      { denom: pool.denom0, amount: amount0In },
      { denom: pool.denom1, amount: amount1In },
    ].filter((c) => c.amount > 0n);
    const outs = [
      { denom: pool.denom0, amount: amount0Out },
      { denom: pool.denom1, amount: amount1Out },
    ].filter((c) => c.amount > 0n);
    this.bank.sendToModule(ctx, from, DEX_MODULE_ACCOUNT, ins);
    this.oracle.touch(ctx, pool, now);
    this.bank.sendFromModule(ctx, DEX_MODULE_ACCOUNT, to, outs);
    this.update(ctx, pool, balance0, balance1, now);
    this.pools.put(ctx, pool);
    ctx.emit(DexEvents.Swap, {
      poolId: String(pool.id),
      sender: from,
      to,
      amount0In: amount0In.toString(),
      amount1In: amount1In.toString(),
      amount0Out: amount0Out.toString(),
      amount1Out: amount1Out.toString(),
    });
  }
}
