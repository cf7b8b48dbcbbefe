import { expect } from "chai";
import { postageEnergy, routeFees, routePostage } from "./routing.ts";
import { splitTransition, transitionDue } from "./transition.ts";
import { stabilityIndex, FLOOR_PER_CITIZEN_MONTH } from "./stability.ts";
import { defaultParams, liquidityShareList, paramsProblem, NXT } from "./params.ts";
import { LIQUIDITY_ACCOUNTS } from "./accounts.ts";
import { defaultJoulesPerUnit, energyAttojoules, DEFAULT_REFERENCE_BYTES, DEFAULT_REFERENCE_FEE } from "../../runtime/tx/fees.ts";
import { Band } from "../../runtime/tx/bands.ts";

const P = defaultParams();

describe("economy rules (pure, no store)", () => {
  describe("routeFees: burned and reserve floored, validators take the rest", () => {
    it("10 000 → 2 000 burned, 3 000 reserve, 5 000 validators", () => {
      expect(routeFees(10_000n, P)).to.deep.equal({ total: 10_000n, burned: 2_000n, reserve: 3_000n, validators: 5_000n });
    });
    it("33 333 → 6 666 burned (6 666.6), 9 999 reserve (9 999.9), 16 668 validators (the two roundings)", () => {
      expect(routeFees(33_333n, P)).to.deep.equal({ total: 33_333n, burned: 6_666n, reserve: 9_999n, validators: 16_668n });
    });
    it("1 → nothing burned or reserved, 1 to validators; 0 → zeros", () => {
      expect(routeFees(1n, P)).to.deep.equal({ total: 1n, burned: 0n, reserve: 0n, validators: 1n });
      expect(routeFees(0n, P)).to.deep.equal({ total: 0n, burned: 0n, reserve: 0n, validators: 0n });
    });
    it("other params: 0 / 0 / 10000 burns everything", () => {
      expect(routeFees(999n, { feeBurnBps: 10000, feeReserveBps: 0 })).to.deep.equal({ total: 999n, burned: 999n, reserve: 0n, validators: 0n });
    });
  });

  describe("routePostage: burned floored, the reserve takes the rest", () => {
    it("1 NXT → 20 000 000 burned, 80 000 000 reserve; 7 → 1 burned (1.4), 6 reserve", () => {
      expect(routePostage(100_000_000n, P)).to.deep.equal({ burned: 20_000_000n, reserve: 80_000_000n });
      expect(routePostage(7n, P)).to.deep.equal({ burned: 1n, reserve: 6n });
      expect(routePostage(4n, P)).to.deep.equal({ burned: 0n, reserve: 4n });
    });
  });

  describe("postageEnergy: amount × joulesPerUnit in attojoules, rounded down", () => {
    it("at the default NANO price, the reference fee (10 000) buys 55 aJ: the 250-byte transaction's 55.x aJ rounded down (its receipt rounds up to 56)", () => {
      const jpu = defaultJoulesPerUnit();
      expect(postageEnergy(DEFAULT_REFERENCE_FEE, jpu[Band.NANO])).to.equal(55n);
      expect(energyAttojoules(Band.NANO, DEFAULT_REFERENCE_BYTES)).to.equal(56n);
    });
    it("exact on a hand-made price: 3/7 J per unit, 5 units → floor(15/7 × 10^18) aJ", () => {
      expect(postageEnergy(5n, { num: 3n, den: 7n })).to.equal(2_142_857_142_857_142_857n);
      expect(postageEnergy(1n, { num: 1n, den: 10n ** 19n })).to.equal(0n);
    });
    it("joulesPerUnit scales with the band's frequency: 1 000 000 units buy 5 517 aJ in NANO, 98 338 903 aJ in band 2", () => {
      const jpu = defaultJoulesPerUnit();
      expect(postageEnergy(1_000_000n, jpu[Band.NANO])).to.equal(5_517n);
      expect(postageEnergy(1_000_000n, jpu[2 as Band])).to.equal(98_338_903n);
    });
  });

  describe("splitTransition: floors per liquidity account, the remainder to the floor reserve", () => {
    const shares = liquidityShareList(P);
    it("R = 1 000 000 000: 60% floor, 40% by the twelve shares (no rounding)", () => {
      const s = splitTransition(1_000_000_000n, "normal", P, shares);
      expect(s.toFloor).to.equal(600_000_000n);
      expect(s.liquidity.map((l) => [l.module, l.amount])).to.deep.equal([
        ["liquidity_electricity", 48_000_000n],
        ["liquidity_water", 32_000_000n],
        ["liquidity_manufacturing", 48_000_000n],
        ["liquidity_logistics", 32_000_000n],
        ["liquidity_food", 40_000_000n],
        ["liquidity_agriculture", 40_000_000n],
        ["liquidity_horticulture", 32_000_000n],
        ["liquidity_aquaculture", 28_000_000n],
        ["liquidity_services", 40_000_000n],
        ["liquidity_technology", 20_000_000n],
        ["liquidity_carbon", 20_000_000n],
        ["liquidity_environmental", 20_000_000n],
      ]);
    });
    it("R = 999: each account floor(999 × 4000 × bps / 10^8); the floor gets 999 − 388 = 611", () => {
      const s = splitTransition(999n, "normal", P, shares);
      // 999×0.4 = 399.6; ×12% = 47.952 → 47; ×8% = 31.968 → 31; ×10% = 39.96 → 39; ×7% = 27.972 → 27; ×5% = 19.98 → 19.
      expect(s.liquidity.map((l) => l.amount)).to.deep.equal([47n, 31n, 47n, 31n, 39n, 39n, 31n, 27n, 39n, 19n, 19n, 19n]);
      expect(s.toFloor).to.equal(999n - 388n);
      expect(s.toFloor + s.liquidity.reduce((a, l) => a + l.amount, 0n)).to.equal(999n);
    });
    it("crisis branches send 100% to the floor", () => {
      for (const b of ["below-1", "below-0.5"] as const) {
        const s = splitTransition(12_345n, b, P, shares);
        expect(s.toFloor).to.equal(12_345n);
        expect(s.liquidity.every((l) => l.amount === 0n)).to.equal(true);
        expect(s.liquidity).to.have.length(12);
      }
    });
    it("transitionDue at start + duration exactly, not a millisecond before", () => {
      expect(transitionDue(1_999, 1_000, 1_000)).to.equal(false);
      expect(transitionDue(2_000, 1_000, 1_000)).to.equal(true);
      expect(transitionDue(9_999_999, 1_000, 1_000)).to.equal(true);
    });
  });

  describe("stabilityIndex", () => {
    const need = (citizens: bigint) => citizens * FLOOR_PER_CITIZEN_MONTH * 6n; // 6 900 NXT per citizen
    it("no citizens: no index, normal branch", () => {
      expect(stabilityIndex(5n, 0n)).to.deep.equal({ numerator: 5n, denominator: 0n, citizens: 0n, index: null, branch: "normal" });
    });
    it("exactly 1.0 is normal; one base unit less is below-1", () => {
      expect(need(10n)).to.equal(69_000n * NXT);
      expect(stabilityIndex(69_000n * NXT, 10n)).to.deep.equal({ numerator: 69_000n * NXT, denominator: 69_000n * NXT, citizens: 10n, index: "1.000000", branch: "normal" });
      const s = stabilityIndex(69_000n * NXT - 1n, 10n);
      expect([s.index, s.branch]).to.deep.equal(["0.999999", "below-1"]);
    });
    it("exactly 0.5 is below-1; one base unit less is below-0.5", () => {
      expect([stabilityIndex(34_500n * NXT, 10n).index, stabilityIndex(34_500n * NXT, 10n).branch]).to.deep.equal(["0.500000", "below-1"]);
      expect(stabilityIndex(34_500n * NXT - 1n, 10n).branch).to.equal("below-0.5");
    });
    it("6 decimals rounded down: 200 000 000 NXT for 3 citizens = 9661.835748…", () => {
      expect(stabilityIndex(200_000_000n * NXT, 3n).index).to.equal("9661.835748");
    });
  });

  describe("params", () => {
    it("defaults hold; each bps group must sum to 10000", () => {
      expect(paramsProblem(P)).to.equal(null);
      expect(paramsProblem({ ...P, feeBurnBps: 2001 })).to.match(/feeValidatorsBps \+ feeReserveBps \+ feeBurnBps must be 10000, got 10001/);
      expect(paramsProblem({ ...P, postageBurnBps: 0 })).to.match(/postage.*got 8000/);
      expect(paramsProblem({ ...P, transitionFloorBps: 10000 })).to.match(/transitionFloorBps.*got 14000/);
      expect(paramsProblem({ ...P, liquidityShares: { ...P.liquidityShares, liquidity_carbon: 400 } })).to.match(/liquidityShares must sum to 10000, got 9900/);
    });
    it("the share list follows LIQUIDITY_ACCOUNTS (SPEC order) and sums to 10000", () => {
      const l = liquidityShareList(P);
      expect(l.map((x) => x.module)).to.deep.equal([...LIQUIDITY_ACCOUNTS]);
      expect(l.map((x) => x.bps)).to.deep.equal([1200, 800, 1200, 800, 1000, 1000, 800, 700, 1000, 500, 500, 500]);
    });
  });
});
