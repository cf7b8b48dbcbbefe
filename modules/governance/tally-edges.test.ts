import { expect } from "chai";
import { passesThreshold, tally, tallyAggregated, type BandRule, type TallyValidator, type VoteOption } from "./tally.ts";

// Boundaries the Cosmos-style cases in tally.test.ts do not pin (found by mutation testing).
const RULE: BandRule = { quorumBps: 0, thresholdBps: 5000, vetoBps: 3340, minBandApprovals: 0 };
const sums = (yes: bigint, no: bigint, abstain: bigint, veto: bigint) => ({ yes, no, abstain, veto });

describe("gov tally: edges", () => {
  it("the threshold's denominator is yes + no + veto (veto counts against, abstain does not)", () => {
    // 50 / (50 + 10 + 45) = 47.6%: fails; a denominator without veto would pass it.
    expect(passesThreshold(sums(50n, 10n, 0n, 45n), 5000)).to.equal(false);
    // 50 / (50 + 45 + 5) = 50%: not strictly more; yes − no + veto would pass it.
    expect(passesThreshold(sums(50n, 45n, 0n, 5n), 5000)).to.equal(false);
    // Abstain is not in it: 51 / (51 + 49) with 1 000 abstaining passes.
    expect(passesThreshold(sums(51n, 49n, 1000n, 0n), 5000)).to.equal(true);
  });

  it("veto at exactly vetoBps of the votes does not veto; just above does", () => {
    const validators: TallyValidator[] = [
      { operator: "a", band: 1, tokens: 6660n, delegatorShares: 6660n },
      { operator: "b", band: 1, tokens: 3340n, delegatorShares: 3340n },
    ];
    const own = (o: VoteOption) => [{ option: o, weightBps: 10_000 }];
    const at = tallyAggregated({
      validators: validators.map((v, i) => ({ ...v, deductedShares: 0n, delegatorVotes: sums(0n, 0n, 0n, 0n), vote: own(i === 0 ? "yes" : "veto") })),
      rule: RULE,
      burnOnNoQuorum: false,
    });
    expect(at.totals.veto * 10_000n).to.equal(3340n * at.voted);
    expect(at.outcome).to.equal("passed");
    const above = tally({
      validators: [
        { operator: "a", band: 1, tokens: 6659n, delegatorShares: 6659n },
        { operator: "b", band: 1, tokens: 3341n, delegatorShares: 3341n },
      ],
      votes: [{ voter: "a", options: own("yes") }, { voter: "b", options: own("veto") }],
      delegationsOf: () => [],
      rule: RULE,
      burnOnNoQuorum: false,
    });
    expect(above.outcome).to.equal("vetoed");
  });

  it("burnOnNoQuorum burns only when quorum is missed, not on an ordinary rejection", () => {
    const r = tally({
      validators: [{ operator: "a", band: 1, tokens: 100n, delegatorShares: 100n }],
      votes: [{ voter: "a", options: [{ option: "no", weightBps: 10_000 }] }],
      delegationsOf: () => [],
      rule: RULE,
      burnOnNoQuorum: true,
    });
    expect(r.outcome).to.equal("rejected");
    expect(r.burnDeposits).to.equal(false);
  });

  it("a validator whose shares are gone (tokens but no delegator shares) is skipped, not divided by", () => {
    const r = tallyAggregated({
      validators: [
        { operator: "a", band: 1, tokens: 100n, delegatorShares: 100n, deductedShares: 0n, delegatorVotes: sums(0n, 0n, 0n, 0n), vote: [{ option: "yes", weightBps: 10_000 }] },
        { operator: "b", band: 2, tokens: 50n, delegatorShares: 0n, deductedShares: 0n, delegatorVotes: sums(0n, 0n, 0n, 0n), vote: [{ option: "no", weightBps: 10_000 }] },
      ],
      rule: RULE,
      burnOnNoQuorum: false,
    });
    expect(r.bonded).to.equal(100n);
    expect(r.totals).to.deep.equal(sums(100n, 0n, 0n, 0n));
    expect(r.bands.map((b) => b.band)).to.deep.equal([1]);
  });

  it("a validator's own vote for its non-voting delegators counts in its band", () => {
    // v0 (band 1) holds 100 of its own and 300 of a delegator who does not vote; v0 votes yes, v1 (band 2) no.
    const r = tally({
      validators: [
        { operator: "v0", band: 1, tokens: 400n, delegatorShares: 400n },
        { operator: "v1", band: 2, tokens: 100n, delegatorShares: 100n },
      ],
      votes: [
        { voter: "v0", options: [{ option: "yes", weightBps: 10_000 }] },
        { voter: "v1", options: [{ option: "no", weightBps: 10_000 }] },
      ],
      delegationsOf: (a) => (a === "v0" ? [{ validator: "v0", shares: 100n }] : a === "v1" ? [{ validator: "v1", shares: 100n }] : []),
      rule: { ...RULE, minBandApprovals: 1 },
      burnOnNoQuorum: false,
    });
    expect(r.bands.map((b) => [b.band, b.yes, b.no])).to.deep.equal([[1, 400n, 0n], [2, 0n, 100n]]);
    expect(r.outcome).to.equal("passed");
  });

  it("bands come out in band order whatever the validators' order", () => {
    const v = (operator: string, band: number) => ({ operator, band, tokens: 10n, delegatorShares: 10n, deductedShares: 0n, delegatorVotes: sums(0n, 0n, 0n, 0n) });
    const r = tallyAggregated({ validators: [v("a", 3), v("b", 1), v("c", 2)], rule: RULE, burnOnNoQuorum: false });
    expect(r.bands.map((b) => b.band)).to.deep.equal([1, 2, 3]);
  });

  it("quorum: nothing bonded is never a quorum; exactly the quorum share is one", () => {
    expect(tallyAggregated({ validators: [], rule: { ...RULE, quorumBps: 3340 }, burnOnNoQuorum: false }).outcome).to.equal("no_quorum");
    const v = (operator: string, tokens: bigint, vote?: VoteOption) => ({
      operator,
      band: 1,
      tokens,
      delegatorShares: tokens,
      deductedShares: 0n,
      delegatorVotes: sums(0n, 0n, 0n, 0n),
      ...(vote ? { vote: [{ option: vote, weightBps: 10_000 }] } : {}),
    });
    const exact = tallyAggregated({ validators: [v("a", 3340n, "yes"), v("b", 6660n)], rule: { ...RULE, quorumBps: 3340 }, burnOnNoQuorum: false });
    expect(exact.quorumReached).to.equal(true);
    const below = tallyAggregated({ validators: [v("a", 3339n, "yes"), v("b", 6661n)], rule: { ...RULE, quorumBps: 3340 }, burnOnNoQuorum: false });
    expect(below.quorumReached).to.equal(false);
  });
});
