// Router and oracle rules on the keeper over an in-memory store (MemoryDex): the refusals a
// user sees (code, message and context as they reach the receipt), the denomination order of
// the liquidity calls, where a multi-hop swap pays, and the TWAP window and history rules.
import { expect } from "chai";
import { MemoryDex, addr, e18 } from "./testing.ts";
import { encodePrice, getAmountIn, getAmountOut } from "./amm.ts";
import { lpDenom } from "./params.ts";
import type { Observation, Pool } from "./keys.ts";
import type { Ctx } from "../../runtime/modules/types.ts";
import { NexusError } from "../../runtime/errors.ts";

const me = addr(0);
const other = addr(1);

interface Refusal {
  code: string;
  message: string;
  context: unknown;
}

/** The refusal f throws on a branch of d (state untouched). */
function refusal(d: MemoryDex, f: (ctx: Ctx) => unknown): Refusal {
  try {
    d.atomic(f);
  } catch (e) {
    if (e instanceof NexusError) return { code: e.code, message: e.message, context: e.context };
    throw e;
  }
  throw new Error("expected a refusal");
}

/** A dex with pool usdc/weth (usdc is denom0) at 4 usdc : 1 weth, and `me` funded. */
function setup(): { d: MemoryDex; id: number } {
  const d = new MemoryDex();
  for (const x of ["nxt", "usdc", "weth"]) d.fund(me, x, e18(1_000));
  const id = d.createPool("weth", "usdc");
  d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(4), e18(1), me));
  expect(d.pool(id)).to.include({ denom0: "usdc", denom1: "weth", reserve0: e18(4), reserve1: e18(1), totalSupply: e18(2) });
  return { d, id };
}

describe("dex router rules", () => {
  it("a route has 2 to 5 denominations: 0, 1 and 6 refused with their length, 2 and 5 accepted", () => {
    const { d } = setup();
    for (const route of [[], ["usdc"], ["usdc", "weth", "usdc", "weth", "usdc", "weth"]]) {
      expect(refusal(d, (ctx) => d.keeper.quoteExactIn(ctx, route, 1n))).to.deep.equal({
        code: "DEX_INVALID_ROUTE",
        message: `a route has 2 to 5 denominations, got ${route.length}`,
        context: { length: route.length },
      });
    }
    expect(refusal(d, (ctx) => d.keeper.swapExactIn(ctx, me, ["usdc"], 1n, 0n)).message).to.equal("a route has 2 to 5 denominations, got 1");
    // five denominations, four hops back and forth over the one pool
    let [rIn, rOut] = [e18(4), e18(1)];
    const want = [e18(1)];
    for (let i = 0; i < 4; i++) {
      const out = getAmountOut(want[i]!, rIn, rOut);
      want.push(out);
      [rIn, rOut] = [rOut, rIn]; // quotes read the stored reserves, so each hop sees the same pool the other way round
    }
    expect(d.keeper.quoteExactIn(d.ctx(), ["usdc", "weth", "usdc", "weth", "usdc"], e18(1))).to.deep.equal(want);
    expect(d.keeper.quoteExactOut(d.ctx(), ["usdc", "weth", "usdc", "weth", "usdc"], 1000n)).to.have.length(5);
  });

  it("a hop to itself names the hop; a hop with no pool names the hop and its denominations", () => {
    const { d } = setup();
    expect(refusal(d, (ctx) => d.keeper.quoteExactIn(ctx, ["usdc", "weth", "weth"], 1n))).to.deep.equal({
      code: "DEX_IDENTICAL_DENOMS",
      message: "route hop 1 goes from weth to itself",
      context: { hop: 1 },
    });
    expect(refusal(d, (ctx) => d.keeper.swapExactIn(ctx, me, ["usdc", "weth", "nxt"], e18(1), 0n))).to.deep.equal({
      code: "DEX_ROUTE_MISSING_POOL",
      message: "route hop 1 (weth → nxt) has no pool",
      context: { hop: 1, denomIn: "weth", denomOut: "nxt" },
    });
  });

  it("slippage refusals carry the amounts: output one below the minimum, input one above the maximum", () => {
    const { d, id } = setup();
    const before = d.pool(id);
    const out = getAmountOut(e18(1), e18(4), e18(1)); // usdc in, weth out
    expect(refusal(d, (ctx) => d.keeper.swapExactIn(ctx, me, ["usdc", "weth"], e18(1), out + 1n))).to.deep.equal({
      code: "DEX_SLIPPAGE_EXCEEDED",
      message: `output ${out} is below the minimum ${out + 1n}`,
      context: { amountOut: out.toString(), minAmountOut: (out + 1n).toString() },
    });
    const need10 = getAmountIn(e18(1) / 10n, e18(4), e18(1));
    expect(refusal(d, (ctx) => d.keeper.swapExactOut(ctx, me, ["usdc", "weth"], e18(1) / 10n, need10 - 1n))).to.deep.equal({
      code: "DEX_EXCESSIVE_INPUT_AMOUNT",
      message: `input ${need10} is above the maximum ${need10 - 1n}`,
      context: { amountIn: need10.toString(), maxAmountIn: (need10 - 1n).toString() },
    });
    expect(d.pool(id)).to.deep.equal(before);
  });

  it("a multi-hop swap to another receiver: the sender carries the intermediate amount, only the last hop pays the receiver", () => {
    const { d } = setup();
    const id2 = d.createPool("weth", "nxt"); // nxt < weth: nxt is denom0
    d.atomic((ctx) => d.keeper.pairMint(ctx, id2, me, e18(30), e18(10), me));
    const route = ["usdc", "weth", "nxt"];
    const bal = (a: string): bigint[] => ["usdc", "weth", "nxt"].map((x) => d.balance(a, x));

    const [u0, w0, n0] = bal(me);
    const amounts = d.atomic((ctx) => d.keeper.swapExactIn(ctx, me, route, e18(1), 0n, other));
    const w = getAmountOut(e18(1), e18(4), e18(1));
    const n = getAmountOut(w, e18(10), e18(30));
    expect(amounts).to.deep.equal([e18(1), w, n]);
    expect(bal(me)).to.deep.equal([u0 - e18(1), w0, n0]);
    expect(bal(other)).to.deep.equal([0n, 0n, n]);
    expect(d.pool(id2)).to.include({ reserve0: e18(30) - n, reserve1: e18(10) + w });

    const p1 = d.pool(1);
    const p2 = d.pool(id2);
    const wNeed = getAmountIn(e18(1), p2.reserve1, p2.reserve0);
    const uNeed = getAmountIn(wNeed, p1.reserve0, p1.reserve1);
    const amountsOut = d.atomic((ctx) => d.keeper.swapExactOut(ctx, me, route, e18(1), uNeed, other));
    expect(amountsOut).to.deep.equal([uNeed, wNeed, e18(1)]);
    expect(bal(me)).to.deep.equal([u0 - e18(1) - uNeed, w0, n0]);
    expect(bal(other)).to.deep.equal([0n, 0n, n + e18(1)]);
    expect(d.invariants()).to.deep.equal([]);
  });

  it("addLiquidity with denomA = denom0 deposits at the pool price in the caller's order", () => {
    const { d, id } = setup();
    const [u0, w0] = [d.balance(me, "usdc"), d.balance(me, "weth")];
    // 8 usdc : 1 weth offered at 4:1 takes 4 usdc and all the weth
    expect(d.atomic((ctx) => d.keeper.addLiquidity(ctx, me, "usdc", "weth", e18(8), e18(1), 0n, 0n))).to.deep.equal({ amountA: e18(4), amountB: e18(1), liquidity: e18(2) });
    expect([d.balance(me, "usdc"), d.balance(me, "weth")]).to.deep.equal([u0 - e18(4), w0 - e18(1)]);
    expect(d.pool(id)).to.include({ reserve0: e18(8), reserve1: e18(2), totalSupply: e18(4) });
    // the same deposit named the other way round
    expect(d.atomic((ctx) => d.keeper.addLiquidity(ctx, me, "weth", "usdc", e18(1), e18(8), 0n, 0n, other))).to.deep.equal({ amountA: e18(1), amountB: e18(4), liquidity: e18(2) });
    expect(d.lp(other, id)).to.equal(e18(2));
    expect(d.pool(id)).to.include({ reserve0: e18(12), reserve1: e18(3), totalSupply: e18(6) });
  });

  it("removeLiquidity with denomA = denom0 pays in the caller's order; minimums refused one above, with the denomination and amounts", () => {
    const { d, id } = setup();
    const [u0, w0] = [d.balance(me, "usdc"), d.balance(me, "weth")];
    const before = d.pool(id);
    // 1 of 2 LP: 2 usdc and 0.5 weth
    expect(refusal(d, (ctx) => d.keeper.removeLiquidity(ctx, me, "usdc", "weth", e18(1), e18(2) + 1n, 0n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_A_AMOUNT",
      message: `payout of usdc ${e18(2)} is below the minimum ${e18(2) + 1n}`,
      context: { amountA: e18(2).toString(), amountAMin: (e18(2) + 1n).toString() },
    });
    expect(refusal(d, (ctx) => d.keeper.removeLiquidity(ctx, me, "usdc", "weth", e18(1), 0n, e18(1) / 2n + 1n))).to.deep.equal({
      code: "DEX_INSUFFICIENT_B_AMOUNT",
      message: `payout of weth ${e18(1) / 2n} is below the minimum ${e18(1) / 2n + 1n}`,
      context: { amountB: (e18(1) / 2n).toString(), amountBMin: (e18(1) / 2n + 1n).toString() },
    });
    expect(d.pool(id)).to.deep.equal(before);
    expect(d.atomic((ctx) => d.keeper.removeLiquidity(ctx, me, "usdc", "weth", e18(1), e18(2), e18(1) / 2n, other))).to.deep.equal({ amountA: e18(2), amountB: e18(1) / 2n });
    expect([d.balance(other, "usdc"), d.balance(other, "weth")]).to.deep.equal([e18(2), e18(1) / 2n]);
    expect([d.balance(me, "usdc"), d.balance(me, "weth")]).to.deep.equal([u0, w0]);
    expect(d.balance(me, lpDenom(id))).to.equal(e18(1) - 1000n);
    expect(d.pool(id)).to.include({ reserve0: e18(2), reserve1: e18(1) / 2n, totalSupply: e18(1) });
  });
});

describe("dex oracle rules", () => {
  it("the TWAP window is a whole number of seconds, at least one: 0, -1, 1.5 refused with the value; 1 accepted", () => {
    const { d, id } = setup();
    const t0 = d.now;
    d.advance(10);
    for (const w of [0, -1, 1.5, Number.NaN]) {
      expect(refusal(d, (ctx) => d.keeper.twap(ctx, id, w))).to.deep.equal({
        code: "DEX_INSUFFICIENT_HISTORY",
        message: `window must be at least one second, got ${w}`,
        context: {},
      });
    }
    const p = encodePrice(e18(4), e18(1));
    expect(d.keeper.twap(d.ctx(), id, 1)).to.deep.equal({ price0Average: p.price0, price1Average: p.price1, windowSeconds: 10, from: t0, to: t0 + 10 });
  });

  it("too short a history names the cut-off and the oldest observation; a pool never touched has none", () => {
    const { d, id } = setup();
    const t0 = d.now;
    d.advance(10);
    expect(refusal(d, (ctx) => d.keeper.twap(ctx, id, 11))).to.deep.equal({
      code: "DEX_INSUFFICIENT_HISTORY",
      message: `pool ${id} has no observation at or before ${t0 - 1} (oldest: ${t0})`,
      context: { poolId: id, windowSeconds: 11, oldest: t0 },
    });
    const empty = d.createPool("nxt", "usdc");
    expect(d.pool(empty).obsCount).to.equal(0);
    expect(refusal(d, (ctx) => d.keeper.twap(ctx, empty, 5))).to.deep.equal({
      code: "DEX_INSUFFICIENT_HISTORY",
      message: `pool ${empty} has no observation at or before ${t0 + 5} (oldest: none)`,
      context: { poolId: empty, windowSeconds: 5 },
    });
  });

  it("restore writes the ring as exported, oldest first, and the ring then wraps from there", () => {
    const d = new MemoryDex();
    const pool: Pool = { ...d.pool(d.createPool("usdc", "weth")), obsCapacity: 4, obsCount: 3, obsNext: 3 };
    const obs: Observation[] = [100, 110, 120].map((t, i) => ({ time: t, price0Cumulative: BigInt(i + 1), price1Cumulative: BigInt(10 * (i + 1)) }));
    d.atomic((ctx) => d.keeper.oracle.restore(ctx, pool, obs));
    expect(d.keeper.oracle.list(d.ctx(), pool)).to.deep.equal(obs);
    expect(d.keeper.oracle.newestAtOrBefore(d.ctx(), pool, 115)).to.deep.equal(obs[1]);
    d.atomic((ctx) => {
      d.keeper.oracle.touch(ctx, pool, 130);
      d.keeper.oracle.touch(ctx, pool, 140); // the ring is full: overwrites the oldest (100)
    });
    expect(d.keeper.oracle.list(d.ctx(), pool).map((o) => o.time)).to.deep.equal([110, 120, 130, 140]);
  });

  it("a ring record that claims an observation the store lacks is refused, naming the slot", () => {
    const d = new MemoryDex();
    const pool: Pool = { ...d.pool(d.createPool("usdc", "weth")), obsCapacity: 4, obsCount: 4, obsNext: 2 };
    expect(refusal(d, (ctx) => d.keeper.oracle.at(ctx, pool, 1))).to.deep.equal({
      code: "DEX_INSUFFICIENT_HISTORY",
      message: `pool ${pool.id} observation slot 3 is missing`,
      context: {},
    });
  });
});
