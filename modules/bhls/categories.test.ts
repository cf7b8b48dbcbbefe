import { expect } from "chai";
import { CATEGORY_TOTAL, epochShare, splitCategories } from "./categories.ts";

describe("bhls: the category split and the pro-rata rule (pure)", () => {
  it("1150 NXT splits exactly as SPEC.md's table", () => {
    expect(CATEGORY_TOTAL).to.equal(1150n);
    const p = splitCategories(115_000_000_000n);
    expect(p).to.deep.equal({ food: 25_000_000_000n, water: 5_000_000_000n, housing: 40_000_000_000n, energy: 15_000_000_000n, healthcare: 20_000_000_000n, connectivity: 7_500_000_000n, recycling: 2_500_000_000n });
  });

  it("rounds each category down and gives the remainder to housing: 1149 and 1 base units", () => {
    // 1149: 249 + 49 + (399 + 6) + 149 + 199 + 74 + 24.
    expect(splitCategories(1149n)).to.deep.equal({ food: 249n, water: 49n, housing: 405n, energy: 149n, healthcare: 199n, connectivity: 74n, recycling: 24n });
    expect(splitCategories(1n)).to.deep.equal({ food: 0n, water: 0n, housing: 1n, energy: 0n, healthcare: 0n, connectivity: 0n, recycling: 0n });
    for (const a of [0n, 7n, 33_333_333_333n, 10n ** 20n + 3n]) expect(Object.values(splitCategories(a)).reduce((s, x) => s + x, 0n)).to.equal(a);
  });

  it("share = min(monthly, floor(reserve / citizens)); 0 without citizens", () => {
    expect(epochShare(1150n, 10_000n, 3n)).to.equal(1150n);
    expect(epochShare(1150n, 3_000n, 3n)).to.equal(1000n);
    expect(epochShare(1150n, 3_001n, 3n)).to.equal(1000n);
    expect(epochShare(1150n, 2n, 3n)).to.equal(0n);
    expect(epochShare(1150n, 10_000n, 0n)).to.equal(0n);
  });
});
