import { expect } from "chai";
import { openStakingNode, addr, NXT, type Harness } from "./testing.ts";
import { StakingTypeUrls as T } from "./msgs.ts";

// SPEC.md non-dominance: no validator above 5% of bonded stake may accept more delegation.
describe("staking: non-dominance (maxValidatorPowerBps)", function () {
  this.timeout(30_000);
  let h: Harness;
  afterEach(async () => {
    expect(h.invariants()).to.deep.equal([]);
    await h.close();
  });

  it("with 20 bonded validators, a delegation that takes one above 5% is refused; one that keeps it at 5% passes", async () => {
    h = await openStakingNode({ validators: Array.from({ length: 20 }, (_, n) => ({ n, nxt: 1000n })), funded: 25 });
    // 20 × 1000 = 20 000 bonded; each holds exactly 5%. Any delegation to v0 puts it above.
    const r = await h.run(21, T.Delegate, { delegator: addr(21), validator: addr(0), amount: NXT.toString() });
    expect(r.codeName).to.equal("STAKING_DOMINANT_VALIDATOR");
    expect(r.log).to.match(/above the non-dominance cap of 500 bps/);
    // Redelegating into v0 is refused the same way.
    const red = await h.run(1, T.BeginRedelegate, { delegator: addr(1), srcValidator: addr(1), dstValidator: addr(0), amount: NXT.toString() });
    expect(red.codeName).to.equal("STAKING_DOMINANT_VALIDATOR");
    // A validator under the cap takes delegation up to it: v1 leaves 500, so 19 500 are bonded
    // and v1 holds 500 (2.6%); 400 more (900 of 19 900, 4.5%) pass.
    await h.ok(1, T.Undelegate, { delegator: addr(1), validator: addr(1), amount: (500n * NXT).toString() });
    await h.ok(21, T.Delegate, { delegator: addr(21), validator: addr(1), amount: (400n * NXT).toString() });
  });

  it("below 20 bonded validators the cap cannot be met by anyone, so it does not apply", async () => {
    h = await openStakingNode({ validators: [0, 1, 2, 3].map((n) => ({ n, nxt: 1000n })), funded: 10 });
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(0), amount: (5000n * NXT).toString() });
  });

  it("the cap and the set size it starts at are params", async () => {
    h = await openStakingNode({ validators: [0, 1, 2, 3].map((n) => ({ n, nxt: 1000n })), funded: 10, params: { maxValidatorPowerBps: 3000, nonDominanceMinValidators: 4 } });
    // 4 × 1000; 200 more to v0: 1200/4200 = 28.6% ≤ 30%: fine. 300 more after that: 1500/4500 = 33%: refused.
    await h.ok(5, T.Delegate, { delegator: addr(5), validator: addr(0), amount: (200n * NXT).toString() });
    expect((await h.run(5, T.Delegate, { delegator: addr(5), validator: addr(0), amount: (300n * NXT).toString() })).codeName).to.equal("STAKING_DOMINANT_VALIDATOR");
  });
});
