// The dex through real signed transactions on a test node (bank + dex + a fake liquidity
// allocation source): every message, every error code a message can produce, fees only on failure.
import { expect } from "chai";
import { openDexNode, addr, e18, AUTHORITY_KEY, FUNDED, nodeFeeSource, type DexHarness } from "./testing.ts";
import { dexMsg } from "./client.ts";
import { getAmountIn, getAmountOut, MINIMUM_LIQUIDITY, encodePrice } from "./amm.ts";
import { lpDenom } from "./params.ts";
import { DexTypeUrls } from "./msgs.ts";

const A = addr(0);
const B = addr(1);
const C = addr(2);

describe("dex messages on a test node", function () {
  this.timeout(60_000);
  let h: DexHarness;
  before(async () => {
    h = await openDexNode();
  });
  after(async () => {
    await h?.close();
  });

  it("MsgCreatePool creates the pool, makes the first deposit and locks MINIMUM_LIQUIDITY", async () => {
    const r = await h.ok(0, dexMsg.createPool(A, "weth", e18(1), "usdc", e18(4), h.deadline(), e18(2) - 1000n));
    expect(r.events.some((e) => e.type === "dex.pool_created")).to.equal(true);
    const p = h.poolByDenoms("usdc", "weth")!;
    expect(p).to.include({ id: 1, denom0: "usdc", denom1: "weth", reserve0: e18(4), reserve1: e18(1), totalSupply: e18(2) });
    expect(h.balance(A, lpDenom(1))).to.equal(e18(2) - MINIMUM_LIQUIDITY);
    expect(h.balance(h.moduleAddress("dex_locked_liquidity"), lpDenom(1))).to.equal(MINIMUM_LIQUIDITY);
    expect(h.balance(A, "usdc")).to.equal(FUNDED - e18(4));
    expect(h.invariants()).to.deep.equal([]);
  });

  it("DEX_POOL_EXISTS, DEX_IDENTICAL_DENOMS (checkTx), DEX_ZERO_AMOUNT (checkTx), DEX_INSUFFICIENT_LIQUIDITY_MINTED", async () => {
    await h.fails(1, dexMsg.createPool(B, "usdc", 5000, "weth", 5000, h.deadline()), "DEX_POOL_EXISTS");
    const same = await h.fails(1, dexMsg.createPool(B, "usdc", 5000, "usdc", 5000, h.deadline()), "DEX_IDENTICAL_DENOMS");
    expect(same.admitted).to.equal(false);
    expect((await h.fails(1, dexMsg.createPool(B, "nxt", 0, "usdc", 5000, h.deadline()), "DEX_ZERO_AMOUNT")).admitted).to.equal(false);
    await h.fails(1, dexMsg.createPool(B, "nxt", 1000, "usdc", 1000, h.deadline()), "DEX_INSUFFICIENT_LIQUIDITY_MINTED");
    await h.fails(1, dexMsg.createPool(B, "nxt", 4000, "usdc", 4000, h.deadline(), 3001), "DEX_INSUFFICIENT_LIQUIDITY_MINTED");
    expect(h.poolByDenoms("nxt", "usdc")).to.equal(undefined);
  });

  it("MsgAddLiquidity deposits at the pool price; minimums give DEX_INSUFFICIENT_A/B_AMOUNT; unknown pool DEX_UNKNOWN_POOL", async () => {
    // price usdc:weth = 4:1; offering 2 weth : 4 usdc takes all usdc and 1 weth
    await h.ok(1, dexMsg.addLiquidity(B, "weth", "usdc", e18(2), e18(4), 0, 0, h.deadline()));
    expect(h.balance(B, "weth")).to.equal(FUNDED - e18(1));
    expect(h.balance(B, "usdc")).to.equal(FUNDED - e18(4));
    expect(h.balance(B, lpDenom(1))).to.equal(e18(2));
    await h.fails(1, dexMsg.addLiquidity(B, "weth", "usdc", e18(2), e18(4), e18(2), 0, h.deadline()), "DEX_INSUFFICIENT_A_AMOUNT");
    await h.fails(1, dexMsg.addLiquidity(B, "weth", "usdc", e18(1), e18(8), 0, e18(5), h.deadline()), "DEX_INSUFFICIENT_B_AMOUNT");
    await h.fails(1, dexMsg.addLiquidity(B, "weth", "nxt", 10, 10, 0, 0, h.deadline()), "DEX_UNKNOWN_POOL");
    expect(h.invariants()).to.deep.equal([]);
  });

  it("MsgRemoveLiquidity pays pro rata; minimums refused; too little LP burned refused", async () => {
    const p = h.pool(1);
    const liq = e18(1);
    const want0 = (liq * p.reserve0) / p.totalSupply;
    const want1 = (liq * p.reserve1) / p.totalSupply;
    await h.fails(1, dexMsg.removeLiquidity(B, "weth", "usdc", liq, want1 + 1n, 0, h.deadline()), "DEX_INSUFFICIENT_A_AMOUNT");
    await h.fails(1, dexMsg.removeLiquidity(B, "weth", "usdc", liq, 0, want0 + 1n, h.deadline()), "DEX_INSUFFICIENT_B_AMOUNT");
    const before = h.balances(B, [1]);
    await h.ok(1, dexMsg.removeLiquidity(B, "weth", "usdc", liq, want1, want0, h.deadline()));
    const after = h.balances(B, [1]);
    expect(after.usdc! - before.usdc!).to.equal(want0);
    expect(after.weth! - before.weth!).to.equal(want1);
    expect(before[lpDenom(1)]! - after[lpDenom(1)]!).to.equal(liq);
    expect((await h.fails(1, dexMsg.removeLiquidity(B, "weth", "usdc", 0, 0, 0, h.deadline()), "DEX_ZERO_AMOUNT")).admitted).to.equal(false);
    await h.fails(1, dexMsg.removeLiquidity(B, "weth", "usdc", 1, 0, 0, h.deadline()), "DEX_INSUFFICIENT_LIQUIDITY_BURNED");
    await h.fails(2, dexMsg.removeLiquidity(C, "weth", "usdc", 10, 0, 0, h.deadline()), "BANK_INSUFFICIENT_FUNDS");
  });

  it("MsgSwapExactIn pays getAmountOut; DEX_SLIPPAGE_EXCEEDED moves nothing but the fee", async () => {
    const p = h.pool(1);
    const out = getAmountOut(e18(1), p.reserve0, p.reserve1);
    const before = h.balances(C);
    const nxtBefore = h.balance(C, "nxt");
    const r = await h.fails(2, dexMsg.swapExactIn(C, ["usdc", "weth"], e18(1), out + 1n, h.deadline()), "DEX_SLIPPAGE_EXCEEDED");
    expect(h.pool(1)).to.deep.equal(p);
    const afterFail = h.balances(C);
    expect(afterFail.usdc).to.equal(before.usdc);
    expect(afterFail.weth).to.equal(before.weth);
    expect(h.balance(C, "nxt")).to.equal(nxtBefore - BigInt(r.fee!));
    await h.ok(2, dexMsg.swapExactIn(C, ["usdc", "weth"], e18(1), out, h.deadline(), B));
    expect(h.balance(C, "usdc")).to.equal(before.usdc! - e18(1));
    expect(h.balance(C, "weth")).to.equal(before.weth);
    expect(h.pool(1)).to.include({ reserve0: p.reserve0 + e18(1), reserve1: p.reserve1 - out });
    expect(h.invariants()).to.deep.equal([]);
  });

  it("multi-hop exact in and exact out over usdc → weth → nxt, and their quotes", async () => {
    await h.ok(0, dexMsg.createPool(A, "weth", e18(10), "nxt", e18(30), h.deadline()));
    const q = h.query<{ amounts: string[] }>("quoteExactIn", { route: ["usdc", "weth", "nxt"], amountIn: e18(1).toString() });
    const before = h.balance(C, "nxt");
    const rin = await h.ok(2, dexMsg.swapExactIn(C, ["usdc", "weth", "nxt"], e18(1), BigInt(q.amounts[2]!), h.deadline()));
    expect(h.balance(C, "nxt") - before).to.equal(BigInt(q.amounts[2]!) - BigInt(rin.fee)); // nxt is also the fee denomination
    const p1 = h.pool(1);
    const p2 = h.poolByDenoms("weth", "nxt")!;
    const wethNeeded = getAmountIn(e18(1), p2.reserve1, p2.reserve0); // nxt < weth: nxt is denom0 of pool 2
    const usdcNeeded = getAmountIn(wethNeeded, p1.reserve0, p1.reserve1);
    const qo = h.query<{ amounts: string[] }>("quoteExactOut", { route: ["usdc", "weth", "nxt"], amountOut: e18(1).toString() });
    expect(qo.amounts).to.deep.equal([usdcNeeded, wethNeeded, e18(1)].map(String));
    await h.fails(2, dexMsg.swapExactOut(C, ["usdc", "weth", "nxt"], e18(1), usdcNeeded - 1n, h.deadline()), "DEX_EXCESSIVE_INPUT_AMOUNT");
    const usdc0 = h.balance(C, "usdc");
    const nxt0 = h.balance(C, "nxt");
    const r = await h.ok(2, dexMsg.swapExactOut(C, ["usdc", "weth", "nxt"], e18(1), usdcNeeded, h.deadline()));
    expect(usdc0 - h.balance(C, "usdc")).to.equal(usdcNeeded);
    expect(h.balance(C, "nxt") - nxt0).to.equal(e18(1) - BigInt(r.fee));
    expect(h.invariants()).to.deep.equal([]);
  });

  it("route errors: DEX_INVALID_ROUTE and DEX_IDENTICAL_DENOMS in checkTx, DEX_ROUTE_MISSING_POOL, DEX_INSUFFICIENT_LIQUIDITY", async () => {
    // one denomination: the schema's minItems refuses it before validate
    expect((await h.deliver(2, dexMsg.swapExactIn(C, ["usdc"], 5, 0, h.deadline()))).admitted).to.equal(false);
    expect((await h.fails(2, { typeUrl: DexTypeUrls.SwapExactIn, value: { sender: C, route: ["usdc", "usdc"], amountIn: "5", minAmountOut: "0", deadline: h.deadline() } }, "DEX_IDENTICAL_DENOMS")).admitted).to.equal(false);
    await h.fails(2, dexMsg.swapExactIn(C, ["usdc", "atom"], 5, 0, h.deadline()), "DEX_ROUTE_MISSING_POOL");
    const p = h.pool(1);
    await h.fails(2, dexMsg.swapExactOut(C, ["usdc", "weth"], p.reserve1, FUNDED, h.deadline()), "DEX_INSUFFICIENT_LIQUIDITY");
    await h.fails(2, dexMsg.swapExactIn(C, ["usdc", "weth"], FUNDED * 10n, 0, h.deadline()), "BANK_INSUFFICIENT_FUNDS");
  });

  it("deadlines are unix seconds of block time: a past deadline is DEX_EXPIRED on every message", async () => {
    const past = h.now() - 1;
    await h.fails(0, dexMsg.createPool(A, "nxt", 5000, "usdc", 5000, past), "DEX_EXPIRED");
    await h.fails(0, dexMsg.addLiquidity(A, "weth", "usdc", 10, 10, 0, 0, past), "DEX_EXPIRED");
    await h.fails(0, dexMsg.removeLiquidity(A, "weth", "usdc", 10, 0, 0, past), "DEX_EXPIRED");
    await h.fails(0, dexMsg.swapExactIn(A, ["usdc", "weth"], 10, 0, past), "DEX_EXPIRED");
    await h.fails(0, dexMsg.swapExactOut(A, ["usdc", "weth"], 10, 1000, past), "DEX_EXPIRED");
  });

  it("MsgUpdateParams: only the authority; the protocol fee then mints LP to the allocation accounts", async () => {
    await h.fails(0, dexMsg.updateParams(A, { protocolFeeEnabled: true, oracleObservations: 1024 }), "DEX_UNAUTHORIZED");
    await h.ok(AUTHORITY_KEY, dexMsg.updateParams(addr(AUTHORITY_KEY), { protocolFeeEnabled: true, oracleObservations: 1024 }));
    expect(h.query<{ protocolFeeEnabled: boolean }>("params").protocolFeeEnabled).to.equal(true);
    // kLast is set by the next liquidity event; fees accrue from the swaps after it
    await h.ok(1, dexMsg.addLiquidity(B, "weth", "usdc", e18(1), e18(100), 0, 0, h.deadline()));
    expect(h.pool(1).kLast).to.equal(h.pool(1).reserve0 * h.pool(1).reserve1);
    for (let i = 0; i < 3; i++) await h.ok(2, dexMsg.swapExactIn(C, ["usdc", "weth"], e18(2), 0, h.deadline()));
    const p = h.pool(1);
    const { protocolFeeLiquidity } = await import("./amm.ts");
    const fee = protocolFeeLiquidity(p.totalSupply, p.reserve0, p.reserve1, p.kLast);
    expect(fee > 0n).to.equal(true);
    const la = h.moduleAddress("liquidity_pool_a");
    const lb = h.moduleAddress("liquidity_pool_b");
    await h.ok(1, dexMsg.removeLiquidity(B, "weth", "usdc", 1000, 0, 0, h.deadline()));
    const a = h.balance(la, lpDenom(1));
    const b = h.balance(lb, lpDenom(1));
    expect(a + b).to.equal(fee);
    expect(b).to.equal((fee * 4000n) / 10000n);
    const cl = h.query<{ account: string; liquidity: string; amount0: string }[]>("communityLiquidity", { poolId: 1 });
    expect(cl.map((x) => [x.account, x.liquidity])).to.deep.equal([
      ["liquidity_pool_a", a.toString()],
      ["liquidity_pool_b", b.toString()],
    ]);
    expect(h.query<unknown[]>("communityLiquidity", { poolId: 1, account: "liquidity_pool_b" })).to.have.length(1);
    // shares that do not sum to 10000 bps are refused when a fee is due
    nodeFeeSource.shares = [{ module: "liquidity_pool_a", bps: 5000 }];
    await h.ok(2, dexMsg.swapExactIn(C, ["usdc", "weth"], e18(2), 0, h.deadline()));
    await h.fails(1, dexMsg.removeLiquidity(B, "weth", "usdc", 1000, 0, 0, h.deadline()), "DEX_INVALID_FEE_SHARES");
    nodeFeeSource.shares = [
      { module: "liquidity_pool_a", bps: 6000 },
      { module: "liquidity_pool_b", bps: 4000 },
    ];
    await h.ok(AUTHORITY_KEY, dexMsg.updateParams(addr(AUTHORITY_KEY), { protocolFeeEnabled: false, oracleObservations: 1024 }));
    expect(h.invariants()).to.deep.equal([]);
  });

  it("queries: pools (paged), pool by id and by denominations, unknown pool", () => {
    const page1 = h.query<{ pools: { id: number }[]; next: string | null }>("pools", { limit: 1 });
    expect(page1.pools.map((p) => p.id)).to.deep.equal([1]);
    const page2 = h.query<{ pools: { id: number }[]; next: string | null }>("pools", { limit: 1, after: page1.next });
    expect(page2.pools.map((p) => p.id)).to.deep.equal([2]);
    expect(page2.next).to.equal(null);
    const byId = h.query<{ reserve0: string; lpDenom: string }>("pool", { id: 1 });
    expect(h.query("pool", { denomA: "weth", denomB: "usdc" })).to.deep.equal(byId);
    expect(byId.lpDenom).to.equal("dex/pool/1");
    expect(() => h.query("pool", { id: 99 })).to.throw(/no pool 99/);
  });

  it("TWAP: the query over a window equals the constant-product prices weighted by block seconds", async () => {
    // observations are written on each block's first touch; wait, touch, and compare with the pool's accumulators
    h.advance(100);
    await h.ok(2, dexMsg.swapExactIn(C, ["usdc", "weth"], e18(1), 0, h.deadline()));
    const t1 = h.pool(1).blockTimestampLast;
    const price = encodePrice(h.pool(1).reserve0, h.pool(1).reserve1);
    h.advance(300);
    await h.ok(2, dexMsg.swapExactIn(C, ["weth", "usdc"], e18(1) / 10n, 0, h.deadline()));
    const t2 = h.pool(1).blockTimestampLast;
    const tw = h.query<{ price0Average: string; windowSeconds: number; from: number; to: number }>("twap", { poolId: 1, windowSeconds: t2 - t1 });
    // between t1 and t2 the price was constant: the average is that price exactly
    expect(tw.from).to.equal(t1);
    expect(tw.windowSeconds).to.equal(t2 - t1);
    expect(tw.price0Average).to.equal(price.price0.toString());
    expect(() => h.query("twap", { poolId: 1, windowSeconds: 10_000_000 })).to.throw(/no observation/);
  });
});

describe("dex without a liquidity allocation source", function () {
  this.timeout(60_000);
  let h: DexHarness;
  before(async () => {
    h = await openDexNode({ feeRecipients: false });
  });
  after(async () => {
    await h?.close();
  });

  it("MsgUpdateParams refuses to switch the protocol fee on: DEX_PROTOCOL_FEE_UNAVAILABLE", async () => {
    await h.fails(AUTHORITY_KEY, dexMsg.updateParams(addr(AUTHORITY_KEY), { protocolFeeEnabled: true, oracleObservations: 1024 }), "DEX_PROTOCOL_FEE_UNAVAILABLE");
    await h.ok(AUTHORITY_KEY, dexMsg.updateParams(addr(AUTHORITY_KEY), { protocolFeeEnabled: false, oracleObservations: 64 }));
    expect(h.query("params")).to.deep.equal({ protocolFeeEnabled: false, oracleObservations: 64 });
  });
});
