import { expect } from "chai";
import { tally, type BandRule, type TallyDelegation, type TallyValidator, type TallyVote, type VoteOption } from "./tally.ts";

// Cases in the style of Cosmos SDK x/gov's keeper/tally_test.go, plus band diversity.
const ATTO: BandRule = { quorumBps: 3340, thresholdBps: 5000, vetoBps: 3340, minBandApprovals: 5 };
const YOCTO: BandRule = { quorumBps: 5000, thresholdBps: 6670, vetoBps: 3340, minBandApprovals: 6 };

/** Validators v0..v(n-1), 100 tokens each (1 share = 1 token), bands as given; each self-delegates. */
function setup(bands: number[], extra: { del: string; val: number; shares: bigint }[] = []) {
  const validators: TallyValidator[] = bands.map((band, i) => ({ operator: `v${i}`, band, tokens: 100n, delegatorShares: 100n }));
  const dels = new Map<string, TallyDelegation[]>();
  bands.forEach((_, i) => dels.set(`v${i}`, [{ validator: `v${i}`, shares: 100n }]));
  for (const e of extra) {
    const v = validators[e.val]! as { tokens: bigint; delegatorShares: bigint };
    v.tokens += e.shares;
    v.delegatorShares += e.shares;
    // The validator's own self-delegation stays 100 shares; the delegator's adds.
    dels.set(e.del, [...(dels.get(e.del) ?? []), { validator: `v${e.val}`, shares: e.shares }]);
  }
  return { validators, delegationsOf: (a: string) => dels.get(a) ?? [] };
}
const vote = (voter: string, option: VoteOption): TallyVote => ({ voter, options: [{ option, weightBps: 10_000 }] });
const FIVE_BANDS = [1, 2, 3, 4, 5];

describe("gov tally (pure)", () => {
  it("no votes: no quorum, deposits refunded unless burnOnNoQuorum", () => {
    const s = setup(FIVE_BANDS);
    const r = tally({ ...s, votes: [], rule: ATTO, burnOnNoQuorum: false });
    expect(r.outcome).to.equal("no_quorum");
    expect(r.burnDeposits).to.equal(false);
    expect(tally({ ...s, votes: [], rule: ATTO, burnOnNoQuorum: true }).burnDeposits).to.equal(true);
  });

  it("validators only: all yes passes; quorum is 33.4% of bonded stake", () => {
    const s = setup(FIVE_BANDS);
    const all = tally({ ...s, votes: FIVE_BANDS.map((_, i) => vote(`v${i}`, "yes")), rule: ATTO, burnOnNoQuorum: false });
    expect(all.outcome).to.equal("passed");
    expect(all.totals.yes).to.equal(500n);
    // One of five validators (20%) is below quorum even though it votes yes.
    expect(tally({ ...s, votes: [vote("v0", "yes")], rule: ATTO, burnOnNoQuorum: false }).outcome).to.equal("no_quorum");
  });

  it("threshold is strictly more than 50% of non-abstain votes", () => {
    const s = setup([1, 1, 2, 2]); // 4 validators, 2 bands
    const r = tally({ ...s, votes: [vote("v0", "yes"), vote("v1", "no"), vote("v2", "yes"), vote("v3", "no")], rule: ATTO, burnOnNoQuorum: false });
    expect(r.totals.yes).to.equal(r.totals.no);
    expect(r.outcome).to.equal("rejected");
  });

  it("abstain-only reaches quorum but does not pass", () => {
    const s = setup(FIVE_BANDS);
    const r = tally({ ...s, votes: FIVE_BANDS.map((_, i) => vote(`v${i}`, "abstain")), rule: ATTO, burnOnNoQuorum: false });
    expect(r.quorumReached).to.equal(true);
    expect(r.outcome).to.equal("rejected");
    expect(r.burnDeposits).to.equal(false);
  });

  it("veto above 33.4% of all votes rejects and burns, even with a yes majority of non-abstain", () => {
    const s = setup([1, 2, 3, 4, 5, 1]);
    const votes = [vote("v0", "yes"), vote("v1", "yes"), vote("v2", "yes"), vote("v3", "veto"), vote("v4", "veto"), vote("v5", "abstain")];
    const noBands = { ...ATTO, minBandApprovals: 0 };
    const r = tally({ ...s, votes, rule: noBands, burnOnNoQuorum: false });
    expect(r.totals.veto * 10_000n > 3340n * r.voted).to.equal(false); // 2/6 = 33.33%: not above
    expect(r.outcome).to.equal("passed");
    const more = tally({ ...s, votes: [...votes.slice(0, 5), vote("v5", "veto")], rule: noBands, burnOnNoQuorum: false });
    expect(more.outcome).to.equal("vetoed");
    expect(more.burnDeposits).to.equal(true);
  });

  it("a delegator's own vote overrides its validator's for its shares", () => {
    // v0..v4 vote yes; delegator d (200 shares on v0) votes no: its stake leaves v0's yes.
    const s = setup(FIVE_BANDS, [{ del: "d", val: 0, shares: 200n }]);
    const r = tally({ ...s, votes: [...FIVE_BANDS.map((_, i) => vote(`v${i}`, "yes")), vote("d", "no")], rule: ATTO, burnOnNoQuorum: false });
    expect(r.totals.yes).to.equal(500n);
    expect(r.totals.no).to.equal(200n);
    // Without its own vote, v0 votes its delegator's stake too.
    const inherit = tally({ ...s, votes: FIVE_BANDS.map((_, i) => vote(`v${i}`, "yes")), rule: ATTO, burnOnNoQuorum: false });
    expect(inherit.totals.yes).to.equal(700n);
  });

  it("a delegator split across validators counts each delegation at its validator's exchange rate", () => {
    const s = setup(FIVE_BANDS, [{ del: "d", val: 1, shares: 50n }, { del: "d", val: 2, shares: 50n }]);
    // v2 lost half its tokens to a slash: 150 shares now back 75 tokens.
    const v2 = s.validators[2]! as { tokens: bigint };
    v2.tokens = 75n;
    const r = tally({ ...s, votes: [vote("d", "yes"), vote("v2", "no")], rule: ATTO, burnOnNoQuorum: false });
    expect(r.totals.yes).to.equal(50n + 25n);
    expect(r.totals.no).to.equal(50n); // v2's remaining 100 shares of 150 at 75 tokens
  });

  it("weighted split votes divide the voter's power", () => {
    const s = setup(FIVE_BANDS);
    const split: TallyVote = { voter: "v0", options: [{ option: "yes", weightBps: 6000 }, { option: "no", weightBps: 4000 }] };
    const r = tally({ ...s, votes: [split, vote("v1", "yes")], rule: { ...ATTO, quorumBps: 0, minBandApprovals: 0 }, burnOnNoQuorum: false });
    expect(r.totals.yes).to.equal(160n);
    expect(r.totals.no).to.equal(40n);
  });

  it("band diversity: a stake majority concentrated in too few bands fails", () => {
    // Bands 1..5 populated; band 1 holds most stake. Yes from band 1 and 2 only.
    const s = setup([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]);
    const votes = [0, 1, 2, 3, 4, 5, 6].map((i) => vote(`v${i}`, "yes"));
    const r = tally({ ...s, votes: [...votes, vote("v7", "no"), vote("v8", "no"), vote("v9", "no")], rule: ATTO, burnOnNoQuorum: false });
    expect(r.totals.yes * 2n > r.totals.yes + r.totals.no).to.equal(true);
    expect(r.bandsRequired).to.equal(5);
    expect(r.bandsApproved).to.equal(2);
    expect(r.outcome).to.equal("rejected");
  });

  it("band diversity needs min(required, populated) bands: two populated bands need both", () => {
    const s = setup([1, 1, 2, 2]);
    // Band 2: one yes, one abstain: approved. (One yes against one no would be a tie: not approved.)
    const r = tally({ ...s, votes: [vote("v0", "yes"), vote("v1", "yes"), vote("v2", "yes"), vote("v3", "abstain")], rule: ATTO, burnOnNoQuorum: false });
    expect(r.bandsRequired).to.equal(2);
    expect(r.outcome).to.equal("passed");
    const r2 = tally({ ...s, votes: [vote("v0", "yes"), vote("v1", "yes"), vote("v2", "no"), vote("v3", "abstain")], rule: ATTO, burnOnNoQuorum: false });
    expect(r2.bandsApproved).to.equal(1);
    expect(r2.outcome).to.equal("rejected");
  });

  it("YOCTO: 60% yes fails its 66.7% threshold, 70% passes; its quorum is 50%", () => {
    const bands = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3];
    const s = setup(bands);
    const sixty = bands.map((_, i) => vote(`v${i}`, i < 6 ? "yes" : "no"));
    expect(tally({ ...s, votes: sixty, rule: YOCTO, burnOnNoQuorum: false }).outcome).to.equal("rejected");
    const seventy = bands.map((_, i) => vote(`v${i}`, i < 7 ? "yes" : "no"));
    // 7 of 10 yes, but bands 1,2,3 each hold one yes and one no: ties do not approve.
    const r = tally({ ...s, votes: seventy, rule: YOCTO, burnOnNoQuorum: false });
    expect(r.bandsApproved).to.equal(4);
    expect(r.outcome).to.equal("rejected");
    // 9 of 10 yes: only band 3 ties (v2 yes, v9 no), so 6 of 7 bands approve.
    const allBands = bands.map((_, i) => vote(`v${i}`, i < 9 ? "yes" : "no"));
    expect(tally({ ...s, votes: allBands, rule: YOCTO, burnOnNoQuorum: false }).outcome).to.equal("passed");
    // 4 of 10 voting: 40% < 50% quorum.
    expect(tally({ ...s, votes: bands.slice(0, 4).map((_, i) => vote(`v${i}`, "yes")), rule: YOCTO, burnOnNoQuorum: false }).outcome).to.equal("no_quorum");
  });

  it("jailed or unbonded validators are not passed in: a vote by an account without bonded stake counts nothing", () => {
    const s = setup(FIVE_BANDS);
    const r = tally({ ...s, votes: [vote("stranger", "yes"), ...FIVE_BANDS.map((_, i) => vote(`v${i}`, "no"))], rule: ATTO, burnOnNoQuorum: false });
    expect(r.totals.yes).to.equal(0n);
  });
});
