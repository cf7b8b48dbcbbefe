import { expect } from "chai";
import { openDexNode, MemoryDex, addr, e18 } from "./testing.ts";
import { dexGenesis, defaultDexGenesis } from "./genesis.ts";
import { lpDenom } from "./params.ts";
import { sqrt, MINIMUM_LIQUIDITY } from "./amm.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { NexusError } from "../../runtime/errors.ts";

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return "OK";
  } catch (e) {
    return e instanceof NexusError ? e.code : String(e);
  }
};

describe("dex genesis", function () {
  this.timeout(60_000);

  it("bootstraps pools at InitChain from ecosystem_fund, LP to the fund (community-owned liquidity)", async () => {
    const h = await openDexNode({
      funderBalances: { usdc: e18(2_000), weth: e18(10) },
      dex: { bootstrapPools: [{ denomA: "weth", amountA: e18(10).toString(), denomB: "usdc", amountB: e18(1_000).toString() }, { denomA: "nxt", amountA: "40000000", denomB: "usdc", amountB: e18(1).toString() }] },
    });
    try {
      const fund = moduleAddress("ecosystem_fund");
      const p1 = h.poolByDenoms("usdc", "weth")!;
      expect(p1).to.include({ id: 1, reserve0: e18(1_000), reserve1: e18(10), totalSupply: sqrt(e18(1_000) * e18(10)) });
      expect(h.balance(fund, lpDenom(1))).to.equal(sqrt(e18(1_000) * e18(10)) - MINIMUM_LIQUIDITY);
      expect(h.poolByDenoms("usdc", "nxt")!.id).to.equal(2);
      expect(h.balance(fund, "usdc")).to.equal(e18(1_000) - e18(1));
      expect(h.invariants()).to.deep.equal([]);
    } finally {
      await h.close();
    }
  });

  it("export then import restores pools, observations and the next id exactly", () => {
    const d = new MemoryDex();
    const me = addr(0);
    for (const x of ["nxt", "usdc", "weth"]) d.fund(me, x, e18(1_000_000));
    const ids = [d.createPool("usdc", "weth"), d.createPool("nxt", "usdc")];
    for (const id of ids) d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(100), e18(300), me));
    for (let i = 0; i < 5; i++) {
      d.advance(7);
      d.atomic((ctx) => d.keeper.swapExactIn(ctx, me, ["usdc", "weth"], e18(1), 0n));
    }
    const g = dexGenesis(d.keeper);
    const exported = g.export(d.ctx());
    expect(exported.pools[0]!.observations).to.have.length(6);
    const d2 = new MemoryDex();
    d2.timeMs = d.timeMs;
    dexGenesis(d2.keeper).init(d2.ctx(), structuredClone(exported));
    expect(dexGenesis(d2.keeper).export(d2.ctx())).to.deep.equal(exported);
    expect(d2.keeper.twap(d2.ctx(), ids[0]!, 14)).to.deep.equal(d.keeper.twap(d.ctx(), ids[0]!, 14));
    expect(d2.createPool("nxt", "weth")).to.equal(3);
  });

  it("refuses duplicates, unsorted pools, a bootstrap pool that exists, and the fee on without recipients", () => {
    const d = new MemoryDex();
    const init = (g: object, dx: MemoryDex = d): string => codeOf(() => dx.atomic((ctx) => dexGenesis(dx.keeper).init(ctx, { ...defaultDexGenesis(), ...g })));
    const pool = { id: 1, denom0: "usdc", denom1: "weth", reserve0: "0", reserve1: "0", totalSupply: "0", kLast: "0", price0CumulativeLast: "0", price1CumulativeLast: "0", blockTimestampLast: 0, obsCapacity: 8, obsNext: 0, obsCount: 0 };
    expect(init({ pools: [{ pool, observations: [] }, { pool, observations: [] }] })).to.equal("DEX_GENESIS_INVALID");
    expect(init({ pools: [{ pool: { ...pool, denom0: "weth", denom1: "usdc" }, observations: [] }] })).to.equal("DEX_GENESIS_INVALID");
    expect(init({ pools: [{ pool: { ...pool, obsCount: 1 }, observations: [] }] })).to.equal("DEX_GENESIS_INVALID");
    expect(init({ pools: [{ pool, observations: [] }], bootstrapPools: [{ denomA: "weth", amountA: "5000", denomB: "usdc", amountB: "5000" }] })).to.equal("DEX_GENESIS_INVALID");
    expect(init({ bootstrapPools: [{ denomA: "weth", amountA: "5000", denomB: "weth", amountB: "5000" }] })).to.equal("DEX_GENESIS_INVALID");
    expect(init({ params: { protocolFeeEnabled: true, oracleObservations: 8 } }, new MemoryDex({ feeRecipients: false }))).to.equal("DEX_PROTOCOL_FEE_UNAVAILABLE");
  });
});
