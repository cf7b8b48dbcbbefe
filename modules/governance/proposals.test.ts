import { expect } from "chai";
import { StateError } from "../../runtime/state/errors.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { defaultStakingParams } from "../staking/index.ts";
import { openGovNode, testGovGenesis, addr, GOV, MINUTE, NXT, type GovHarness } from "./testing.ts";
import { GovTypeUrls } from "./msgs.ts";
import { defaultConstitution } from "./constitution/schema.ts";

const stakingParams = (over: Record<string, unknown>) => ({ typeUrl: "/staking.v1.MsgUpdateParams", value: { authority: GOV, params: { ...defaultStakingParams(), ...over } } });
const send = (to: string, amount: bigint) => ({ typeUrl: "/bank.v1.MsgSend", value: { from: GOV, to, amount: [{ denom: "nxt", amount: amount.toString() }] } });
const VALIDATORS = [0, 1, 2, 3, 4];

describe("gov: proposals from submission to execution (bank, staking, gov on a test node)", function () {
  this.timeout(60_000);
  let g: GovHarness;
  beforeEach(async () => {
    g = await openGovNode();
  });
  afterEach(async () => {
    expect(g.invariants()).to.deep.equal([]);
    await g.close();
  });

  it("a parameter change passes with the validators' votes and is in force after the voting period", async () => {
    const id = await g.submitOk(10, { msgs: [stakingParams({ maxEntries: 3 })] });
    expect(g.proposal(id).status).to.equal("voting_period");
    const before = g.h.balance(addr(10));
    await g.voteAll(VALIDATORS, id, "yes");
    await g.advance(MINUTE);
    const p = g.proposal(id);
    expect(p.status, p.failReason).to.equal("passed");
    expect(p.finalTally!.outcome).to.equal("passed");
    expect(p.finalTally!.bandsApproved).to.equal(5);
    expect(g.h.query<{ maxEntries: number }>("params").maxEntries).to.equal(3);
    // The deposit came back.
    expect(g.h.balance(addr(10)) - before).to.equal(1000n * NXT);
  });

  it("deposits: below the minimum waits in the deposit period, a second deposit opens voting, an unfunded one is dropped and refunded", async () => {
    const id = await g.submitOk(10, { msgs: [], deposit: 400n * NXT });
    expect(g.proposal(id).status).to.equal("deposit_period");
    const wrong = await g.h.run(11, GovTypeUrls.Deposit, { depositor: addr(11), proposalId: id, amount: { denom: "devusd", amount: "1" } });
    expect(wrong.codeName).to.equal("GOV_WRONG_DENOM");
    await g.h.ok(11, GovTypeUrls.Deposit, { depositor: addr(11), proposalId: id, amount: { denom: "nxt", amount: (600n * NXT).toString() } });
    expect(g.proposal(id).status).to.equal("voting_period");
    const late = await g.h.run(12, GovTypeUrls.Deposit, { depositor: addr(12), proposalId: id, amount: { denom: "nxt", amount: "1" } });
    expect(late.codeName).to.equal("GOV_NOT_IN_DEPOSIT_PERIOD");

    const before = g.h.balance(addr(12));
    const unfunded = await g.submitOk(12, { msgs: [], deposit: 10n * NXT });
    await g.advance(MINUTE);
    expect(g.proposal(unfunded).status).to.equal("rejected");
    expect(before - g.h.balance(addr(12)) < NXT, "only fees spent").to.equal(true);
  });

  it("votes: outside the voting period, from an account with no stake, and bad weights are refused", async () => {
    const id = await g.submitOk(10, { msgs: [] });
    expect((await g.vote(15, id, "yes")).codeName).to.equal("GOV_NO_STAKE");
    // Weights are checked statelessly: refused at admission, before the transaction costs a fee.
    for (const options of [
      [{ option: "yes", weightBps: 5000 }, { option: "no", weightBps: 4000 }],
      [{ option: "yes", weightBps: 5000 }, { option: "yes", weightBps: 5000 }],
    ]) {
      const refused = await g.h.run(0, GovTypeUrls.VoteWeighted, { voter: addr(0), proposalId: id, options }).then(
        () => "admitted",
        (e: Error) => e.message,
      );
      expect(refused).to.match(/weights sum to|appears twice/);
    }
    expect((await g.vote(0, 999, "yes")).codeName).to.equal("GOV_UNKNOWN_PROPOSAL");
    await g.advance(MINUTE);
    expect((await g.vote(0, id, "yes")).codeName).to.equal("GOV_NOT_IN_VOTING_PERIOD");
  });

  it("a delegator votes for itself: its stake leaves its validator's vote", async () => {
    // 12 delegates 300 000 NXT to validator 0 (band 1), more than all validators' own stake.
    await g.h.ok(12, "/staking.v1.MsgDelegate", { delegator: addr(12), validator: addr(0), amount: (300_000n * NXT).toString() });
    const id = await g.submitOk(10, { msgs: [] });
    await g.voteAll(VALIDATORS, id, "yes");
    await g.voteAll([12], id, "no");
    await g.advance(MINUTE);
    const t = g.proposal(id).finalTally!;
    expect(BigInt(t.no)).to.equal(300_000n * NXT);
    expect(BigInt(t.yes)).to.equal(500_000n * NXT);
    // 500k yes is 62.5% of the stake that voted, but band 1 (validator 0 and its delegator)
    // now says no: four of five bands approve, five are needed.
    expect(t.bandsApproved).to.equal(4);
    expect(t.outcome).to.equal("rejected");
  });

  it("a voter's delegation changes during voting move its vote with them (the running tally follows staking)", async () => {
    await g.h.ok(12, "/staking.v1.MsgDelegate", { delegator: addr(12), validator: addr(0), amount: (300_000n * NXT).toString() });
    const id = await g.submitOk(10, { msgs: [] });
    await g.voteAll([12], id, "yes");
    await g.voteAll([12], id, "no"); // a second vote replaces the first
    await g.h.ok(12, "/staking.v1.MsgUndelegate", { delegator: addr(12), validator: addr(0), amount: (200_000n * NXT).toString() });
    await g.h.ok(12, "/staking.v1.MsgBeginRedelegate", { delegator: addr(12), srcValidator: addr(0), dstValidator: addr(1), amount: (50_000n * NXT).toString() });
    // A delegation made after voting counts too: 13 votes, then delegates.
    await g.h.ok(13, "/staking.v1.MsgDelegate", { delegator: addr(13), validator: addr(2), amount: (1_000n * NXT).toString() });
    await g.voteAll([13], id, "abstain");
    await g.h.ok(13, "/staking.v1.MsgDelegate", { delegator: addr(13), validator: addr(3), amount: (2_000n * NXT).toString() });
    await g.voteAll(VALIDATORS, id, "yes");
    // (The invariant vote-aggregates recomputes the running tally after every block.)
    await g.advance(MINUTE);
    const t = g.proposal(id).finalTally!;
    expect(BigInt(t.no)).to.equal(100_000n * NXT); // 50 000 left at v0, 50 000 moved to v1
    expect(BigInt(t.abstain)).to.equal(3_000n * NXT);
    expect(BigInt(t.yes)).to.equal(500_000n * NXT);
  });

  it("bad proposals are refused at submission with their own codes and change nothing", async () => {
    const cases: [string, Parameters<GovHarness["submit"]>[1]][] = [
      ["GOV_INVALID_BAND", { band: Band.FEMTO, msgs: [] }],
      ["GOV_UNKNOWN_MSG", { msgs: [{ typeUrl: "/nope.v1.MsgNothing", value: {} }] }],
      ["GOV_INVALID_MSG", { msgs: [{ typeUrl: "/staking.v1.MsgUpdateParams", value: { authority: GOV, params: { maxEntries: "many" } } }] }],
      ["GOV_MSG_NOT_GOV", { msgs: [send(addr(3), 1n)].map((m) => ({ ...m, value: { ...m.value, from: addr(3) } })) }],
      ["GOV_BAND_TOO_LOW", { msgs: [{ typeUrl: GovTypeUrls.AmendConstitution, value: { authority: GOV, constitution: { ...defaultConstitution(), version: 2 } } }] }],
      ["GOV_MSG_FAILS", { msgs: [send(addr(3), 1n)] }], // governance's account holds nothing
      ["GOV_WRONG_DENOM", { msgs: [], denom: "devusd" }],
    ];
    for (const [code, p] of cases) {
      const r = await g.submit(10, p);
      expect(r.codeName, `${code}: ${r.log}`).to.equal(code);
    }
    expect(g.h.t.node.query("gov/proposals", {})).to.deep.equal({ items: [], next: null });
  });

  it("a passed proposal whose messages fail at execution leaves nothing of them (all or nothing)", async () => {
    // Fund governance's account with 100 NXT; two proposals each spend all of it after a param change.
    await g.h.ok(11, "/bank.v1.MsgSend", { from: addr(11), to: GOV, amount: [{ denom: "nxt", amount: (100n * NXT).toString() }] });
    const first = await g.submitOk(10, { msgs: [send(addr(13), 100n * NXT)] });
    const second = await g.submitOk(10, { msgs: [stakingParams({ maxEntries: 5 }), send(addr(25), 100n * NXT)] });
    await g.voteAll(VALIDATORS, first, "yes");
    await g.voteAll(VALIDATORS, second, "yes");
    await g.advance(MINUTE);
    expect(g.proposal(first).status).to.equal("passed");
    const p2 = g.proposal(second);
    expect(p2.status).to.equal("failed");
    expect(p2.failReason).to.match(/message 1 \(\/bank\.v1\.MsgSend\)/);
    expect(g.h.query<{ maxEntries: number }>("params").maxEntries).to.equal(defaultStakingParams().maxEntries);
    expect(g.h.balance(addr(25))).to.equal(0n);
  });

  it("this node's damaged data while executing a passed proposal halts the block instead of recording the proposal as failed", async () => {
    const id = await g.submitOk(10, { msgs: [stakingParams({ maxEntries: 3 })] });
    await g.voteAll(VALIDATORS, id, "yes");
    // A checksum failure inside the proposal's messages, as the state layer reports one.
    const router = (g.keeper as unknown as { router: { execute: (...a: unknown[]) => void } }).router;
    const execute = router.execute;
    router.execute = () => {
      throw new StateError("STATE_CORRUPT", "the record fails its checksum");
    };
    try {
      let thrown: unknown;
      await g.advance(MINUTE).catch((e) => (thrown = e));
      expect(thrown).to.be.instanceOf(StateError).with.property("code", "STATE_CORRUPT");
      expect(g.proposal(id).status).to.equal("voting_period");
    } finally {
      router.execute = execute;
    }
  });

  it("veto burns the deposits; no quorum refunds them unless burnVoteQuorum", async () => {
    const supply = () => BigInt((g.h.t.node.query("bank/supply", { denom: "nxt" }) as { supply: string }).supply);
    const id = await g.submitOk(10, { msgs: [] });
    await g.voteAll([0, 1], id, "veto");
    await g.voteAll([2, 3, 4], id, "yes");
    const s0 = supply();
    await g.advance(MINUTE);
    expect(g.proposal(id).finalTally!.outcome).to.equal("vetoed");
    expect(s0 - supply() >= 1000n * NXT, "deposit burned").to.equal(true);
    const quiet = await g.submitOk(10, { msgs: [] });
    await g.advance(MINUTE);
    expect(g.proposal(quiet).finalTally!.outcome).to.equal("no_quorum");
    expect(g.h.t.node.query("gov/deposits", { proposalId: quiet })).to.deep.equal({ items: [], next: null });
  });
});

describe("gov: burnVoteQuorum", function () {
  this.timeout(30_000);
  it("burns the deposits of a proposal that missed quorum", async () => {
    const base = testGovGenesis();
    const g = await openGovNode({ gov: { ...base, params: { ...base.params, burnVoteQuorum: true } } });
    try {
      const supply = () => BigInt((g.h.t.node.query("bank/supply", { denom: "nxt" }) as { supply: string }).supply);
      const id = await g.submitOk(10, { msgs: [] });
      const s0 = supply();
      await g.advance(MINUTE);
      expect(g.proposal(id).finalTally!.outcome).to.equal("no_quorum");
      expect(s0 - supply() >= 1000n * NXT, "deposit burned").to.equal(true);
      expect(g.invariants()).to.deep.equal([]);
    } finally {
      await g.close();
    }
  });
});
