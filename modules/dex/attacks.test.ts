// Seeded economic-attack simulations on the keeper: a sandwich around a victim with a slippage
// limit, the cost of moving a TWAP over a window, and thousands of rounding-edge operations.
import { expect } from "chai";
import { MemoryDex, addr } from "./testing.ts";
import { encodePrice, getAmountOut } from "./amm.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { Pool } from "./keys.ts";

/** mulberry32: a small seeded PRNG (tests only). */
function rng(seed: number): { int(lo: number, hi: number): number; big(lo: bigint, hi: bigint): bigint } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    big: (lo, hi) => lo + (BigInt(Math.floor(next() * 2 ** 52)) * (hi - lo)) / 2n ** 52n,
  };
}

const ATTACKER = addr(0);
const VICTIM = addr(1);
const LP = addr(2);
const RICH = 10n ** 30n;

function market(r0: bigint, r1: bigint): { d: MemoryDex; id: number } {
  const d = new MemoryDex();
  for (const u of [ATTACKER, VICTIM, LP]) for (const x of ["usdc", "weth"]) d.fund(u, x, RICH);
  const id = d.createPool("usdc", "weth");
  d.atomic((ctx) => d.keeper.pairMint(ctx, id, LP, r0, r1, LP));
  return { d, id };
}

describe("dex attack simulations (seeded)", function () {
  this.timeout(60_000);

  it("sandwich: the victim never gets less than minAmountOut; the attacker's profit is what the formula says and less than the victim's loss", () => {
    const r = rng(1);
    let profitable = 0;
    for (let c = 0; c < 25; c++) {
      const R0 = r.big(10n ** 20n, 10n ** 24n);
      const R1 = r.big(10n ** 20n, 10n ** 24n);
      const x = r.big(R0 / 10_000n, R0 / 20n);
      const slippageBps = BigInt(r.int(10, 500));
      const fair = getAmountOut(x, R0, R1);
      const minOut = (fair * (10000n - slippageBps)) / 10000n;
      // the largest front-run that still lets the victim through (binary search on the formula)
      const victimOut = (a: bigint): bigint => (a === 0n ? fair : getAmountOut(x, R0 + a, R1 - getAmountOut(a, R0, R1)));
      let lo = 0n;
      let hi = 10n * R0;
      while (lo < hi) {
        const mid = (lo + hi + 1n) / 2n;
        if (victimOut(mid) >= minOut) lo = mid;
        else hi = mid - 1n;
      }
      const a = lo;
      if (a === 0n) continue;
      const o1 = getAmountOut(a, R0, R1);
      const v = victimOut(a);
      const back = getAmountOut(o1, R1 - o1 - v, R0 + a + x);
      const predictedProfit = back - a;

      const { d, id } = market(R0, R1);
      // one more unit of front-run and the victim's slippage limit refuses the swap (state untouched)
      expect(
        d.code((ctx) => {
          d.keeper.swapExactIn(ctx, ATTACKER, ["usdc", "weth"], a + 1n, 0n);
          d.keeper.swapExactIn(ctx, VICTIM, ["usdc", "weth"], x, minOut);
        }),
      ).to.equal("DEX_SLIPPAGE_EXCEEDED");
      const u0 = d.balance(ATTACKER, "usdc");
      const w0 = d.balance(ATTACKER, "weth");
      const vw0 = d.balance(VICTIM, "weth");
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, ATTACKER, ["usdc", "weth"], a, 0n));
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, VICTIM, ["usdc", "weth"], x, minOut));
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, ATTACKER, ["weth", "usdc"], o1, 0n));
      const got = d.balance(VICTIM, "weth") - vw0;
      expect(got).to.equal(v);
      expect(got >= minOut).to.equal(true);
      expect(d.balance(ATTACKER, "weth")).to.equal(w0);
      const profit = d.balance(ATTACKER, "usdc") - u0;
      expect(profit).to.equal(predictedProfit);
      // Against the victim trading alone, the pool ends with `fair - got` more weth and `profit`
      // less usdc; the sandwich's two extra fees keep its k at least the lone trade's, so the
      // attacker's gain is bounded by the victim's loss valued at the lone trade's final price.
      const [c0, c1] = [R0 + x, R1 - fair];
      const p = d.pool(id);
      expect([p.reserve0, p.reserve1]).to.deep.equal([c0 - profit, R1 - got]);
      expect(p.reserve0 * p.reserve1 >= c0 * c1).to.equal(true);
      const victimLossUsdc = ((fair - got) * c0) / c1;
      expect(profit <= victimLossUsdc, `case ${c}: profit ${profit} > victim loss ${victimLossUsdc}`).to.equal(true);
      if (profit > 0n) profitable++;
      expect(d.invariants()).to.deep.equal([]);
    }
    expect(profitable).to.be.greaterThan(5); // the simulation does exercise profitable sandwiches
  });

  it("moving a TWAP over a window costs the constant-product round trip, and moves the average exactly as the accumulators say", () => {
    const r = rng(2);
    for (let c = 0; c < 10; c++) {
      const R0 = r.big(10n ** 21n, 10n ** 24n);
      const R1 = r.big(10n ** 21n, 10n ** 24n);
      const a = r.big(R0 / 100n, R0 * 2n);
      const W = r.int(60, 3600);
      const { d, id } = market(R0, R1);
      const start = d.now;
      d.advance(W);
      const u0 = d.balance(ATTACKER, "usdc");
      // push the price at t (the block's observation is taken first), hold it W seconds, undo it
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, ATTACKER, ["usdc", "weth"], a, 0n));
      const o1 = getAmountOut(a, R0, R1);
      const manipulated = encodePrice(R0 + a, R1 - o1);
      const original = encodePrice(R0, R1);
      d.advance(W);
      const full = d.keeper.twap(d.ctx(), id, W);
      expect(full.windowSeconds).to.equal(W);
      expect(full.price0Average).to.equal(manipulated.price0);
      expect(full.price1Average).to.equal(manipulated.price1);
      // a window twice as long sees the manipulated price only half of the time
      const twice = d.keeper.twap(d.ctx(), id, 2 * W);
      expect(twice.from).to.equal(start);
      expect(twice.price0Average).to.equal((original.price0 * BigInt(W) + manipulated.price0 * BigInt(W)) / BigInt(2 * W));
      const back = getAmountOut(o1, R1 - o1, R0 + a);
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, ATTACKER, ["weth", "usdc"], o1, 0n));
      const cost = u0 - d.balance(ATTACKER, "usdc");
      expect(cost).to.equal(a - back);
      // the attacker's cost is exactly what the pool (its LPs) kept: usdc up by the cost, weth back where it was
      expect(cost > 0n).to.equal(true);
      expect(d.pool(id)).to.include({ reserve0: R0 + cost, reserve1: R1 });
    }
  });

  it("thousands of rounding-edge operations create no value: balances per denomination unchanged, k and share value never fall", () => {
    const r = rng(3);
    const d = new MemoryDex();
    const users = [addr(0), addr(1), addr(2)];
    for (const u of users) for (const x of ["usdc", "weth"]) d.fund(u, x, 10n ** 9n);
    const id = d.createPool("usdc", "weth");
    d.atomic((ctx) => d.keeper.pairMint(ctx, id, users[0]!, 1_001n, 1_009n, users[0]!));
    const holders = [...users, moduleAddress("dex")];
    const total = (x: string): bigint => holders.reduce((s, h) => s + d.balance(h, x), 0n);
    const t0 = { usdc: total("usdc"), weth: total("weth") };
    let ok = 0;
    let p0: Pool = d.pool(id);
    for (let i = 0; i < 3000; i++) {
      const u = users[r.int(0, 2)]!;
      const kind = r.int(0, 5);
      let isSwap = true;
      let code: string;
      if (kind === 0) code = d.code((ctx) => d.keeper.swapExactIn(ctx, u, ["usdc", "weth"], BigInt(r.int(1, 5)), 0n));
      else if (kind === 1) code = d.code((ctx) => d.keeper.swapExactIn(ctx, u, ["weth", "usdc"], BigInt(r.int(1, 5)), 0n));
      else if (kind === 2) code = d.code((ctx) => d.keeper.swapExactOut(ctx, u, [r.int(0, 1) ? "usdc" : "weth", r.int(0, 1) ? "weth" : "usdc"], BigInt(r.int(1, 3)), 10n ** 6n));
      else if (kind === 3) {
        // raw 1-unit swap asking for the formula's output, or one more
        const p = d.pool(id);
        const out = getAmountOut(1n, p.reserve0, p.reserve1) + BigInt(r.int(0, 1));
        code = d.code((ctx) => d.keeper.pairSwap(ctx, id, u, 1n, 0n, 0n, out, u));
      } else if (kind === 4) {
        isSwap = false;
        code = d.code((ctx) => d.keeper.addLiquidity(ctx, u, "usdc", "weth", BigInt(r.int(1, 50)), BigInt(r.int(1, 50)), 0n, 0n));
      } else {
        isSwap = false;
        const lp = d.lp(u, id);
        code = lp === 0n ? "SKIP" : d.code((ctx) => d.keeper.removeLiquidity(ctx, u, "usdc", "weth", BigInt(r.int(1, Number(lp < 50n ? lp : 50n))), 0n, 0n));
      }
      const p1 = d.pool(id);
      if (code === "OK") ok++;
      else expect(p1).to.deep.equal(p0);
      if (isSwap) expect(p1.reserve0 * p1.reserve1 >= p0.reserve0 * p0.reserve1, `op ${i}: k fell`).to.equal(true);
      expect(p1.reserve0 * p1.reserve1 * p0.totalSupply * p0.totalSupply >= p0.reserve0 * p0.reserve1 * p1.totalSupply * p1.totalSupply, `op ${i}: share value fell`).to.equal(true);
      expect({ usdc: total("usdc"), weth: total("weth") }).to.deep.equal(t0);
      p0 = p1;
      if (i % 10 === 0) d.advance(1);
    }
    expect(ok).to.be.greaterThan(1000);
    expect(d.invariants()).to.deep.equal([]);
  });
});
