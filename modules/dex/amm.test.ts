// Uniswap v2's published pair vectors (Uniswap/v2-core test/UniswapV2Pair.spec.ts, the same
// numbers test/contracts/dex-pair.test.ts checks on NexusDEXPair), on the pure maths and on the
// keeper's Pair primitives.
import { expect } from "chai";
import {
  MINIMUM_LIQUIDITY,
  MAX_RESERVE,
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
import { lpDenom } from "./params.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DexError) return e.code;
    throw e;
  }
  return "OK";
};

const big = (n: number | string): bigint => (typeof n === "string" ? BigInt(n) : e18(n));

// [swapAmount, token0Amount, token1Amount, expectedOutputAmount]; integers are whole tokens (×1e18).
const swapTestCases: [number, number, number, string][] = [
  [1, 5, 10, "1662497915624478906"],
  [1, 10, 5, "453305446940074565"],
  [2, 5, 10, "2851015155847869602"],
  [2, 10, 5, "831248957812239453"],
  [1, 10, 10, "906610893880149131"],
  [1, 100, 100, "987158034397061298"],
  [1, 1000, 1000, "996006981039903216"],
];
// [outputAmount, token0Amount, token1Amount, inputAmount]
const optimisticTestCases: [number | string, number, number, number | string][] = [
  ["997000000000000000", 5, 10, 1],
  ["997000000000000000", 10, 5, 1],
  ["997000000000000000", 5, 5, 1],
  [1, 5, 5, "1003009027081243732"],
];

describe("dex amm: pure maths (Uniswap v2 vectors)", () => {
  it("sqrt floors, as OpenZeppelin's and Uniswap's", () => {
    expect([0n, 1n, 2n, 3n, 4n, 8n, 9n, 10n, 15n, 16n].map(sqrt)).to.deep.equal([0n, 1n, 1n, 1n, 2n, 2n, 3n, 3n, 3n, 4n]);
    expect(sqrt(e18(1) * e18(4))).to.equal(e18(2));
    const big2 = (1n << 200n) + 12345n;
    const r = sqrt(big2);
    expect(r * r <= big2 && (r + 1n) * (r + 1n) > big2).to.equal(true);
  });

  swapTestCases.forEach(([s, a0, a1, out], i) => {
    it(`getInputPrice:${i}: getAmountOut and the K check agree on ${out}`, () => {
      const [swap, r0, r1, expected] = [e18(s), e18(a0), e18(a1), BigInt(out)];
      expect(getAmountOut(swap, r0, r1)).to.equal(expected);
      expect(codeOf(() => kCheck(r0 + swap, r1 - expected - 1n, 0n, expected + 1n, r0, r1))).to.equal("DEX_K");
      expect(kCheck(r0 + swap, r1 - expected, 0n, expected, r0, r1)).to.deep.equal({ amount0In: swap, amount1In: 0n });
    });
  });

  optimisticTestCases.forEach(([o, a0, a1, inp], i) => {
    it(`optimistic:${i}`, () => {
      const [output, r0, r1, input] = [big(o), e18(a0), e18(a1), big(inp)];
      expect(codeOf(() => kCheck(r0 + input - output - 1n, r1, output + 1n, 0n, r0, r1))).to.equal("DEX_K");
      expect(codeOf(() => kCheck(r0 + input - output, r1, output, 0n, r0, r1))).to.equal("OK");
    });
  });

  it("getAmountIn rounds up (+1) and is the inverse bound of getAmountOut", () => {
    expect(getAmountIn(e18(1), e18(5), e18(10))).to.equal((e18(5) * e18(1) * 1000n) / ((e18(10) - e18(1)) * 997n) + 1n);
    const inNeeded = getAmountIn(1662497915624478906n, e18(5), e18(10));
    expect(getAmountOut(inNeeded, e18(5), e18(10)) >= 1662497915624478906n).to.equal(true);
    expect(getAmountOut(inNeeded - 2n, e18(5), e18(10)) < 1662497915624478906n).to.equal(true);
  });

  it("Router maths refuse what the Router refuses", () => {
    expect(codeOf(() => quote(0n, 1n, 1n))).to.equal("DEX_ZERO_AMOUNT");
    expect(codeOf(() => quote(1n, 0n, 1n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY");
    expect(codeOf(() => getAmountOut(0n, 1n, 1n))).to.equal("DEX_ZERO_AMOUNT");
    expect(codeOf(() => getAmountOut(1n, 0n, 1n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY");
    expect(codeOf(() => getAmountIn(0n, 1n, 1n))).to.equal("DEX_ZERO_AMOUNT");
    expect(codeOf(() => getAmountIn(1n, 1n, 1n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY");
    expect(codeOf(() => getAmountsOut(1n, []))).to.equal("DEX_INVALID_ROUTE");
    expect(codeOf(() => getAmountsIn(1n, []))).to.equal("DEX_INVALID_ROUTE");
    expect(quote(e18(1), e18(1), e18(4))).to.equal(e18(4));
  });

  it("getAmountsOut / getAmountsIn chain hops as the Router does", () => {
    const hops = [
      { reserveIn: e18(5), reserveOut: e18(10) },
      { reserveIn: e18(10), reserveOut: e18(5) },
    ];
    const outs = getAmountsOut(e18(1), hops);
    expect(outs).to.deep.equal([e18(1), 1662497915624478906n, getAmountOut(1662497915624478906n, e18(10), e18(5))]);
    const ins = getAmountsIn(outs[2]!, hops);
    expect(ins[2]).to.equal(outs[2]);
    expect(ins[1]).to.equal(getAmountIn(outs[2]!, e18(10), e18(5)));
    expect(ins[0]).to.equal(getAmountIn(ins[1]!, e18(5), e18(10)));
  });

  it("_addLiquidity: desired amounts on an empty pool, else the optimal side, refused below its minimum", () => {
    expect(optimalDeposit(0n, 0n, 7n, 9n, 0n, 0n)).to.deep.equal({ amountA: 7n, amountB: 9n });
    // price 1:4; offering 1:2 takes all of B and half of A
    expect(optimalDeposit(e18(1), e18(4), e18(1), e18(2), 0n, 0n)).to.deep.equal({ amountA: e18(1) / 2n, amountB: e18(2) });
    expect(codeOf(() => optimalDeposit(e18(1), e18(4), e18(1), e18(2), e18(1), 0n))).to.equal("DEX_INSUFFICIENT_A_AMOUNT");
    expect(optimalDeposit(e18(1), e18(4), e18(1), e18(8), 0n, 0n)).to.deep.equal({ amountA: e18(1), amountB: e18(4) });
    expect(codeOf(() => optimalDeposit(e18(1), e18(4), e18(1), e18(8), 0n, e18(5)))).to.equal("DEX_INSUFFICIENT_B_AMOUNT");
  });

  it("mintLiquidity: sqrt(a0*a1) - MINIMUM_LIQUIDITY first, min of proportional later; none refused", () => {
    expect(mintLiquidity(e18(1), e18(4), 0n, 0n, 0n)).to.deep.equal({ liquidity: e18(2) - MINIMUM_LIQUIDITY, locked: MINIMUM_LIQUIDITY });
    expect(codeOf(() => mintLiquidity(1000n, 1000n, 0n, 0n, 0n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_MINTED");
    expect(mintLiquidity(1001n, 1001n, 0n, 0n, 0n)).to.deep.equal({ liquidity: 1n, locked: 1000n });
    expect(mintLiquidity(10n, 50n, 100n, 200n, 1000n)).to.deep.equal({ liquidity: 100n, locked: 0n });
    expect(codeOf(() => mintLiquidity(0n, 5n, 100n, 200n, 1000n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_MINTED");
  });

  it("burnAmounts: pro rata, rounded down; nothing on a side refused", () => {
    expect(burnAmounts(e18(3) - 1000n, e18(3), e18(3), e18(3))).to.deep.equal({ amount0: e18(3) - 1000n, amount1: e18(3) - 1000n });
    expect(codeOf(() => burnAmounts(0n, 10n, 10n, 10n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_BURNED");
    expect(codeOf(() => burnAmounts(1n, 5n, 100n, 10n))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_BURNED");
  });

  it("protocolFeeLiquidity is _mintFee: 249750499251388 after the 1000/1000 + 1-token swap scenario", () => {
    const r0 = e18(1000) - 996006981039903216n;
    const r1 = e18(1001);
    expect(protocolFeeLiquidity(e18(1000), r0, r1, e18(1000) * e18(1000))).to.equal(249750499251388n);
    expect(protocolFeeLiquidity(e18(1000), r0, r1, 0n)).to.equal(0n);
    expect(protocolFeeLiquidity(e18(1000), e18(1000), e18(1000), e18(1000) * e18(1000))).to.equal(0n);
  });

  it("splitByBps: floors, the remainder to the first, totals exact", () => {
    expect(splitByBps(249750499251388n, [{ bps: 6000 }, { bps: 4000 }])).to.deep.equal([149850299550833n, 99900199700555n]);
    expect(splitByBps(10n, [{ bps: 3333 }, { bps: 3333 }, { bps: 3334 }])).to.deep.equal([4n, 3n, 3n]);
    expect(splitByBps(1n, [{ bps: 5000 }, { bps: 5000 }])).to.deep.equal([1n, 0n]);
  });

  it("UQ112x112 accumulators and twap over two observations", () => {
    const p = encodePrice(e18(3), e18(3));
    expect(p).to.deep.equal({ price0: 1n << 112n, price1: 1n << 112n });
    const c = accumulate({ price0Cumulative: 0n, price1Cumulative: 0n }, e18(3), e18(3), 10n);
    expect(c.price0Cumulative).to.equal(p.price0 * 10n);
    expect(accumulate(c, 0n, 5n, 10n)).to.equal(c);
    expect(accumulate(c, 5n, 5n, 0n)).to.equal(c);
    const np = encodePrice(e18(6), e18(2));
    const c2 = accumulate(c, e18(6), e18(2), 10n);
    expect(twapBetween({ time: 10, ...c }, { time: 20, ...c2 })).to.deep.equal({ price0Average: np.price0, price1Average: np.price1, windowSeconds: 10 });
    expect(MAX_RESERVE).to.equal(5192296858534827628530496329220095n);
  });
});

describe("dex amm: keeper Pair primitives (Uniswap v2 pair vectors)", () => {
  const me = addr(0);
  const other = addr(1);
  const [T0, T1] = ["usdc", "weth"]; // usdc < weth: token0, token1

  function setup(opts: { fee?: boolean } = {}): { d: MemoryDex; id: number } {
    const d = new MemoryDex({ params: { protocolFeeEnabled: opts.fee ?? false } });
    d.fund(me, T0, e18(10_000));
    d.fund(me, T1, e18(10_000));
    const id = d.createPool(T1, T0);
    expect(d.pool(id)).to.include({ denom0: T0, denom1: T1 });
    return { d, id };
  }
  const addLiquidity = (d: MemoryDex, id: number, a0: bigint, a1: bigint): bigint => d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, a0, a1, me));

  it("mint: 1 and 4 tokens give 2e18 LP, 1000 locked in the lock account; LP bank supply equals totalSupply", () => {
    const { d, id } = setup();
    expect(addLiquidity(d, id, e18(1), e18(4))).to.equal(e18(2) - MINIMUM_LIQUIDITY);
    const p = d.pool(id);
    expect(p).to.include({ reserve0: e18(1), reserve1: e18(4), totalSupply: e18(2) });
    expect(d.lp(me, id)).to.equal(e18(2) - 1000n);
    expect(d.lp(moduleAddress("dex_locked_liquidity"), id)).to.equal(1000n);
    expect(d.bank.supply(d.ctx(), lpDenom(id))).to.equal(e18(2));
    expect(d.balance(moduleAddress("dex"), T0)).to.equal(e18(1));
    expect(d.invariants()).to.deep.equal([]);
  });

  swapTestCases.forEach(([s, a0, a1, out], i) => {
    it(`getInputPrice:${i}: output+1 fails DEX_K and leaves state untouched, output succeeds`, () => {
      const { d, id } = setup();
      addLiquidity(d, id, e18(a0), e18(a1));
      const before = d.pool(id);
      const expected = BigInt(out);
      expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, e18(s), 0n, 0n, expected + 1n, me))).to.equal("DEX_K");
      expect(d.pool(id)).to.deep.equal(before);
      expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, e18(s), 0n, 0n, expected, me))).to.equal("OK");
      expect(d.pool(id)).to.include({ reserve0: e18(a0) + e18(s), reserve1: e18(a1) - expected });
      expect(d.invariants()).to.deep.equal([]);
    });
  });

  optimisticTestCases.forEach(([o, a0, a1, inp], i) => {
    it(`optimistic:${i}`, () => {
      const { d, id } = setup();
      addLiquidity(d, id, e18(a0), e18(a1));
      const [output, input] = [big(o), big(inp)];
      expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, input, 0n, output + 1n, 0n, me))).to.equal("DEX_K");
      expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, input, 0n, output, 0n, me))).to.equal("OK");
    });
  });

  it("swap:token0 / token1 move exactly the vector amounts", () => {
    const { d, id } = setup();
    addLiquidity(d, id, e18(5), e18(10));
    const b0 = d.balance(me, T0);
    const b1 = d.balance(me, T1);
    d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, e18(1), 0n, 0n, 1662497915624478906n, me));
    expect([d.balance(me, T0), d.balance(me, T1)]).to.deep.equal([b0 - e18(1), b1 + 1662497915624478906n]);
    const p = d.pool(id);
    d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), getAmountOut(e18(1), p.reserve1, p.reserve0), 0n, me));
    expect(d.invariants()).to.deep.equal([]);
  });

  it("burn: all but the locked liquidity pays 3e18-1000 of each and leaves 1000/1000", () => {
    const { d, id } = setup();
    addLiquidity(d, id, e18(3), e18(3));
    const b0 = d.balance(me, T0);
    const r = d.atomic((ctx) => d.keeper.pairBurn(ctx, id, me, e18(3) - 1000n, me));
    expect(r).to.deep.equal({ amount0: e18(3) - 1000n, amount1: e18(3) - 1000n });
    expect(d.pool(id)).to.include({ reserve0: 1000n, reserve1: 1000n, totalSupply: 1000n });
    expect(d.lp(me, id)).to.equal(0n);
    expect(d.balance(me, T0)).to.equal(b0 + e18(3) - 1000n);
    expect(d.bank.supply(d.ctx(), lpDenom(id))).to.equal(1000n);
    expect(d.code((ctx) => d.keeper.pairBurn(ctx, id, me, 0n, me))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_BURNED");
  });

  it("price{0,1}CumulativeLast: 10 s at 3:3, then 10 s at 6:2, in whole seconds of block time", () => {
    const { d, id } = setup();
    d.timeMs = 1_767_225_600_000 + 999; // the ms part is dropped: floor(time / 1000)
    addLiquidity(d, id, e18(3), e18(3));
    const t0 = d.pool(id).blockTimestampLast;
    expect(t0).to.equal(1_767_225_600);
    const initial = encodePrice(e18(3), e18(3));
    d.advance(10);
    d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, e18(3), 0n, 0n, e18(1), me));
    expect(d.pool(id)).to.include({ price0CumulativeLast: initial.price0 * 10n, price1CumulativeLast: initial.price1 * 10n, blockTimestampLast: t0 + 10 });
    d.advance(10);
    const np = encodePrice(e18(6), e18(2));
    // what a sync at t0+20 would store: currentCumulativePrices, seen through the twap over the whole 20 s
    const t = d.keeper.twap(d.ctx(), id, 20);
    expect(t.windowSeconds).to.equal(20);
    expect(t.price0Average).to.equal((initial.price0 * 10n + np.price0 * 10n) / 20n);
    expect(t.price1Average).to.equal((initial.price1 * 10n + np.price1 * 10n) / 20n);
  });

  function feeScenario(d: MemoryDex, id: number): void {
    addLiquidity(d, id, e18(1000), e18(1000));
    d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), 996006981039903216n, 0n, me));
    d.atomic((ctx) => d.keeper.pairBurn(ctx, id, me, e18(1000) - MINIMUM_LIQUIDITY, me));
  }

  it("feeTo:off: totalSupply back to MINIMUM_LIQUIDITY, kLast 0", () => {
    const { d, id } = setup();
    feeScenario(d, id);
    expect(d.pool(id)).to.include({ totalSupply: MINIMUM_LIQUIDITY, kLast: 0n });
  });

  it("feeTo:on: the allocation accounts get exactly 249750499251388 LP (60/40, remainder first) and the pool keeps Uniswap's amounts", () => {
    const { d, id } = setup({ fee: true });
    feeScenario(d, id);
    const p = d.pool(id);
    expect(p.totalSupply).to.equal(MINIMUM_LIQUIDITY + 249750499251388n);
    const a = d.lp(moduleAddress("liquidity_pool_a"), id);
    const b = d.lp(moduleAddress("liquidity_pool_b"), id);
    expect([a, b]).to.deep.equal([149850299550833n, 99900199700555n]);
    expect(a + b).to.equal(249750499251388n);
    expect(p.reserve0).to.equal(1000n + 249501683697445n);
    expect(p.reserve1).to.equal(1000n + 250000187312969n);
    expect(p.kLast).to.equal(p.reserve0 * p.reserve1);
    expect(d.invariants()).to.deep.equal([]);
  });

  it("fee switched off again clears kLast on the next liquidity event", () => {
    const { d, id } = setup({ fee: true });
    addLiquidity(d, id, e18(10), e18(10));
    expect(d.pool(id).kLast).to.equal(e18(10) * e18(10));
    d.atomic((ctx) => d.keeper.setParams(ctx, { protocolFeeEnabled: false, oracleObservations: 1024 }));
    addLiquidity(d, id, e18(1), e18(1));
    expect(d.pool(id).kLast).to.equal(0n);
  });

  it("pair refusals: zero output, output at the reserve, no input, overflow, the reserve account as party, unknown pool", () => {
    const { d, id } = setup();
    addLiquidity(d, id, e18(5), e18(10));
    const dex = moduleAddress("dex");
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, 1n, 0n, 0n, 0n, me))).to.equal("DEX_ZERO_AMOUNT");
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, e18(100), 0n, e18(5), 0n, me))).to.equal("DEX_INSUFFICIENT_LIQUIDITY");
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 0n, 1n, 0n, me))).to.equal("DEX_ZERO_AMOUNT");
    expect(d.code((ctx) => d.keeper.pairSwap(ctx, id, me, 1n, 0n, 0n, 1n, dex))).to.equal("DEX_INVALID_RECIPIENT");
    expect(d.code((ctx) => d.keeper.pairMint(ctx, 99, me, 1n, 1n, me))).to.equal("DEX_UNKNOWN_POOL");
    d.fund(other, T0, MAX_RESERVE);
    expect(d.code((ctx) => d.keeper.pairMint(ctx, id, other, MAX_RESERVE, 0n, other))).to.equal("DEX_RESERVE_OVERFLOW");
    expect(d.code((ctx) => d.keeper.pairMint(ctx, id, other, MAX_RESERVE - e18(5), 0n, other))).to.equal("DEX_INSUFFICIENT_LIQUIDITY_MINTED");
    expect(d.invariants()).to.deep.equal([]);
  });

  it("router refusals on the keeper: route shape (DEX_INVALID_ROUTE), a hop to itself, a missing pool, pool exists", () => {
    const { d, id } = setup();
    addLiquidity(d, id, e18(5), e18(10));
    expect(d.code((ctx) => d.keeper.swapExactIn(ctx, me, ["usdc"], 1n, 0n))).to.equal("DEX_INVALID_ROUTE");
    expect(d.code((ctx) => d.keeper.quoteExactOut(ctx, ["usdc", "weth", "usdc", "weth", "usdc", "weth"], 1n))).to.equal("DEX_INVALID_ROUTE");
    expect(d.code((ctx) => d.keeper.quoteExactIn(ctx, ["usdc", "usdc"], 1n))).to.equal("DEX_IDENTICAL_DENOMS");
    expect(d.code((ctx) => d.keeper.quoteExactIn(ctx, ["usdc", "nxt"], 1n))).to.equal("DEX_ROUTE_MISSING_POOL");
    expect(d.code((ctx) => d.keeper.createPool(ctx, "weth", "usdc"))).to.equal("DEX_POOL_EXISTS");
    expect(d.code((ctx) => d.keeper.createPool(ctx, "weth", "weth"))).to.equal("DEX_IDENTICAL_DENOMS");
    expect(d.keeper.quoteExactIn(d.ctx(), ["usdc", "weth", "usdc"], e18(1))[1]).to.equal(1662497915624478906n);
  });
});
