// Edges of the pure DEX maths that amm.test.ts's Uniswap vectors do not reach: the refusals'
// messages and contexts, the exactly-at-minimum boundaries of _addLiquidity, the token1 side of
// the K check (input fee, flash repayment), one-sided empty pools, and the degenerate inputs
// (zero elapsed time, shrunk k, no shares) the functions document.
import { expect } from "chai";
import {
  accumulate,
  burnAmounts,
  encodePrice,
  getAmountIn,
  getAmountOut,
  getAmountsIn,
  getAmountsOut,
  kCheck,
  mintLiquidity,
  optimalDeposit,
  protocolFeeLiquidity,
  quote,
  splitByBps,
  sqrt,
  twapBetween,
} from "./amm.ts";
import { DexError } from "./errors.ts";
import { MemoryDex, addr, e18 } from "./testing.ts";

/** The DexError `f` throws (fails the test on success or on any other error). */
function dexErrorOf(f: () => unknown): DexError {
  try {
    f();
  } catch (e) {
    if (e instanceof DexError) return e;
    throw e;
  }
  throw new Error("expected a DexError, the call succeeded");
}

/** code, message and context of the DexError `f` throws. */
const refusal = (f: () => unknown): { code: string; message: string; context: unknown } => {
  const e = dexErrorOf(f);
  return { code: e.code, message: e.message, context: e.context };
};

describe("dex amm: edges of the pure maths", () => {
  it("sqrt refuses a negative number with a RangeError", () => {
    expect(() => sqrt(-1n)).to.throw(RangeError).with.property("message", "sqrt of a negative number");
    expect(() => sqrt(-5n)).to.throw(RangeError);
  });

  it("quote / getAmountOut: a zero amount or an empty output reserve is refused, with its message", () => {
    expect(refusal(() => quote(0n, 1n, 1n))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "quote of a zero amount", context: {} });
    expect(refusal(() => quote(1n, 1n, 0n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY", message: "pool has no reserves", context: {} });
    expect(refusal(() => getAmountOut(0n, 1n, 1n))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "input amount is zero", context: {} });
    expect(refusal(() => getAmountOut(1n, 1n, 0n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY", message: "pool has no reserves", context: {} });
    // the smallest non-empty reserves still quote
    expect(quote(3n, 2n, 1n)).to.equal(1n);
    expect(getAmountOut(1000n, 1n, 1n)).to.equal(0n);
  });

  it("getAmountIn: an empty input reserve, or an output at the reserve, is refused with amounts in the context", () => {
    expect(refusal(() => getAmountIn(0n, 1n, 1n))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "output amount is zero", context: {} });
    expect(refusal(() => getAmountIn(1n, 0n, 5n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY",
      message: "pool cannot pay 1 out of reserve 5",
      context: { amountOut: "1", reserveOut: "5" },
    });
    expect(refusal(() => getAmountIn(5n, 10n, 5n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY",
      message: "pool cannot pay 5 out of reserve 5",
      context: { amountOut: "5", reserveOut: "5" },
    });
    // one below the reserve: 10*4*1000 / (1*997) = 40, +1
    expect(getAmountIn(4n, 10n, 5n)).to.equal(41n);
  });

  it("getAmountsOut / getAmountsIn: an empty route is refused with its message; one hop works", () => {
    const m = { code: "DEX_INVALID_ROUTE", message: "a route needs at least two denominations", context: {} };
    expect(refusal(() => getAmountsOut(1n, []))).to.deep.equal(m);
    expect(refusal(() => getAmountsIn(1n, []))).to.deep.equal(m);
    expect(getAmountsIn(4n, [{ reserveIn: 10n, reserveOut: 5n }])).to.deep.equal([41n, 4n]);
  });

  it("optimalDeposit: a pool empty on one side only is not an empty pool (DEX_INSUFFICIENT_LIQUIDITY)", () => {
    expect(refusal(() => optimalDeposit(0n, 5n, 7n, 9n, 0n, 0n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY", message: "pool has no reserves", context: {} });
    expect(refusal(() => optimalDeposit(5n, 0n, 7n, 9n, 0n, 0n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY", message: "pool has no reserves", context: {} });
  });

  it("optimalDeposit: an optimal B exactly equal to the desired B deposits all of A (no re-quote of A)", () => {
    // price 3:2; 2 of A quotes floor(4/3) = 1 of B = desired; re-quoting A from 1 of B would give 1
    expect(optimalDeposit(3n, 2n, 2n, 1n, 2n, 1n)).to.deep.equal({ amountA: 2n, amountB: 1n });
  });

  it("optimalDeposit: a side exactly at its minimum is accepted, one below is refused with the amounts", () => {
    // price 1:4, offering 1:8: B side is 4e18
    expect(optimalDeposit(e18(1), e18(4), e18(1), e18(8), 0n, e18(4))).to.deep.equal({ amountA: e18(1), amountB: e18(4) });
    expect(refusal(() => optimalDeposit(e18(1), e18(4), e18(1), e18(8), 0n, e18(4) + 1n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_B_AMOUNT",
      message: "deposit of B would be 4000000000000000000, below the minimum 4000000000000000001",
      context: { amountB: "4000000000000000000", amountBMin: "4000000000000000001" },
    });
    // price 1:4, offering 1:2: A side is 0.5e18
    const half = e18(1) / 2n;
    expect(optimalDeposit(e18(1), e18(4), e18(1), e18(2), half, 0n)).to.deep.equal({ amountA: half, amountB: e18(2) });
    expect(refusal(() => optimalDeposit(e18(1), e18(4), e18(1), e18(2), half + 1n, 0n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_A_AMOUNT",
      message: "deposit of A would be 500000000000000000, below the minimum 500000000000000001",
      context: { amountA: "500000000000000000", amountAMin: "500000000000000001" },
    });
  });

  it("mintLiquidity: a first deposit at or below MINIMUM_LIQUIDITY says so; a later one minting nothing says that", () => {
    expect(refusal(() => mintLiquidity(1000n, 1000n, 0n, 0n, 0n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY_MINTED",
      message: "first deposit gives sqrt(k) = 1000, not above MINIMUM_LIQUIDITY 1000",
      context: {},
    });
    expect(dexErrorOf(() => mintLiquidity(10n, 10n, 0n, 0n, 0n)).message).to.equal("first deposit gives sqrt(k) = 10, not above MINIMUM_LIQUIDITY 1000");
    expect(refusal(() => mintLiquidity(0n, 5n, 100n, 200n, 1000n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY_MINTED", message: "deposit mints no liquidity", context: {} });
  });

  it("burnAmounts: no supply is refused as DEX_INSUFFICIENT_LIQUIDITY_BURNED (not a division by zero); nothing on a side names the payouts", () => {
    expect(refusal(() => burnAmounts(1n, 10n, 10n, 0n))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY_BURNED", message: "pool has no liquidity", context: {} });
    expect(refusal(() => burnAmounts(1n, 5n, 100n, 10n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY_BURNED",
      message: "burning 1 shares pays 0/10: nothing on one side",
      context: {},
    });
    expect(burnAmounts(2n, 5n, 100n, 10n)).to.deep.equal({ amount0: 1n, amount1: 20n });
  });

  it("protocolFeeLiquidity: k below kLast mints no fee (not a negative one)", () => {
    expect(protocolFeeLiquidity(1000n, 100n, 100n, 200n * 200n)).to.equal(0n);
    expect(protocolFeeLiquidity(e18(1000), e18(999), e18(999), e18(1000) * e18(1000))).to.equal(0n);
  });

  it("kCheck on the token1 side: the 0.3% fee is charged on a token1 input (Uniswap vector, output+1 fails)", () => {
    // 1 token1 into 10/5: the same output as getAmountOut(1e18, 5e18, 10e18)
    const [r0, r1, swap] = [e18(10), e18(5), e18(1)];
    const out = 1662497915624478906n;
    expect(getAmountOut(swap, r1, r0)).to.equal(out);
    expect(dexErrorOf(() => kCheck(r0 - out - 1n, r1 + swap, out + 1n, 0n, r0, r1)).code).to.equal("DEX_K");
    expect(kCheck(r0 - out, r1 + swap, out, 0n, r0, r1)).to.deep.equal({ amount0In: 0n, amount1In: swap });
  });

  it("kCheck: a flash swap repaying token1 derives the input net of the output; 101 of 100 is the least accepted", () => {
    // 100 of token1 out and x back: 997x >= 100000 needs x = 101
    expect(kCheck(1000n, 900n + 101n, 0n, 100n, 1000n, 1000n)).to.deep.equal({ amount0In: 0n, amount1In: 101n });
    expect(refusal(() => kCheck(1000n, 900n + 100n, 0n, 100n, 1000n, 1000n))).to.deep.equal({
      code: "DEX_K",
      message: "the swap would lower the pool's fee-adjusted k",
      context: { balance0: "1000", balance1: "1000", reserve0: "1000", reserve1: "1000" },
    });
    // nothing back: no input at all
    expect(refusal(() => kCheck(1000n, 900n, 0n, 100n, 1000n, 1000n))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "swap has no input", context: {} });
  });

  it("kCheck: a balance below reserve - out derives an input of 0 on that side, never a negative one", () => {
    expect(kCheck(899n, 2000n, 100n, 0n, 1000n, 1000n)).to.deep.equal({ amount0In: 0n, amount1In: 1000n });
    expect(kCheck(2000n, 899n, 0n, 100n, 1000n, 1000n)).to.deep.equal({ amount0In: 1000n, amount1In: 0n });
  });

  it("accumulate: a pool with either reserve zero accumulates nothing", () => {
    const c = { price0Cumulative: 7n, price1Cumulative: 9n };
    expect(accumulate(c, 5n, 0n, 10n)).to.equal(c);
    expect(accumulate(c, 0n, 5n, 10n)).to.equal(c);
    const p = encodePrice(5n, 5n);
    expect(accumulate(c, 5n, 5n, 1n)).to.deep.equal({ price0Cumulative: 7n + p.price0, price1Cumulative: 9n + p.price1 });
  });

  it("twapBetween: observations at the same second are refused (DEX_INSUFFICIENT_HISTORY); one second apart is a window", () => {
    const c = { price0Cumulative: 100n, price1Cumulative: 200n };
    expect(refusal(() => twapBetween({ time: 10, ...c }, { time: 10, ...c }))).to.deep.equal({
      code: "DEX_INSUFFICIENT_HISTORY",
      message: "observations are not apart in time",
      context: {},
    });
    expect(dexErrorOf(() => twapBetween({ time: 11, ...c }, { time: 10, ...c })).code).to.equal("DEX_INSUFFICIENT_HISTORY");
    expect(twapBetween({ time: 10, ...c }, { time: 11, price0Cumulative: 130n, price1Cumulative: 205n })).to.deep.equal({ price0Average: 30n, price1Average: 5n, windowSeconds: 1 });
  });

  it("splitByBps: no shares give no parts", () => {
    expect(splitByBps(5n, [])).to.deep.equal([]);
  });
});

describe("dex amm: token1-side flash swap on the keeper", () => {
  const me = addr(0);

  it("optimistic token1: 1e18 out repaid by 1003009027081243732 succeeds, one less fails DEX_K and leaves the pool as it was", () => {
    const d = new MemoryDex();
    d.fund(me, "usdc", e18(100));
    d.fund(me, "weth", e18(100));
    const id = d.createPool("usdc", "weth");
    d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(5), e18(5), me));
    const before = d.pool(id);
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 1003009027081243731n, 0n, e18(1), me))).to.equal("DEX_K");
    expect(d.pool(id)).to.deep.equal(before);
    const w = d.balance(me, "weth");
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 1003009027081243732n, 0n, e18(1), me))).to.equal("OK");
    expect(d.pool(id)).to.include({ reserve0: e18(5), reserve1: e18(5) + 3009027081243732n });
    expect(d.balance(me, "weth")).to.equal(w - 3009027081243732n);
    expect(d.invariants()).to.deep.equal([]);
  });
});
