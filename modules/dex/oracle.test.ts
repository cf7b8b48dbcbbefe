import { expect } from "chai";
import { MemoryDex, addr, e18 } from "./testing.ts";
import { encodePrice } from "./amm.ts";
import { currentCumulatives } from "./keeper/oracle.ts";

describe("dex oracle: observation ring and TWAP", () => {
  const me = addr(0);

  function setup(capacity: number): { d: MemoryDex; id: number } {
    const d = new MemoryDex({ params: { oracleObservations: capacity } });
    d.fund(me, "usdc", e18(1_000_000));
    d.fund(me, "weth", e18(1_000_000));
    const id = d.createPool("usdc", "weth");
    d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(1000), e18(1000), me));
    return { d, id };
  }

  it("one observation per block at most, on the first touch, before the block's trades", () => {
    const { d, id } = setup(16);
    const t0 = d.now;
    d.advance(5);
    const before = currentCumulatives(d.pool(id), d.now);
    d.atomic((ctx) => d.keeper.swapExactIn(ctx, me, ["usdc", "weth"], e18(10), 0n));
    d.atomic((ctx) => d.keeper.swapExactIn(ctx, me, ["usdc", "weth"], e18(10), 0n)); // same block: no second observation
    const obs = d.keeper.observations(d.ctx(), id);
    expect(obs.map((o) => o.time)).to.deep.equal([t0, t0 + 5]);
    expect(obs[1]).to.deep.equal(before);
  });

  it("the ring keeps the newest `capacity` observations and the binary search finds the right one", () => {
    const { d, id } = setup(4);
    const t0 = d.now;
    for (let i = 1; i <= 9; i++) {
      d.advance(10);
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, me, i % 2 ? ["usdc", "weth"] : ["weth", "usdc"], e18(i), 0n));
    }
    const obs = d.keeper.observations(d.ctx(), id);
    expect(obs.map((o) => o.time)).to.deep.equal([t0 + 60, t0 + 70, t0 + 80, t0 + 90]);
    d.advance(5); // now = t0 + 95
    const pool = d.pool(id);
    const cur = currentCumulatives(pool, d.now);
    for (const [window, from] of [
      [5, t0 + 90],
      [6, t0 + 80],
      [15, t0 + 80],
      [25, t0 + 70],
      [35, t0 + 60],
    ] as const) {
      const t = d.keeper.twap(d.ctx(), id, window);
      const o = obs.find((x) => x.time === from)!;
      expect(t.from, `window ${window}`).to.equal(from);
      expect(t.windowSeconds).to.equal(d.now - from);
      expect(t.price0Average).to.equal((cur.price0Cumulative - o.price0Cumulative) / BigInt(d.now - from));
      expect(t.price1Average).to.equal((cur.price1Cumulative - o.price1Cumulative) / BigInt(d.now - from));
    }
    expect(d.code((ctx) => d.keeper.twap(ctx, id, 36))).to.equal("DEX_INSUFFICIENT_HISTORY");
    expect(d.code((ctx) => d.keeper.twap(ctx, 42, 10))).to.equal("DEX_UNKNOWN_POOL");
  });

  it("a constant price over the window averages to exactly that price; extrapolation to now counts the idle seconds", () => {
    const { d, id } = setup(8);
    d.advance(1000);
    const t = d.keeper.twap(d.ctx(), id, 1000);
    const p = encodePrice(e18(1000), e18(1000));
    expect([t.price0Average, t.price1Average, t.windowSeconds]).to.deep.equal([p.price0, p.price1, 1000]);
  });
});
