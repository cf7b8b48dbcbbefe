import { expect } from "chai";
import { changedParams, checkImmutableRights, checkMultiEndorsement, checkNonDominance, type ProposalEffect } from "./rules.ts";

const effect = (o: Partial<ProposalEffect>): ProposalEffect => ({
  band: 4,
  typeUrls: [],
  endorsers: [],
  paramsBefore: () => undefined,
  paramsAfter: () => undefined,
  stakeBefore: new Map(),
  stakeAfter: new Map(),
  ...o,
});

describe("gov constitution rules: edges", () => {
  it("immutable rights cover listed actions as well as parameters, naming each", () => {
    const rule = { name: "ir", kind: "immutable_rights" as const, minBand: 6, params: ["m.a", "m.b"], actions: ["/x.v1.MsgDo"] };
    expect(checkImmutableRights(rule, effect({ typeUrls: ["/x.v1.MsgDo"] }))).to.match(/^\/x\.v1\.MsgDo change only by band 6/);
    const both = effect({ paramsBefore: () => ({ a: 1, b: 1 }), paramsAfter: () => ({ a: 2, b: 2 }) });
    expect(checkImmutableRights(rule, both)).to.match(/^m\.a, m\.b change only/);
    expect(checkImmutableRights(rule, { ...both, band: 6 })).to.equal(null);
  });

  it("multi-endorsement names what it covers and counts endorsers", () => {
    const rule = { name: "me", kind: "multi_endorsement" as const, minEndorsements: 3, params: ["m.a", "m.b"], actions: [] };
    const e = effect({ paramsBefore: () => ({ a: 1, b: 1 }), paramsAfter: () => ({ a: 2, b: 2 }), endorsers: ["v1"] });
    expect(checkMultiEndorsement(rule, e)).to.equal("m.a, m.b need FEMTO endorsements of 3 active validators; the proposal has 1");
    expect(checkMultiEndorsement(rule, { ...e, endorsers: ["v1", "v2", "v3"] })).to.equal(null);
  });

  it("params that are null or not objects read as absent", () => {
    expect(changedParams(["m.a"], effect({ paramsBefore: () => null, paramsAfter: () => null }))).to.deep.equal([]);
    expect(changedParams(["m.a"], effect({ paramsBefore: () => null, paramsAfter: () => ({ a: 1 }) }))).to.deep.equal(["m.a"]);
  });

  it("non-dominance: gaining up to exactly the cap is allowed; gaining while under it is allowed", () => {
    const nd = { name: "nd", kind: "non_dominance" as const, maxPowerBps: 500, minValidators: 20 };
    const others = Array.from({ length: 19 }, (_, i) => [`v${i + 1}`, 100n] as const);
    // v0: 95 → 100 of 2 000 = exactly 5%.
    const exact = effect({ stakeBefore: new Map([["v0", 95n], ...others]), stakeAfter: new Map([["v0", 100n], ...others]) });
    expect(checkNonDominance(nd, exact)).to.equal(null);
    // v0: 50 → 60 of 1 960 ≈ 3%.
    const under = effect({ stakeBefore: new Map([["v0", 50n], ...others]), stakeAfter: new Map([["v0", 60n], ...others]) });
    expect(checkNonDominance(nd, under)).to.equal(null);
  });
});
