import { expect } from "chai";
import { BADGES, BADGE_BY_KEY, badge, pointsOf, CATEGORIES, COUNTER_THRESHOLDS, COUNTERS, STREAK_BADGES, TX_COUNT_BADGES, badgesOfMask, hasBadge, levelOf } from "./badges.ts";
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

  it("the catalogue is pinned: ids, keys, categories and points are wire values (append only)", () => {
    expect(BADGES.map((b) => [b.id, b.key, b.category, b.points])).to.deep.equal([
      [0, "first_transaction", "transactions", 10],
      [1, "transactions_100", "transactions", 30],
      [2, "transactions_1000", "transactions", 100],
      [3, "first_transfer", "transactions", 10],
      [4, "first_multisend", "transactions", 20],
      [5, "bridge_out", "transactions", 40],
      [6, "first_swap", "trading", 10],
      [7, "multi_hop_swap", "trading", 30],
      [8, "exact_out_swap", "trading", 20],
      [9, "first_liquidity", "trading", 20],
      [10, "liquidity_10", "trading", 60],
      [11, "pool_creator", "trading", 50],
      [12, "first_deposit", "governance", 10],
      [13, "first_vote", "governance", 10],
      [14, "votes_10", "governance", 50],
      [15, "first_proposal", "governance", 30],
      [16, "first_dispute", "governance", 20],
      [17, "citizen", "community", 20],
      [18, "first_claim", "community", 10],
      [19, "claim_streak_3", "community", 30],
      [20, "claim_streak_12", "community", 200],
      [21, "referral_1", "community", 20],
      [22, "referral_10", "community", 100],
      [23, "validator", "validation", 50],
      [24, "first_delegation", "validation", 10],
      [25, "uptime_1000", "validation", 100],
      [26, "uptime_10000", "validation", 200],
    ]);
    for (const b of BADGES) expect(b.description.length, b.key).to.be.greaterThan(8);
    expect(new Set(BADGES.map((b) => b.name)).size).to.equal(27);
  });

  it("level = points / 100 + 1; points are the badges' sum; an unknown key is a bug that throws", () => {
    expect(pointsOf(0n)).to.equal(0n);
    expect(pointsOf((1n << 0n) | (1n << 26n))).to.equal(210n);
    expect(pointsOf((1n << 27n) - 1n)).to.equal(BigInt(BADGES.reduce((a, b) => a + b.points, 0)));
    expect(() => badge("nope")).to.throw(/no badge "nope"/);
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
    expect(Object.entries(COUNTER_THRESHOLDS).map(([c, t]) => [c, t.map(([n, b]) => `${n}:${b.key}`)])).to.deep.equal([
      ["liquidity", ["1:first_liquidity", "10:liquidity_10"]],
      ["votes", ["1:first_vote", "10:votes_10"]],
      ["referrals", ["1:referral_1", "10:referral_10"]],
      ["signedCommits", ["1000:uptime_1000", "10000:uptime_10000"]],
    ]);
    expect(TX_COUNT_BADGES.map(([n]) => n)).to.deep.equal([1n, 100n, 1000n]);
    expect(STREAK_BADGES.map(([n]) => n)).to.deep.equal([1, 3, 12]);
  });
});
