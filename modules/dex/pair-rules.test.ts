// The Pair primitives' rules the vector tests leave open (keeper/pair.ts): refusals with their
// exact codes, messages and contexts (negative amounts, the reserve account as a party, outputs
// at a reserve, reserves above 2^112-1 on either side), the events a mint, burn and swap put in
// a receipt (no zero-amount transfers or mints), the protocol fee's share checks and its effect
// on a later deposit, a restart without a fee source, and the oracle observation of a burn.
import { expect } from "chai";
import type { ChainEvent, Ctx } from "../../runtime/modules/types.ts";
import type { ExecContext } from "../../runtime/modules/context.ts";
import { Branch } from "../../runtime/state/branch.ts";
import { NexusError } from "../../runtime/errors.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { MemoryDex, addr, e18 } from "./testing.ts";
import { MAX_RESERVE, MINIMUM_LIQUIDITY, getAmountIn, getAmountOut, protocolFeeLiquidity } from "./amm.ts";
import { DexKeeper } from "./keeper/dex-keeper.ts";
import { currentCumulatives } from "./keeper/oracle.ts";
import { dexConfig, lpDenom } from "./params.ts";

const me = addr(0);
const other = addr(1);
const DEX = moduleAddress("dex");
const LOCK = moduleAddress("dex_locked_liquidity");
const FEE_A = moduleAddress("liquidity_pool_a");
const FEE_B = moduleAddress("liquidity_pool_b");
const RICH = 10n ** 30n;

interface Refusal {
  code: string;
  message: string;
  context: Record<string, unknown>;
}

/** The refusal f throws on a branch (state untouched); "OK" when it returns. */
function refusal(d: MemoryDex, f: (ctx: Ctx) => unknown): Refusal {
  try {
    d.atomic(f);
    return { code: "OK", message: "", context: {} };
  } catch (e) {
    if (e instanceof NexusError) return { code: e.code, message: e.message, context: { ...e.context } };
    return { code: "THROWN", message: String(e), context: {} };
  }
}

/** Runs f on a branch written if it returns, and gives back the events it emitted. */
function withEvents<T>(d: MemoryDex, f: (ctx: Ctx) => T): { result: T; events: ChainEvent[] } {
  const b = new Branch(d.store);
  const ctx = d.ctx(b) as ExecContext;
  const result = f(ctx);
  b.write();
  return { result, events: ctx.events };
}

const ofType = (events: ChainEvent[], prefix: string): { type: string; attributes: Readonly<Record<string, string>> }[] =>
  events.filter((e) => e.type.startsWith(prefix)).map((e) => ({ type: e.type, attributes: { ...e.attributes } }));

/** usdc/weth (usdc is denom0) seeded by `me` with r0/r1; me and other hold RICH of both. */
function market(r0: bigint, r1: bigint): { d: MemoryDex; id: number } {
  const d = new MemoryDex();
  for (const u of [me, other]) for (const x of ["usdc", "weth"]) d.fund(u, x, RICH);
  const id = d.createPool("weth", "usdc");
  d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, r0, r1, me));
  return { d, id };
}

describe("dex pair rules: refusals, receipts' events, protocol fee shares", () => {
  it("the dex reserve account can be neither payer nor recipient of mint, burn or swap: DEX_INVALID_RECIPIENT names the role", () => {
    const { d, id } = market(e18(1), e18(4));
    const payer = { code: "DEX_INVALID_RECIPIENT", message: "the dex reserve account cannot be the payer of a pool operation", context: { role: "payer" } };
    const recipient = { code: "DEX_INVALID_RECIPIENT", message: "the dex reserve account cannot be the recipient of a pool operation", context: { role: "recipient" } };
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, DEX, 500n, 2000n, me))).to.deep.equal(payer);
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, me, 500n, 2000n, DEX))).to.deep.equal(recipient);
    expect(refusal(d, (ctx) => d.keeper.pairBurn(ctx, id, DEX, 1000n, me))).to.deep.equal(payer);
    expect(refusal(d, (ctx) => d.keeper.pairBurn(ctx, id, me, 1000n, DEX))).to.deep.equal(recipient);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, DEX, 0n, 4000n, 996n, 0n, me))).to.deep.equal(payer);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, 996n, 0n, DEX))).to.deep.equal(recipient);
    // the same calls with ordinary parties go through
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, me, 500n, 2000n, other)).code).to.equal("OK");
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, 996n, 0n, other)).code).to.equal("OK");
  });

  it("a negative amount anywhere is refused DEX_ZERO_AMOUNT before anything moves; a zero side of a deposit mints nothing", () => {
    const { d, id } = market(e18(1), e18(4));
    const before = d.pool(id);
    const negDeposit = { code: "DEX_ZERO_AMOUNT", message: "negative deposit", context: {} };
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, me, -1n, 2000n, me))).to.deep.equal(negDeposit);
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, me, 500n, -1n, me))).to.deep.equal(negDeposit);
    // both negative: the product is positive, so only this check stands between it and free LP on a first deposit
    const fresh = new MemoryDex();
    const empty = fresh.createPool("usdc", "weth");
    expect(refusal(fresh, (ctx) => fresh.keeper.pairMint(ctx, empty, me, -2000n, -2000n, me))).to.deep.equal(negDeposit);
    expect(fresh.lp(me, empty)).to.equal(0n);
    // zero is not negative: it fails as a deposit that mints no liquidity
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, me, 0n, 2000n, me))).to.deep.equal({ code: "DEX_INSUFFICIENT_LIQUIDITY_MINTED", message: "deposit mints no liquidity", context: {} });
    expect(refusal(d, (ctx) => d.keeper.pairBurn(ctx, id, me, -1n, me))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "negative liquidity", context: {} });
    const negSwap = { code: "DEX_ZERO_AMOUNT", message: "negative swap amount", context: {} };
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, -1n, 4000n, 996n, 0n, me))).to.deep.equal(negSwap);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 4000n, -1n, 0n, 996n, me))).to.deep.equal(negSwap);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, -1n, 1n, me))).to.deep.equal(negSwap);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, 996n, -1n, me))).to.deep.equal(negSwap);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, 0n, 0n, me))).to.deep.equal({ code: "DEX_ZERO_AMOUNT", message: "swap has no output", context: {} });
    expect(d.pool(id)).to.deep.equal(before);
    expect([d.balance(me, "usdc"), d.balance(me, "weth"), d.lp(me, id)]).to.deep.equal([RICH - e18(1), RICH - e18(4), e18(2) - MINIMUM_LIQUIDITY]);
  });

  it("an output equal to either reserve is refused DEX_INSUFFICIENT_LIQUIDITY with the amounts; one less is paid", () => {
    const { d, id } = market(10_000n, 10_000n);
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, e18(1), 0n, 0n, 10_000n, me))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY",
      message: `pool ${id} cannot pay 0/10000 out of 10000/10000`,
      context: { poolId: id },
    });
    expect(refusal(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), 10_000n, 0n, me))).to.deep.equal({
      code: "DEX_INSUFFICIENT_LIQUIDITY",
      message: `pool ${id} cannot pay 10000/0 out of 10000/10000`,
      context: { poolId: id },
    });
    const input = getAmountIn(9_999n, 10_000n, 10_000n);
    expect(input).to.equal(100_290_873n);
    d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, input, 0n, 0n, 9_999n, me));
    expect(d.pool(id)).to.include({ reserve0: 10_000n + input, reserve1: 1n });
  });

  it("reserves may reach 2^112-1 exactly; one more on either side is DEX_RESERVE_OVERFLOW, in a deposit and in a swap", () => {
    const { d, id } = market(10_000n, 10_000n);
    d.fund(other, "weth", MAX_RESERVE);
    expect(refusal(d, (ctx) => d.keeper.pairMint(ctx, id, other, 1n, MAX_RESERVE - 9_999n, other))).to.deep.equal({
      code: "DEX_RESERVE_OVERFLOW",
      message: `reserves 10001/${MAX_RESERVE + 1n} exceed 2^112-1`,
      context: { balance0: "10001", balance1: (MAX_RESERVE + 1n).toString() },
    });
    expect(d.atomic((ctx) => d.keeper.pairMint(ctx, id, other, 1n, MAX_RESERVE - 10_000n, other))).to.equal(1n);
    expect(d.pool(id)).to.include({ reserve0: 10_001n, reserve1: MAX_RESERVE, totalSupply: 10_001n });

    // a swap whose input would take reserve0 past the limit, though it passes the K check
    const s = new MemoryDex();
    s.fund(me, "usdc", MAX_RESERVE + 100n);
    s.fund(me, "weth", MAX_RESERVE);
    const sid = s.createPool("usdc", "weth");
    const r = MAX_RESERVE - 10n;
    s.atomic((ctx) => s.keeper.pairMint(ctx, sid, me, r, r, me));
    const out11 = getAmountOut(11n, r, r);
    expect(out11).to.equal(10n);
    expect(refusal(s, (ctx) => s.keeper.pairSwap(ctx, sid, me, 11n, 0n, 0n, out11, me))).to.deep.equal({
      code: "DEX_RESERVE_OVERFLOW",
      message: `reserves ${MAX_RESERVE + 1n}/${r - 10n} exceed 2^112-1`,
      context: { balance0: (MAX_RESERVE + 1n).toString(), balance1: (r - 10n).toString() },
    });
    const out10 = getAmountOut(10n, r, r);
    s.atomic((ctx) => s.keeper.pairSwap(ctx, sid, me, 10n, 0n, 0n, out10, me));
    expect(s.pool(sid)).to.include({ reserve0: MAX_RESERVE, reserve1: r - out10 });
    expect(s.invariants()).to.deep.equal([]);
  });

  it("a mint, burn and swap put exactly their moves in the receipt: the coins that move (no zero coin, no zero LP to the lock account), sync and the dex event", () => {
    const { d, id } = market(e18(1), e18(4));
    const lp = lpDenom(id);
    const pid = String(id);

    const mint = withEvents(d, (ctx) => d.keeper.pairMint(ctx, id, me, 500n, 2000n, other));
    expect(mint.result).to.equal(1000n);
    expect(ofType(mint.events, "bank.")).to.have.deep.members([
      { type: "bank.transfer", attributes: { from: me, to: DEX, amount: "500usdc,2000weth" } },
      { type: "bank.mint", attributes: { module: "dex", amount: `1000${lp}` } },
      { type: "bank.transfer", attributes: { from: DEX, to: other, amount: `1000${lp}` } },
    ]);
    expect(ofType(mint.events, "dex.")).to.deep.equal([
      { type: "dex.sync", attributes: { poolId: pid, reserve0: "1000000000000000500", reserve1: "4000000000000002000" } },
      { type: "dex.mint", attributes: { poolId: pid, sender: me, to: other, amount0: "500", amount1: "2000", liquidity: "1000" } },
    ]);
    expect(d.lp(LOCK, id)).to.equal(MINIMUM_LIQUIDITY);

    const burn = withEvents(d, (ctx) => d.keeper.pairBurn(ctx, id, other, 1000n, me));
    expect(burn.result).to.deep.equal({ amount0: 500n, amount1: 2000n });
    expect(ofType(burn.events, "bank.")).to.have.deep.members([
      { type: "bank.transfer", attributes: { from: other, to: DEX, amount: `1000${lp}` } },
      { type: "bank.burn", attributes: { from: DEX, amount: `1000${lp}` } },
      { type: "bank.transfer", attributes: { from: DEX, to: me, amount: "500usdc,2000weth" } },
    ]);
    expect(ofType(burn.events, "dex.")).to.deep.equal([
      { type: "dex.sync", attributes: { poolId: pid, reserve0: "1000000000000000000", reserve1: "4000000000000000000" } },
      { type: "dex.burn", attributes: { poolId: pid, sender: other, to: me, amount0: "500", amount1: "2000", liquidity: "1000" } },
    ]);

    const swap = withEvents(d, (ctx) => d.keeper.pairSwap(ctx, id, me, 0n, 4000n, 996n, 0n, other));
    expect(ofType(swap.events, "bank.")).to.have.deep.members([
      { type: "bank.transfer", attributes: { from: me, to: DEX, amount: "4000weth" } },
      { type: "bank.transfer", attributes: { from: DEX, to: other, amount: "996usdc" } },
    ]);
    expect(ofType(swap.events, "dex.")).to.deep.equal([
      { type: "dex.sync", attributes: { poolId: pid, reserve0: "999999999999999004", reserve1: "4000000000000004000" } },
      { type: "dex.swap", attributes: { poolId: pid, sender: me, to: other, amount0In: "0", amount1In: "4000", amount0Out: "996", amount1Out: "0" } },
    ]);
    expect(d.invariants()).to.deep.equal([]);
  });

  it("a burn in a new block records the oracle observation of the prices before it", () => {
    const { d, id } = market(e18(3), e18(3));
    const t0 = d.now;
    d.advance(7);
    const expected = currentCumulatives(d.pool(id), t0 + 7);
    d.atomic((ctx) => d.keeper.pairBurn(ctx, id, me, e18(1), me));
    const obs = d.keeper.observations(d.ctx(), id);
    expect(obs.map((o) => o.time)).to.deep.equal([t0, t0 + 7]);
    expect(obs[1]).to.deep.equal(expected);
    expect(d.pool(id)).to.include({ obsCount: 2, obsNext: 2, blockTimestampLast: t0 + 7 });
  });

  describe("protocol fee", () => {
    const share = (d: MemoryDex): Refusal => refusal(d, (ctx) => d.keeper.pair.feeShares(ctx));

    it("liquidity allocation shares: lowercase module names, whole non-negative bps, summing to exactly 10000", () => {
      const d = new MemoryDex();
      const set = (shares: { module: string; bps: number }[]): Refusal => {
        d.fees.shares = shares;
        return share(d);
      };
      const bad = (s: { module: string; bps: number }): Refusal => ({ code: "DEX_INVALID_FEE_SHARES", message: `bad liquidity allocation share ${JSON.stringify(s)}`, context: {} });
      for (const module of ["Xliquidity", "liquidity-a", "_liquidity", "l", "a".repeat(65)]) {
        expect(set([{ module, bps: 10000 }]), module).to.deep.equal(bad({ module, bps: 10000 }));
      }
      expect(set([{ module: "a".repeat(64), bps: 10000 }]).code).to.equal("OK");
      expect(set([{ module: "liquidity_pool_a", bps: 5000.5 }, { module: "liquidity_pool_b", bps: 4999.5 }])).to.deep.equal(bad({ module: "liquidity_pool_a", bps: 5000.5 }));
      expect(set([{ module: "liquidity_pool_a", bps: 10001 }, { module: "liquidity_pool_b", bps: -1 }])).to.deep.equal(bad({ module: "liquidity_pool_b", bps: -1 }));
      expect(set([{ module: "liquidity_pool_a", bps: 10000 }, { module: "liquidity_pool_b", bps: 0 }]).code).to.equal("OK");
      expect(set([{ module: "liquidity_pool_a", bps: 6000 }, { module: "liquidity_pool_b", bps: 3999 }])).to.deep.equal({
        code: "DEX_INVALID_FEE_SHARES",
        message: "liquidity allocation shares sum to 9999 bps, not 10000",
        context: { sum: 9999 },
      });
      expect(set([])).to.deep.equal({ code: "DEX_INVALID_FEE_SHARES", message: "liquidity allocation shares sum to 0 bps, not 10000", context: { sum: 0 } });
      const unbound = new MemoryDex({ feeRecipients: false });
      expect(share(unbound)).to.deep.equal({ code: "DEX_PROTOCOL_FEE_UNAVAILABLE", message: "the chain bound no liquidity allocation source", context: {} });
    });

    it("a liquidity event that owes no fee neither mints one nor reads the shares; one that owes it pays only shares above zero", () => {
      const d = new MemoryDex({ params: { protocolFeeEnabled: true } });
      for (const x of ["usdc", "weth"]) d.fund(me, x, RICH);
      const id = d.createPool("usdc", "weth");
      d.fees.shares = []; // invalid, but the first deposit owes nothing (kLast is 0)
      const first = withEvents(d, (ctx) => d.keeper.pairMint(ctx, id, me, e18(1000), e18(1000), me));
      expect(first.result).to.equal(e18(1000) - MINIMUM_LIQUIDITY);
      expect(ofType(first.events, "dex.protocol_fee")).to.deep.equal([]);
      expect(ofType(first.events, "bank.mint")).to.have.deep.members([
        { type: "bank.mint", attributes: { module: "dex", amount: `1000${lpDenom(id)}` } },
        { type: "bank.mint", attributes: { module: "dex", amount: `${e18(1000) - MINIMUM_LIQUIDITY}${lpDenom(id)}` } },
      ]);
      expect(d.pool(id)).to.include({ totalSupply: e18(1000), kLast: e18(1000) * e18(1000) });

      d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), 996006981039903216n, 0n, me));
      // now the burn owes a fee, and the shares are read (and refused): nothing happens
      const before = d.pool(id);
      expect(refusal(d, (ctx) => d.keeper.pairBurn(ctx, id, me, e18(1), me))).to.deep.include({ code: "DEX_INVALID_FEE_SHARES" });
      expect(d.pool(id)).to.deep.equal(before);

      d.fees.shares = [
        { module: "liquidity_pool_a", bps: 10000 },
        { module: "liquidity_pool_b", bps: 0 },
      ];
      const burn = withEvents(d, (ctx) => d.keeper.pairBurn(ctx, id, me, e18(1), me));
      expect(ofType(burn.events, "dex.protocol_fee")).to.deep.equal([{ type: "dex.protocol_fee", attributes: { poolId: String(id), liquidity: "249750499251388" } }]);
      const toFee = burn.events.filter((e) => e.type === "bank.transfer" && (e.attributes.to === FEE_A || e.attributes.to === FEE_B));
      expect(toFee.map((e) => ({ ...e.attributes }))).to.deep.equal([{ from: DEX, to: FEE_A, amount: `249750499251388${lpDenom(id)}` }]);
      expect([d.lp(FEE_A, id), d.lp(FEE_B, id)]).to.deep.equal([249750499251388n, 0n]);
      expect(d.invariants()).to.deep.equal([]);
    });

    it("a deposit after fee growth counts its shares on the supply including the fee liquidity", () => {
      const d = new MemoryDex({ params: { protocolFeeEnabled: true } });
      for (const x of ["usdc", "weth"]) d.fund(me, x, RICH);
      const id = d.createPool("usdc", "weth");
      d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(1000), e18(1000), me));
      d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), 996006981039903216n, 0n, me));
      const p = d.pool(id);
      const fee = protocolFeeLiquidity(p.totalSupply, p.reserve0, p.reserve1, p.kLast);
      expect(fee).to.equal(249750499251388n);
      const supply = e18(1000) + fee;
      const a0 = e18(10);
      const a1 = e18(10);
      // Pair.mint after _mintFee: min(a0 * supply / reserve0, a1 * supply / reserve1)
      const l0 = (a0 * supply) / p.reserve0;
      const l1 = (a1 * supply) / p.reserve1;
      const expected = l0 < l1 ? l0 : l1;
      expect(expected).to.equal(9_990_012_485_019_972_541n);
      expect(d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, a0, a1, other))).to.equal(expected);
      expect(d.lp(other, id)).to.equal(expected);
      expect(d.pool(id)).to.include({ totalSupply: supply + expected, reserve0: p.reserve0 + a0, reserve1: p.reserve1 + a1 });
      expect(d.lp(FEE_A, id) + d.lp(FEE_B, id)).to.equal(fee);
      expect(d.invariants()).to.deep.equal([]);
    });

    it("state written with the fee on, read by a chain that binds no fee source: the fee is off, kLast is cleared, nothing is minted", () => {
      const d = new MemoryDex({ params: { protocolFeeEnabled: true } });
      for (const x of ["usdc", "weth"]) d.fund(me, x, RICH);
      const id = d.createPool("usdc", "weth");
      d.atomic((ctx) => d.keeper.pairMint(ctx, id, me, e18(1000), e18(1000), me));
      d.atomic((ctx) => d.keeper.pairSwap(ctx, id, me, 0n, e18(1), 996006981039903216n, 0n, me));
      expect(d.pool(id).kLast).to.equal(e18(1000) * e18(1000));

      const restarted = new DexKeeper(d.bank, dexConfig(addr(9), false), undefined);
      expect(restarted.params(d.ctx()).protocolFeeEnabled).to.equal(true);
      expect(restarted.pair.feeOn(d.ctx())).to.equal(false);
      d.atomic((ctx) => restarted.pairBurn(ctx, id, me, e18(1000) - MINIMUM_LIQUIDITY, me));
      expect(d.pool(id)).to.include({ totalSupply: MINIMUM_LIQUIDITY, kLast: 0n });
      expect([d.lp(FEE_A, id), d.lp(FEE_B, id)]).to.deep.equal([0n, 0n]);
    });
  });
});
