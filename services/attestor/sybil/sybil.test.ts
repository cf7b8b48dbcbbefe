import { expect } from "chai";
import { defaultSybilParams, ALL_ON, NXT, type SybilParams } from "./params.ts";
import { simulate, simulateAll, type ScenarioReport } from "./simulate.ts";
import { reportJson } from "./report.ts";

const byName = (rs: ScenarioReport[]): Record<string, ScenarioReport> => Object.fromEntries(rs.map((r) => [r.name, r]));

/**
 * Small enough to follow by hand: one client, one slot, two addresses per number, 60 s per
 * verification, attestations valid 45 days over three 30-day epochs, a reserve that pays in full.
 */
const tiny = (over: Partial<SybilParams> = {}): SybilParams =>
  defaultSybilParams({
    months: 3,
    budget: 5,
    costPerNumberMonth: 1,
    rentalMonths: 1,
    clients: 1,
    costPerClientMonth: 1,
    addressesPerNumber: 2,
    verifySeconds: [60, 60],
    honest: 2,
    initialReserve: 100_000n * NXT,
    inflowPerEpoch: 0n,
    validityDays: 45,
    ...over,
  });

describe("BHLS Sybil simulation", () => {
  it("the same seed gives the same report; another seed moves the honest claim times", () => {
    const p = defaultSybilParams({ seed: 7 });
    const a = reportJson(p, simulateAll(p));
    expect(reportJson(p, simulateAll(p))).to.equal(a);
    const q = defaultSybilParams({ seed: 8 });
    expect(reportJson(q, simulateAll(q))).to.not.equal(a);
  });

  it("a hand-computable scenario: exact citizens, claims, NXT and cost for each defence switched off", () => {
    const r = byName(simulateAll(tiny()));
    const share = 1150n * NXT;
    // All on: client 3 (1 × 3 months) + rounds 2 (90 days / 45) × 1 number = 5 cost units: one
    // slot. Each round makes one citizen (its second address is BHLS_PHONE_HASH_IN_USE). The
    // first claims epochs 1 and 2 and is refused in epoch 3 (expired at day 45); the second,
    // registered when the first expired (day 45, after epoch 2's share was fixed by the honest
    // claims), waits for epoch 3 (BHLS_NOT_YET_ELIGIBLE) and claims it.
    expect(r["all defences"]!.attacker).to.deep.include({ numbersRented: 2, verifications: 4, refusedPhoneInUse: 2, citizensGained: 2, claimsPaid: 3, claimsRefusedExpired: 1, nxtExtracted: 3n * share, cost: 5, nxtPerCost: 690, citizensPerCost: 0.4, rateLimitWaits: 0 });
    // The limits never bind here: the same run.
    expect(r["no rate limits"]!.attacker).to.deep.include({ citizensGained: 2, claimsPaid: 3, nxtExtracted: 3n * share, cost: 5 });
    // No expiry: one round, so two slots, each a citizen; the one registered after epoch 1's share
    // was fixed claims epochs 2 and 3, the other all three.
    expect(r["no expiry"]!.attacker).to.deep.include({ numbersRented: 2, citizensGained: 2, claimsPaid: 5, claimsRefusedExpired: 0, nxtExtracted: 5n * share, cost: 5, nxtPerCost: 1150 });
    // One phone, many citizens: both addresses of each round register. Round 1: one before epoch
    // 1's fix (epochs 1, 2), one after (epoch 2); both expired in epoch 3. Round 2 (day 45): epoch 3 each.
    expect(r["no one-phone-one-citizen"]!.attacker).to.deep.include({ numbersRented: 2, refusedPhoneInUse: 0, citizensGained: 4, claimsPaid: 5, claimsRefusedExpired: 2, nxtExtracted: 5n * share, cost: 5, nxtPerCost: 1150, citizensPerCost: 0.8 });
    // No defences: four citizens at once, never expiring; three registered after epoch 1's fix: 4 × 3 − 3.
    expect(r["no defences"]!.attacker).to.deep.include({ numbersRented: 2, citizensGained: 4, claimsPaid: 9, nxtExtracted: 9n * share, cost: 5, nxtPerCost: 2070 });
    for (const s of Object.values(r)) expect(s.honest).to.deep.include({ claimsPaid: 6, claimsRefused: 0, averageClaim: share });
  });

  it("a short reserve: the first claim fixes floor(reserve / citizens) for everyone, the attacker's citizen included", () => {
    // 2 300 NXT for 2 honest citizens and the attacker's one (registered a minute in, before any honest claim).
    const r = simulate(tiny({ months: 1, budget: 2, addressesPerNumber: 1, initialReserve: 2300n * NXT }), ALL_ON);
    const share = (2300n * NXT) / 3n; // 76 666 666 666
    expect(r.attacker).to.deep.include({ citizensGained: 1, claimsPaid: 1, nxtExtracted: share, cost: 2 });
    expect(r.honest).to.deep.include({ claimsPaid: 2, claimsRefused: 0, paid: 2n * share, averageClaim: share });
    expect(r.reserve.left).to.equal(2n);
  });

  it("the real RateLimiter binds: 5 codes to one number take over an hour at 3 per phone per hour, minutes without the limits", () => {
    const p = tiny({ months: 1, budget: 2, addressesPerNumber: 5 });
    const on = simulate(p, { ...ALL_ON, onePhoneOneCitizen: false });
    const off = simulate(p, { rateLimits: false, expiry: true, onePhoneOneCitizen: false });
    expect(on.attacker.citizensGained).to.equal(5);
    expect(on.attacker.rateLimitWaits).to.be.greaterThan(0);
    expect(on.attacker.firstRoundHours).to.be.at.least(1);
    expect(off.attacker).to.deep.include({ citizensGained: 5, rateLimitWaits: 0, firstRoundHours: 0.1 });
  });

  for (const [label, over] of [
    ["a reserve short under attack (the default)", {}],
    ["a reserve that pays everyone in full", { initialReserve: 200_000_000n * NXT, inflowPerEpoch: 0n }],
    ["dear numbers, a short validity", { costPerNumberMonth: 5, validityDays: 30, budget: 5000 }],
  ] as const) {
    it(`switching a defence off never lowers the attacker's NXT per cost, and expiry or one-phone-one-citizen off raises it: ${label}`, () => {
      for (const seed of [1, 2, 3]) {
        const r = byName(simulateAll(defaultSybilParams({ seed, ...over })));
        const base = r["all defences"]!.attacker.nxtPerCost;
        expect(base).to.be.greaterThan(0);
        expect(r["no rate limits"]!.attacker.nxtPerCost).to.be.at.least(base);
        expect(r["no expiry"]!.attacker.nxtPerCost).to.be.greaterThan(base);
        expect(r["no one-phone-one-citizen"]!.attacker.nxtPerCost).to.be.greaterThan(base);
        for (const s of ["no rate limits", "no expiry", "no one-phone-one-citizen"]) expect(r["no defences"]!.attacker.nxtPerCost, s).to.be.at.least(r[s]!.attacker.nxtPerCost);
      }
    });
  }

  it("the attacker never takes more than the reserve paid out, the reserve never pays more than it received, and the cost stays within the budget", () => {
    for (const p of [defaultSybilParams(), defaultSybilParams({ budget: 20_000, seed: 5 }), tiny()]) {
      for (const s of simulateAll(p)) {
        const { initial, inflow, paidOut, left } = s.reserve;
        expect(s.attacker.nxtExtracted + s.honest.paid, s.name).to.equal(paidOut);
        expect(paidOut <= initial + inflow, s.name).to.equal(true);
        expect(left).to.equal(initial + inflow - paidOut);
        expect(s.attacker.cost).to.be.at.most(p.budget);
        expect(s.honest.averageClaim <= p.monthlyAmount, s.name).to.equal(true);
      }
    }
  });

  it("reads the protocol figures from the real defaults", () => {
    const p = defaultSybilParams();
    expect(p).to.deep.include({ perPhonePerHour: 3, perClientPerHour: 20, validityDays: 180, monthlyAmount: 1150n * NXT, epochMs: 30 * 86_400_000 });
  });
});
