import { expect } from "chai";
import { BADGES, BADGE_BY_KEY, CATEGORIES, COUNTER_THRESHOLDS, COUNTERS, STREAK_BADGES, TX_COUNT_BADGES, badgesOfMask, hasBadge, levelOf } from "./badges.ts";
import { COUNTER_IDS } from "./keys.ts";

describe("achievements: the badge catalogue", () => {
  it("27 badges in 5 categories, ids 0..26 in order, unique keys, 10 to 200 points each", () => {
    expect(BADGES).to.have.length(27);
    expect(BADGES.map((b) => b.id)).to.deep.equal([...Array(27).keys()]);
    expect(new Set(BADGES.map((b) => b.key)).size).to.equal(27);
    expect(new Set(BADGES.map((b) => b.category))).to.deep.equal(new Set(CATEGORIES));
    expect(CATEGORIES).to.have.length(5);
    for (const b of BADGES) {
      expect(b.points, b.key).to.be.within(10, 200);
      expect(b.name.length, b.key).to.be.greaterThan(0);
      expect(BADGE_BY_KEY.get(b.key)).to.equal(b);
    }
    // Every category can be earned.
    for (const c of CATEGORIES) expect(BADGES.filter((b) => b.category === c).length, c).to.be.at.least(4);
  });

  it("level = points / 100 + 1", () => {
    expect([0n, 99n, 100n, 199n, 200n, 5_000n].map(levelOf)).to.deep.equal([1n, 1n, 2n, 2n, 3n, 51n]);
  });

  it("a mask lists its badges in id order", () => {
    const mask = (1n << 0n) | (1n << 6n) | (1n << 26n);
    expect(badgesOfMask(mask).map((b) => b.key)).to.deep.equal(["first_transaction", "first_swap", "uptime_10000"]);
    expect(hasBadge(mask, BADGE_BY_KEY.get("first_swap")!)).to.equal(true);
    expect(hasBadge(mask, BADGE_BY_KEY.get("multi_hop_swap")!)).to.equal(false);
  });

  it("thresholds rise strictly and every counter has a stored number", () => {
    for (const c of COUNTERS) {
      const at = COUNTER_THRESHOLDS[c].map(([n]) => n);
      expect(at, c).to.deep.equal([...at].sort((a, b) => a - b));
      expect(new Set(at).size, c).to.equal(at.length);
      expect(COUNTER_IDS[c], c).to.be.a("number");
    }
    expect(new Set(Object.values(COUNTER_IDS)).size).to.equal(COUNTERS.length);
    expect(TX_COUNT_BADGES.map(([n]) => n)).to.deep.equal([1n, 100n, 1000n]);
    expect(STREAK_BADGES.map(([n]) => n)).to.deep.equal([1, 3, 12]);
  });
});
