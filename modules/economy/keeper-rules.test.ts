import { expect } from "chai";
import { GENESIS_PREV_HASH, type ChainEvent, type Ctx } from "../../runtime/modules/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { EconomyKeeper } from "./keeper/economy-keeper.ts";
import { BHLS_FLOOR_RESERVE, FEE_COLLECTOR, POSTAGE, TRANSITION_RESERVE, TREASURY } from "./accounts.ts";
import type { BankForEconomy, CoinAmount, StakingForEconomy } from "./expected-keepers.ts";
import { EconomyError } from "./errors.ts";
import { EconomyEvents } from "./events.ts";
import { defaultParams, economyConfig, NXT, type EconomyParams } from "./params.ts";
import { postageEnergy, routeFees, routePostage } from "./routing.ts";
import { stabilityIndex } from "./stability.ts";
import { splitTransition } from "./transition.ts";

const CHAIN = "nexus-economy-rules-1";
const T = 1_767_225_600_000; // block time, ms
const HEIGHT = 5;
const addr = (n: number): string => testSigner(n).address;
const AUTHORITY = addr(7);
const BUYER = addr(2);
const DISTRIBUTION = moduleAddress("distribution");
/** 1 citizen needs 1 150 NXT × 6 = 6 900 NXT in the floor reserve for an index of 1. */
const PER_CITIZEN = 6_900n * NXT;

/** A bank of plain balances: send refuses an overdraft, burn takes from the module account. */
class FakeBank implements BankForEconomy {
  readonly balances = new Map<string, bigint>();
  burned = 0n;
  balance(_ctx: Ctx, address: string): bigint {
    return this.balances.get(address) ?? 0n;
  }
  credit(address: string, amount: bigint): void {
    this.balances.set(address, (this.balances.get(address) ?? 0n) + amount);
  }
  send(_ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void {
    const a = coins[0]!.amount;
    if ((this.balances.get(from) ?? 0n) < a) throw new Error(`fake bank: ${from} cannot send ${a}`);
    this.credit(from, -a);
    this.credit(to, a);
  }
  burn(_ctx: Ctx, module: string, coins: readonly CoinAmount[]): void {
    this.credit(moduleAddress(module), -coins[0]!.amount);
    this.burned += coins[0]!.amount;
  }
}

/** Staking as the port describes it, except that a test chooses what it reports and what it moves. */
class FakeStaking implements StakingForEconomy {
  calls: bigint[] = [];
  /** What allocateFees reports as paid (default: all it was offered). */
  reports: (offered: bigint) => bigint = (o) => o;
  /** Whether it moves the reported amount out of the module account. */
  moves = true;
  constructor(private readonly bank: FakeBank) {}
  allocateFees(ctx: Ctx, fromModule: string, amount: bigint): bigint {
    this.calls.push(amount);
    const paid = this.reports(amount);
    if (this.moves && paid > 0n) this.bank.send(ctx, moduleAddress(fromModule), DISTRIBUTION, [{ denom: "nxt", amount: paid }]);
    return paid;
  }
}

/** An economy keeper over an in-memory store, a fake bank and staking, a settable citizen count and 1 aJ per 200 base units. */
function setup(o: { floor?: bigint; citizens?: bigint; treasury?: bigint; fees?: bigint; params?: Partial<EconomyParams> } = {}) {
  const bank = new FakeBank();
  const staking = new FakeStaking(bank);
  const registry = { count: o.citizens ?? 0n };
  const price = { joulesPerUnit: () => ({ num: 1n, den: 200n * 10n ** 18n }) };
  const keeper = new EconomyKeeper(bank, staking, { citizenCount: () => registry.count }, price, economyConfig({ authority: AUTHORITY }));
  const store = new MemoryKV();
  const events: ChainEvent[] = [];
  const ctx = new ExecContext({ chainId: CHAIN, height: HEIGHT, time: T, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", store, events);
  keeper.setParams(ctx, { ...defaultParams(), ...o.params });
  bank.credit(moduleAddress(BHLS_FLOOR_RESERVE), o.floor ?? 0n);
  bank.credit(moduleAddress(TREASURY), o.treasury ?? 1_000_000n * NXT);
  bank.credit(moduleAddress(FEE_COLLECTOR), o.fees ?? 0n);
  bank.credit(BUYER, 1_000n * NXT);
  const held = (module: string): bigint => bank.balance(ctx, moduleAddress(module));
  const ofType = (type: string): Record<string, string>[] => events.filter((e) => e.type === type).map((e) => ({ ...e.attributes }));
  return { bank, staking, registry, keeper, ctx, events, held, ofType };
}

function caught(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("did not throw");
}

function expectRefusal(f: () => unknown, code: string, message: string, context: Record<string, unknown>): void {
  const e = caught(f);
  expect(e).to.be.instanceOf(EconomyError);
  const m = e as EconomyError;
  expect({ code: m.code, message: m.message, context: m.context }).to.deep.equal({ code, message, context });
}

describe("economy keeper: every rule's boundary, refusal and event", () => {
  describe("pure rules refuse negative input, accept zero", () => {
    it("routeFees: -1 is a RangeError naming the total; 0 routes zeros", () => {
      expect(() => routeFees(-1n, defaultParams())).to.throw(RangeError, /^routeFees: negative total -1$/);
      expect(routeFees(0n, defaultParams())).to.deep.equal({ total: 0n, burned: 0n, reserve: 0n, validators: 0n });
    });

    it("routePostage: -1 is a RangeError naming the amount; 0 routes zeros", () => {
      expect(() => routePostage(-1n, defaultParams())).to.throw(RangeError, /^routePostage: negative amount -1$/);
      expect(routePostage(0n, defaultParams())).to.deep.equal({ burned: 0n, reserve: 0n });
    });

    it("postageEnergy: -1 is a RangeError naming the amount; 0 buys 0 aJ", () => {
      const jpu = { num: 1n, den: 1n };
      expect(() => postageEnergy(-1n, jpu)).to.throw(RangeError, /^postageEnergy: negative amount -1$/);
      expect(postageEnergy(0n, jpu)).to.equal(0n);
    });

    it("stabilityIndex: a negative reserve or citizen count (either alone) is a RangeError; a zero reserve is an index of 0", () => {
      expect(() => stabilityIndex(-1n, 5n)).to.throw(RangeError, /^stabilityIndex: negative input$/);
      expect(() => stabilityIndex(5n, -1n)).to.throw(RangeError, /^stabilityIndex: negative input$/);
      expect(() => stabilityIndex(-1n, 0n)).to.throw(RangeError, /^stabilityIndex: negative input$/);
      expect(stabilityIndex(0n, 1n)).to.deep.equal({ numerator: 0n, denominator: PER_CITIZEN, citizens: 1n, index: "0.000000", branch: "below-0.5" });
      expect(stabilityIndex(0n, 0n)).to.deep.equal({ numerator: 0n, denominator: 0n, citizens: 0n, index: null, branch: "normal" });
    });

    it("splitTransition: a negative reserve is a RangeError naming it; 0 splits into zeros", () => {
      const shares = [{ module: "liquidity_water" as const, bps: 10000 }];
      expect(() => splitTransition(-1n, "normal", defaultParams(), shares)).to.throw(RangeError, /^splitTransition: negative reserve -1$/);
      expect(splitTransition(0n, "normal", defaultParams(), shares)).to.deep.equal({ reserve: 0n, toFloor: 0n, liquidity: [{ module: "liquidity_water", amount: 0n }] });
    });
  });

  describe("fee routing and what staking reports", () => {
    it("with no validators' share (burn 10000 bps) staking is not called; everything is burned", () => {
      const s = setup({ fees: 1_000n, params: { feeBurnBps: 10000, feeReserveBps: 0, feeValidatorsBps: 0 } });
      expect(s.keeper.fees.route(s.ctx)).to.deep.equal({ total: 1_000n, burned: 1_000n, validators: 0n, reserve: 0n });
      // Nothing to offer: no allocation (O(active set)) at all.
      expect(s.staking.calls).to.deep.equal([]);
      expect(s.ofType(EconomyEvents.FeesRouted)).to.deep.equal([{ height: String(HEIGHT), total: "1000", burned: "1000", validators: "0", reserve: "0", remainder: "0" }]);
    });

    it("with a validators' share of 1 staking is offered exactly 1; paying all of it (the upper bound) is accepted", () => {
      const s = setup({ fees: 1n });
      expect(s.keeper.fees.route(s.ctx)).to.deep.equal({ total: 1n, burned: 0n, validators: 1n, reserve: 0n });
      expect(s.staking.calls).to.deep.equal([1n]);
      expect(s.held(FEE_COLLECTOR)).to.equal(0n);
      expect(s.bank.balance(s.ctx, DISTRIBUTION)).to.equal(1n);
    });

    it("staking paying 0 of 5 000 (the lower bound) is accepted: all 5 000 join the reserve", () => {
      const s = setup({ fees: 10_000n });
      s.staking.reports = () => 0n;
      expect(s.keeper.fees.route(s.ctx)).to.deep.equal({ total: 10_000n, burned: 2_000n, validators: 0n, reserve: 8_000n });
      expect(s.held(TRANSITION_RESERVE)).to.equal(8_000n);
      expect(s.ofType(EconomyEvents.FeesRouted)).to.deep.equal([{ height: String(HEIGHT), total: "10000", burned: "2000", validators: "0", reserve: "3000", remainder: "5000" }]);
    });

    it("staking reporting a negative payment is an Error naming paid and offered; nothing is emitted", () => {
      const s = setup({ fees: 10_000n });
      s.staking.reports = () => -1n;
      s.staking.moves = false;
      const e = caught(() => s.keeper.fees.route(s.ctx));
      expect(e.message).to.equal("economy: staking paid -1 of the 5000 offered to validators");
      expect(s.ofType(EconomyEvents.FeesRouted)).to.deep.equal([]);
    });

    it("staking reporting one more than offered is an Error naming paid and offered", () => {
      const s = setup({ fees: 10_000n });
      s.staking.reports = (o) => o + 1n;
      s.staking.moves = false;
      const e = caught(() => s.keeper.fees.route(s.ctx));
      expect(e.message).to.equal("economy: staking paid 5001 of the 5000 offered to validators");
    });

    it("staking reporting a payment it did not move leaves fee_collector non-empty: an Error naming what is left and the total", () => {
      const s = setup({ fees: 10_000n });
      s.staking.moves = false;
      const e = caught(() => s.keeper.fees.route(s.ctx));
      expect(e.message).to.equal("economy: fee_collector still holds 5000 after routing 10000");
      expect(s.ofType(EconomyEvents.FeesRouted)).to.deep.equal([]);
    });
  });

  describe("postage", () => {
    it("buying 0 or -1 is refused with ECONOMY_INVALID_AMOUNT naming the amount; nothing moves", () => {
      const s = setup();
      expectRefusal(() => s.keeper.buyPostage(s.ctx, BUYER, 0n, 1), "ECONOMY_INVALID_AMOUNT", "postage amount must be positive, got 0", {});
      expectRefusal(() => s.keeper.buyPostage(s.ctx, BUYER, -1n, 1), "ECONOMY_INVALID_AMOUNT", "postage amount must be positive, got -1", {});
      expect(s.bank.balance(s.ctx, BUYER)).to.equal(1_000n * NXT);
    });

    it("199 base units buy no energy at 200 per aJ (refused, naming amount and band); 200 buy 1 aJ", () => {
      const s = setup();
      expectRefusal(() => s.keeper.buyPostage(s.ctx, BUYER, 199n, 3), "ECONOMY_INVALID_AMOUNT", "199 base units buy no energy in band 3", { band: 3 });
      expect(s.keeper.buyPostage(s.ctx, BUYER, 200n, 3)).to.include({ id: 0, band: 3, paid: "200", energyBought: "1", energyRemaining: "1" });
      // 20% of 200 burned, 160 to the reserve; the postage account ends empty.
      expect([s.bank.burned, s.held(TRANSITION_RESERVE), s.held(POSTAGE)]).to.deep.equal([40n, 160n, 0n]);
    });

    it("consume refuses 0 energy, an unknown budget and more than is left, each with its message and context; exactly what is left is accepted", () => {
      const s = setup();
      s.keeper.buyPostage(s.ctx, BUYER, 2_000n, 1); // 10 aJ
      expectRefusal(() => s.keeper.consumePostage(s.ctx, 0, 0n), "ECONOMY_INVALID_AMOUNT", "energy to consume must be positive, got 0", {});
      expectRefusal(() => s.keeper.consumePostage(s.ctx, 9, 1n), "ECONOMY_BUDGET_NOT_FOUND", "no postage budget 9", { id: 9 });
      expectRefusal(() => s.keeper.consumePostage(s.ctx, 0, 11n), "ECONOMY_BUDGET_EXHAUSTED", "postage budget 0 has 10 aJ left, 11 asked", { id: 0, remaining: "10", asked: "11" });
      expect(s.keeper.consumePostage(s.ctx, 0, 10n)).to.equal(0n);
      expect(s.ofType(EconomyEvents.PostageConsumed)).to.deep.equal([{ id: "0", energy: "10", remaining: "0" }]);
    });
  });

  describe("treasury draws", () => {
    // 1 citizen, 3 449 NXT in the floor: index 0.499855, below 0.5.
    const crisis = (o: { params?: Partial<EconomyParams> } = {}) => setup({ citizens: 1n, floor: 3_449n * NXT, ...o });

    it("in crisis a draw of 0 or -1 is refused with ECONOMY_INVALID_AMOUNT naming the amount; 1 is drawn", () => {
      const s = crisis();
      expectRefusal(() => s.keeper.treasuryDraw(s.ctx, AUTHORITY, 0n), "ECONOMY_INVALID_AMOUNT", "draw amount must be positive, got 0", {});
      expectRefusal(() => s.keeper.treasuryDraw(s.ctx, AUTHORITY, -1n), "ECONOMY_INVALID_AMOUNT", "draw amount must be positive, got -1", {});
      expect(s.ofType(EconomyEvents.TreasuryDraw)).to.deep.equal([]);
      s.keeper.treasuryDraw(s.ctx, AUTHORITY, 1n);
      expect(s.held(BHLS_FLOOR_RESERVE)).to.equal(3_449n * NXT + 1n);
      expect(s.ofType(EconomyEvents.TreasuryDraw)).to.deep.equal([{ epoch: "1", amount: "1", drawnThisEpoch: "1", stabilityIndex: "0.499855" }]);
    });

    it("with no citizens the refusal says the index is undefined; context index 'none', branch normal", () => {
      const s = setup({ floor: 3_449n * NXT });
      expectRefusal(
        () => s.keeper.treasuryDraw(s.ctx, AUTHORITY, NXT),
        "ECONOMY_NOT_IN_CRISIS",
        "a treasury draw needs a stability index below 0.5; it is undefined (no citizens)",
        { index: "none", branch: "normal" },
      );
    });

    it("at exactly 0.5 the refusal names the index 0.500000 and branch below-1", () => {
      const s = setup({ citizens: 1n, floor: 3_450n * NXT });
      expectRefusal(() => s.keeper.treasuryDraw(s.ctx, AUTHORITY, NXT), "ECONOMY_NOT_IN_CRISIS", "a treasury draw needs a stability index below 0.5; it is 0.500000", {
        index: "0.500000",
        branch: "below-1",
      });
      expect(s.held(BHLS_FLOOR_RESERVE)).to.equal(3_450n * NXT);
    });

    it("over the cap the refusal names epoch, drawn, cap and amount; exactly the cap is drawn", () => {
      const s = crisis({ params: { treasuryDrawCapPerEpoch: "1000" } });
      s.keeper.treasuryDraw(s.ctx, AUTHORITY, 600n);
      expectRefusal(() => s.keeper.treasuryDraw(s.ctx, AUTHORITY, 401n), "ECONOMY_DRAW_CAP_EXCEEDED", "epoch 1 has drawn 600 of its cap 1000; 401 more exceeds it", {
        epoch: 1,
        drawn: "600",
        cap: "1000",
        amount: "401",
      });
      s.keeper.treasuryDraw(s.ctx, AUTHORITY, 400n);
      expect(s.keeper.epoch(s.ctx).treasuryDrawn).to.equal("1000");
      expect(s.ofType(EconomyEvents.TreasuryDraw).map((e) => e.drawnThisEpoch)).to.deep.equal(["600", "1000"]);
    });
  });
});
