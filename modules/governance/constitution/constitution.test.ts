import { expect } from "chai";
import { Band } from "../../../runtime/tx/bands.ts";
import { defaultStakingParams } from "../../staking/index.ts";
import { openGovNode, GOV, MINUTE, type GovHarness } from "../testing.ts";
import { GovTypeUrls } from "../msgs.ts";
import { defaultConstitution, type Constitution } from "./schema.ts";
import { checkNonDominance, changedParams, type ProposalEffect } from "./rules.ts";

const stakingParams = (over: Record<string, unknown>) => ({ typeUrl: "/staking.v1.MsgUpdateParams", value: { authority: GOV, params: { ...defaultStakingParams(), ...over } } });
const amend = (c: Constitution) => ({ typeUrl: GovTypeUrls.AmendConstitution, value: { authority: GOV, constitution: c } as Record<string, unknown> });
const VALIDATORS = [0, 1, 2, 3, 4];
const rule = (r: { log: string; codeName: string }) => (r.codeName === "GOV_CONSTITUTION_VIOLATED" ? (/constitution rule "([a-z-]+)"/.exec(r.log)?.[1] ?? "?") : r.codeName);

describe("gov constitution: every rule accepts and rejects, at submission and at execution", function () {
  this.timeout(60_000);
  let g: GovHarness;
  beforeEach(async () => {
    g = await openGovNode();
  });
  afterEach(async () => {
    expect(g.invariants()).to.deep.equal([]);
    await g.close();
  });

  it("immutable rights: a listed parameter changes only in a YOCTO proposal", async () => {
    expect(rule(await g.submit(10, { band: Band.ATTO, msgs: [stakingParams({ maxValidatorPowerBps: 400 })] }))).to.equal("immutable-rights");
    expect(rule(await g.submit(10, { band: Band.ZEPTO, msgs: [stakingParams({ maxValidatorPowerBps: 400 })] }))).to.equal("immutable-rights");
    expect((await g.submit(10, { band: Band.YOCTO, msgs: [stakingParams({ maxValidatorPowerBps: 400 })] })).codeName).to.equal("OK");
    // An unlisted parameter is an ordinary ATTO change.
    expect((await g.submit(10, { band: Band.ATTO, msgs: [stakingParams({ maxEntries: 4 })] })).codeName).to.equal("OK");
  });

  it("energy-backed validity: validator-set rotation settings need endorsements of 3 active validators", async () => {
    const rotate = [stakingParams({ maxValidators: 50 })];
    expect(rule(await g.submit(10, { msgs: rotate }))).to.equal("energy-backed-validity");
    expect(rule(await g.submit(10, { msgs: rotate, endorsers: [0, 1] }))).to.equal("energy-backed-validity");
    // Two signatures by the same validator count once.
    expect(rule(await g.submit(10, { msgs: rotate, endorsers: [0, 1, 1] }))).to.equal("energy-backed-validity");
    // An endorsement by an account that is not a validator is refused outright.
    expect((await g.submit(10, { msgs: rotate, endorsers: [0, 1, 12] })).codeName).to.equal("GOV_INVALID_ENDORSEMENT");
    const id = await g.submitOk(10, { msgs: rotate, endorsers: [0, 1, 2] });
    await g.voteAll(VALIDATORS, id, "yes");
    await g.advance(MINUTE);
    expect(g.proposal(id).status, g.proposal(id).failReason).to.equal("passed");
    expect(g.h.query<{ maxValidators: number }>("params").maxValidators).to.equal(50);
  });

  it("an endorsement binds the content: one signed for other messages does not verify", async () => {
    // The harness signs what it submits; sign for maxValidators 50 but submit 60 by hand.
    const signedFor = [stakingParams({ maxValidators: 50 })];
    const { endorse } = await import("../endorsement.ts");
    const { testSigner, TEST_CHAIN_ID } = await import("../../../test/helpers/node-harness.ts");
    const endorsements = [0, 1, 2].map((n) => endorse(TEST_CHAIN_ID, { band: Band.ATTO, title: "t", summary: "s", msgs: signedFor }, testSigner(n).secretKey));
    const r = await g.h.run(10, GovTypeUrls.SubmitProposal, {
      proposer: testSigner(10).address,
      band: Band.ATTO,
      title: "t",
      summary: "s",
      msgs: [stakingParams({ maxValidators: 60 })],
      endorsements,
      initialDeposit: { denom: "nxt", amount: "100000000000" },
    });
    expect(r.codeName).to.equal("GOV_INVALID_ENDORSEMENT");
  });

  it("non-dominance: staking's cap cannot be loosened past the constitution's, even by YOCTO", async () => {
    expect(rule(await g.submit(10, { band: Band.YOCTO, msgs: [stakingParams({ maxValidatorPowerBps: 600 })] }))).to.equal("non-dominance");
    expect(rule(await g.submit(10, { band: Band.YOCTO, msgs: [stakingParams({ nonDominanceMinValidators: 50 })] }))).to.equal("non-dominance");
  });

  it("amending the constitution is a YOCTO proposal; its version must rise", async () => {
    const next: Constitution = { ...defaultConstitution(), version: 2 };
    expect((await g.submit(10, { band: Band.ZEPTO, msgs: [amend(next)] })).codeName).to.equal("GOV_BAND_TOO_LOW");
    expect((await g.submit(10, { band: Band.YOCTO, msgs: [amend({ ...next, version: 1 })] })).codeName).to.equal("GOV_MSG_FAILS");
    expect((await g.submit(10, { band: Band.YOCTO, msgs: [amend({ ...next, rules: [next.rules[0]!, next.rules[0]!] })] })).codeName).to.equal("GOV_INVALID_MSG");
    expect((await g.submit(10, { band: Band.YOCTO, msgs: [amend(next)] })).codeName).to.equal("OK");
  });

  it("a proposal valid at submission fails at execution, with the rule's name, when an amendment made it unconstitutional", async () => {
    // First, an ATTO change of maxEntries (legal now). Then a YOCTO amendment that makes
    // staking.maxEntries an immutable right. The amendment ends first and executes; the
    // change, judged again at execution, fails and changes nothing.
    const c = defaultConstitution();
    const rights = c.rules.find((r) => r.kind === "immutable_rights")!;
    const amended: Constitution = { version: 2, rules: c.rules.map((r) => (r === rights ? { ...rights, params: [...rights.params, "staking.maxEntries"] } : r)) };
    const amendment = await g.submitOk(10, { band: Band.YOCTO, msgs: [amend(amended)] });
    const change = await g.submitOk(10, { band: Band.ATTO, msgs: [stakingParams({ maxEntries: 2 })] });
    await g.voteAll(VALIDATORS, amendment, "yes");
    await g.voteAll(VALIDATORS, change, "yes");
    await g.advance(MINUTE);
    expect(g.proposal(amendment).status).to.equal("passed");
    expect((g.h.t.node.query("gov/constitution", {}) as Constitution).version).to.equal(2);
    const p = g.proposal(change);
    expect(p.status).to.equal("failed");
    expect(p.failReason).to.match(/GOV_CONSTITUTION_VIOLATED: constitution rule "immutable-rights"/);
    expect(g.h.query<{ maxEntries: number }>("params").maxEntries).to.equal(defaultStakingParams().maxEntries);
  });
});

describe("gov constitution rules (pure)", () => {
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
  const nd = { name: "nd", kind: "non_dominance" as const, maxPowerBps: 500, minValidators: 20 };

  it("non-dominance: a validator above 5% that gains stake violates it; one that only holds does not; small sets are exempt", () => {
    const equal = new Map<string, bigint>(Array.from({ length: 20 }, (_, i) => [`v${i}`, 100n]));
    // Every validator at exactly 5%: nobody is above the cap.
    expect(checkNonDominance(nd, effect({ stakeBefore: equal, stakeAfter: equal }))).to.equal(null);
    // v0 gains 20: 120 of 2020 is 5.94%.
    const gains = new Map(equal).set("v0", 120n);
    expect(checkNonDominance(nd, effect({ stakeBefore: equal, stakeAfter: gains }))).to.match(/validator v0 would hold 594 bps/);
    // v0 already holds 200 of 2100 and the proposal leaves it there: no new delegation, no violation.
    const dominant = new Map(equal).set("v0", 200n);
    expect(checkNonDominance(nd, effect({ stakeBefore: dominant, stakeAfter: dominant }))).to.equal(null);
    // Two validators can never meet a 5% cap: below minValidators the rule does not apply.
    const small = new Map<string, bigint>([["a", 100n], ["b", 100n]]);
    expect(checkNonDominance(nd, effect({ stakeBefore: new Map([["a", 50n], ["b", 100n]]), stakeAfter: small }))).to.equal(null);
  });

  it("changedParams compares values, not object identity", () => {
    const e = effect({ paramsBefore: () => ({ a: 1, b: [1, 2] }), paramsAfter: () => ({ a: 1, b: [1, 2] }) });
    expect(changedParams(["m.a", "m.b"], e)).to.deep.equal([]);
    const e2 = effect({ paramsBefore: () => ({ a: 1n }), paramsAfter: () => ({ a: 2n }) });
    expect(changedParams(["m.a"], e2)).to.deep.equal(["m.a"]);
  });
});
