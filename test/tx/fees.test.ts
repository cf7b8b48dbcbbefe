import { expect } from "chai";
import { Band } from "../../runtime/tx/bands.ts";
import { baseFee, defaultJoulesPerUnit, energyAttojoules, energyJoules, frequency, parseRational, reduce, type JoulesPerUnit } from "../../runtime/tx/fees.ts";

/*
 * Hand computation (SPEC.md): energy = h·(c/λ)·n·b², h = 6.62607015e-34, c = 299792458.
 * h·c = 1.98644586e-25 J·m (exactly 198644585714...e-42 in integers below).
 * NANO, λ = 900 nm, n = 250, b = 1: 1.98644586e-25 / 9e-7 · 250 = 5.5179e-17 J = 55.18 aJ → 56 aJ.
 * Default joulesPerUnit[NANO] = E(250 B, NANO) / 10 000, and every band's joulesPerUnit scales
 * with its frequency, so fee(b, n) = ceil(10 000 · n · b² / 250) = 40 · n · b².
 */
describe("E = h·f fee schedule", () => {
  const jpu = defaultJoulesPerUnit();

  it("prices a 250-byte NANO transaction at exactly 10 000 base units", () => {
    expect(baseFee(Band.NANO, 250, jpu)).to.equal(10_000n);
  });

  it("matches hand-computed fees for every band (40 · n · b²)", () => {
    const hand: Record<number, [number, bigint][]> = {
      1: [[250, 10_000n], [251, 10_040n], [1, 40n], [3309, 132_360n]],
      2: [[250, 40_000n], [100, 16_000n]],
      3: [[250, 90_000n], [100, 36_000n]],
      4: [[250, 160_000n], [100, 64_000n]],
      5: [[250, 250_000n], [100, 100_000n]],
      6: [[250, 360_000n], [100, 144_000n]],
      7: [[250, 490_000n], [100, 196_000n]],
    };
    for (const [b, cases] of Object.entries(hand)) {
      for (const [n, fee] of cases) expect(baseFee(Number(b) as Band, n, jpu), `band ${b}, ${n} bytes`).to.equal(fee);
    }
  });

  it("rounds the fee up when the energy is not a whole number of units: joulesPerUnit three times the default makes fee(n) = ceil(40·n·b² / 3)", () => {
    const third: JoulesPerUnit = { ...jpu };
    for (const b of Object.keys(jpu)) {
      const r = jpu[Number(b) as Band];
      third[Number(b) as Band] = { num: r.num * 3n, den: r.den };
    }
    expect(baseFee(Band.NANO, 1, third)).to.equal(14n); // 40/3 = 13.33
    expect(baseFee(Band.NANO, 250, third)).to.equal(3_334n); // 10 000/3 = 3 333.33
    expect(baseFee(Band.NANO, 3, third)).to.equal(40n); // 120/3 exactly: no rounding
    expect(baseFee(Band.PICO, 2, third)).to.equal(107n); // 320/3 = 106.67
    // For every size, fee is the least integer with fee · joulesPerUnit ≥ energy.
    for (let n = 1; n <= 400; n++) {
      for (const b of [Band.NANO, Band.PICO, Band.FEMTO]) {
        const fee = baseFee(b, n, third);
        const e = energyJoules(b, n);
        const j = third[b];
        // fee·j ≥ e  and  (fee−1)·j < e, as exact rationals
        expect(fee * j.num * e.den >= e.num * j.den, `band ${b}, ${n} bytes: fee covers the energy`).to.equal(true);
        expect((fee - 1n) * j.num * e.den < e.num * j.den, `band ${b}, ${n} bytes: fee is the smallest that does`).to.equal(true);
      }
    }
  });

  it("computes energy exactly and rounds attojoules up", () => {
    const hc = 662607015n * 299792458n; // h·c · 10^42, exact
    const e = energyJoules(Band.NANO, 250);
    // E = hc · 250 / (900e-9 · 1e42) = hc · 250 · 10^9 / (900 · 10^42)
    expect(e.num * 900n * 10n ** 42n).to.equal(hc * 250n * 10n ** 9n * e.den);
    expect(energyAttojoules(Band.NANO, 250)).to.equal(56n); // 55.18 aJ rounded up
    expect(energyAttojoules(Band.PICO, 250)).to.equal(3_933_557n); // hc/50.5e-12 · 250 · 4 = 3.9335571e-12 J
    expect(energyAttojoules(Band.FEMTO, 250)).to.equal(8_850_501_344n); // ·1000 · 9/4
  });

  it("gives each band its centre frequency f = c/λ", () => {
    const f = frequency(Band.NANO);
    expect(f.num * 900n).to.equal(299792458n * 10n ** 9n * f.den);
    const fp = frequency(Band.PLANCK);
    expect(fp.num * 8888n).to.equal(299792458n * 10n ** 38n * fp.den);
  });

  it("parses joulesPerUnit rationals and rejects junk", () => {
    expect(parseRational("6/4")).to.deep.equal({ num: 3n, den: 2n });
    expect(() => parseRational("1.5")).to.throw(/num\/den/);
    expect(() => parseRational("0/3")).to.throw(/greater than zero/);
    expect(() => parseRational("3/0")).to.throw();
    // The whole text must be the rational: nothing before or after it.
    for (const junk of ["1/2x", "x1/2", " 1/2", "1/2 ", "1/2/3", "-1/2"]) expect(() => parseRational(junk), junk).to.throw(RangeError, `"${junk}" is not a positive rational "num/den"`);
  });

  it("reduces a rational to lowest terms with the sign on the numerator", () => {
    expect(reduce({ num: 6n, den: 4n })).to.deep.equal({ num: 3n, den: 2n });
    expect(reduce({ num: -6n, den: 4n })).to.deep.equal({ num: -3n, den: 2n });
    expect(reduce({ num: -7n, den: 3n })).to.deep.equal({ num: -7n, den: 3n });
    expect(reduce({ num: 0n, den: 5n })).to.deep.equal({ num: 0n, den: 1n });
  });
});
