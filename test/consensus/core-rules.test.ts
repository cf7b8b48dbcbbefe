/**
 * The upon-rules of Algorithm 1 (Buchman, Kwon, Milosevic 2018) one at a time: initial state,
 * each rule's guards ("for the first time", step, round), timeouts, quorum thresholds, lock
 * rules, decision, round skipping, and what the core takes in (lastAccepted) and emits.
 * core.test.ts has the end-to-end paths; this file pins the edges between them.
 */
import { expect } from "chai";
import { toHex } from "../../runtime/crypto/hash.ts";
import { ConsensusCore, ConsensusError, MAX_FUTURE_ROUNDS_PER_VALIDATOR, MAX_ROUND_LOOKAHEAD, type CoreOutput, type SignedMessage } from "../../runtime/consensus/index.ts";
import { VoteSet } from "../../runtime/consensus/core/vote-set.ts";
import { valueKey } from "../../runtime/consensus/types.ts";
import { core, fixture, msg, of, proposal, T, value, vote, type Fixture } from "./helpers.ts";

const f = fixture([1n, 1n, 1n, 1n]);
// Proposers rotate round-robin here: self proposes round 3 only, so tests feed rounds 0..2 themselves.
const self = f.set.proposerForRound(3).address;
const others = f.set.validators.map((x) => x.address).filter((a) => a !== self);
const [a, b, c] = others as [string, string, string];
const v = value("v");
const w = value("w");

/** Feed the core's own sign requests back as signed messages, as the driver does; all outputs. */
function feed(fx: Fixture, cc: ConsensusCore, outs: CoreOutput[]): CoreOutput[] {
  const all: CoreOutput[] = [];
  const queue = [...outs];
  for (let o = queue.shift(); o; o = queue.shift()) {
    all.push(o);
    if (o.kind === "sign-vote") queue.push(...cc.handle(msg(vote(fx, o.vote.validator, o.vote.type, o.vote.height, o.vote.round, o.vote.blockHash))));
    if (o.kind === "sign-proposal") queue.push(...cc.handle(msg(proposal(fx, o.proposal.height, o.proposal.round, o.proposal.blockHash, o.proposal.polRound, o.proposal.proposer))));
  }
  return all;
}

const timeout = (round: number, step: "propose" | "prevote" | "precommit", height = 1) => ({ kind: "timeout", height, round, step }) as const;
const validated = (hash: Uint8Array, valid = true, height = 1) => ({ kind: "validated", height, blockHash: hash, valid }) as const;
const votes = (outs: CoreOutput[]) => of(outs, "sign-vote").map((x) => [x.vote.type, x.vote.round, x.vote.blockHash === null ? null : toHex(x.vote.blockHash)]);
const timeouts = (outs: CoreOutput[]) => of(outs, "schedule-timeout").map((t) => [t.step, t.round, t.durationMs]);
const hx = toHex;

/** Feed messages from others (not self) and collect the outputs. */
function all(cc: ConsensusCore, ms: SignedMessage[]): CoreOutput[] {
  return ms.flatMap((m) => cc.handle(msg(m)));
}

describe("consensus core: initial state and heights", () => {
  it("a new core is at height 0, round 0, propose, nothing locked, valid or decided, and takes no input", () => {
    const cc = new ConsensusCore({ self, timeouts: T });
    expect(cc.snapshot()).to.deep.equal({ height: 0, round: 0, step: "propose", decided: false, lockedRound: -1, lockedValue: null, validRound: -1, validValue: null });
    expect(cc.isDecided).to.equal(false);
    expect(cc.lastAccepted).to.equal(false);
    expect(cc.handle(timeout(0, "precommit", 0))).to.deep.equal([]);
    expect(cc.handle(msg(vote(f, a, "precommit", 1, 0, v)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
  });

  it("startHeight schedules only timeoutPropose(0) for a non-proposer (lines 10-21)", () => {
    const { c: cc, outs } = core(f, self);
    expect(outs).to.deep.equal([{ kind: "schedule-timeout", height: 1, round: 0, step: "propose", durationMs: T.propose.baseMs }]);
    expect(cc.snapshot()).to.deep.equal({ height: 1, round: 0, step: "propose", decided: false, lockedRound: -1, lockedValue: null, validRound: -1, validValue: null });
  });

  it("startHeight refuses a height that is not a safe integer above the current one", () => {
    const bad = (cc: ConsensusCore, h: number): void => {
      try {
        cc.startHeight(h, f.set);
      } catch (e) {
        expect(e).to.be.instanceOf(ConsensusError);
        expect((e as ConsensusError).code).to.equal("CONSENSUS_BAD_STATE");
        expect((e as Error).message).to.include(`height ${h}`);
        return;
      }
      expect.fail(`startHeight(${h}) should throw`);
    };
    const fresh = new ConsensusCore({ self, timeouts: T });
    for (const h of [0, -1, 1.5, Number.NaN, 2 ** 53]) bad(fresh, h);
    const { c: cc } = core(f, self, 3);
    bad(cc, 3);
    bad(cc, 2);
    expect(cc.startHeight(4, f.set).length).to.be.greaterThan(0);
  });

  it("the next height starts from a clean slate: no lock, no valid value, round 0, undecided", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    feed(f, cc, cc.handle(validated(v)));
    for (const x of others) feed(f, cc, cc.handle(msg(vote(f, x, "prevote", 1, 0, v))));
    expect(cc.snapshot()).to.include({ lockedRound: 0, validRound: 0 });
    let d: CoreOutput[] = [];
    for (const x of [a, b]) d = cc.handle(msg(vote(f, x, "precommit", 1, 0, v)));
    expect(of(d, "decide")).to.have.length(1);
    cc.startHeight(2, f.set);
    expect(cc.snapshot()).to.deep.equal({ height: 2, round: 0, step: "propose", decided: false, lockedRound: -1, lockedValue: null, validRound: -1, validValue: null });
  });

  it("once decided, the height takes nothing more: no timeouts, messages or answers, no new round", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    cc.handle(validated(v));
    for (const x of others) cc.handle(msg(vote(f, x, "precommit", 1, 0, v)));
    expect(cc.isDecided).to.equal(true);
    for (const input of [timeout(0, "precommit"), timeout(0, "propose"), msg(vote(f, a, "prevote", 1, 1, null)), msg(proposal(f, 1, 1, w)), validated(w)]) {
      expect(cc.handle(input)).to.deep.equal([]);
      expect(cc.lastAccepted).to.equal(false);
    }
    expect(cc.snapshot()).to.include({ round: 0, decided: true });
  });

  it("the deciding input emits the decision and nothing after it (line 49 ends the height)", () => {
    // An observer sees the third precommit complete both the decision quorum and 2f+1 precommits (line 47).
    const cc = new ConsensusCore({ timeouts: T });
    cc.startHeight(1, f.set);
    cc.handle(msg(proposal(f, 1, 0, v)));
    cc.handle(validated(v));
    cc.handle(msg(vote(f, a, "precommit", 1, 0, v)));
    cc.handle(msg(vote(f, b, "precommit", 1, 0, v)));
    const o = cc.handle(msg(vote(f, c, "precommit", 1, 0, v)));
    expect(o.map((x) => x.kind)).to.deep.equal(["decide"]);
  });
});

describe("consensus core: inputs and what is taken in", () => {
  it("timeouts and validity answers for another height change nothing", () => {
    const { c: cc } = core(f, self);
    expect(cc.handle(timeout(0, "precommit", 2))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    expect(cc.snapshot()).to.include({ round: 0, step: "propose" });
    expect(cc.handle(validated(v, true, 2))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    // v's validity at height 1 is still unknown: the proposal asks for it and nothing is voted.
    const o = cc.handle(msg(proposal(f, 1, 0, v)));
    expect(of(o, "validate")).to.have.length(1);
    expect(of(o, "sign-vote")).to.deep.equal([]);
  });

  it("the first validity answer for a value is final", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(votes(cc.handle(validated(v, false)))).to.deep.equal([["prevote", 0, null]]);
    expect(cc.handle(validated(v, true))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    // A quorum of prevotes for v cannot make us lock on or precommit an invalid value (line 36 needs valid(v)).
    const o = all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, v)));
    expect(votes(o)).to.deep.equal([]);
    expect(cc.snapshot()).to.include({ lockedRound: -1, validRound: -1 });
  });

  it("asks the application about a value once per height, and not at all when it already answered", () => {
    const { c: cc } = core(f, self);
    cc.handle(validated(w));
    const ow = cc.handle(msg(proposal(f, 1, 0, w)));
    expect(of(ow, "validate")).to.deep.equal([]);
    expect(votes(ow)).to.deep.equal([["prevote", 0, hx(w)]]);

    const { c: c2 } = core(f, self);
    expect(of(c2.handle(msg(proposal(f, 1, 0, v))), "validate")).to.have.length(1);
    c2.handle(timeout(0, "precommit"));
    // Round 1's proposer proposes the same value before the application answered: no second request.
    expect(of(c2.handle(msg(proposal(f, 1, 1, v))), "validate")).to.deep.equal([]);
    expect(c2.lastAccepted).to.equal(true);
  });

  it("takes a new message in (lastAccepted) and refuses an exact duplicate of a proposal or vote", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(cc.lastAccepted).to.equal(true);
    expect(cc.handle(msg(proposal(f, 1, 0, v)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    cc.handle(msg(vote(f, a, "prevote", 1, 0, null)));
    expect(cc.lastAccepted).to.equal(true);
    expect(cc.handle(msg(vote(f, a, "prevote", 1, 0, null)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    // Still a duplicate once votes name the proposal's value.
    cc.handle(msg(vote(f, b, "prevote", 1, 0, v)));
    cc.handle(msg(vote(f, c, "precommit", 1, 0, v)));
    expect(cc.handle(msg(proposal(f, 1, 0, v)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
  });

  it("a repeated vote counts its validator's power once: two validators are not 2f+1", () => {
    const { c: cc } = core(f, self);
    cc.handle(timeout(0, "propose")); // prevote nil, step prevote; our own vote is not fed back here
    const o = all(cc, [vote(f, a, "prevote", 1, 0, null), vote(f, a, "prevote", 1, 0, null), vote(f, a, "prevote", 1, 0, null), vote(f, b, "prevote", 1, 0, null)]);
    expect(o).to.deep.equal([]);
    expect(votes(cc.handle(msg(vote(f, c, "prevote", 1, 0, null))))).to.deep.equal([["precommit", 0, null]]);
  });

  it("ignores messages of non-validators and proposals from anyone but the round's proposer", () => {
    const { c: cc } = core(f, self);
    const f5 = fixture([1n, 1n, 1n, 1n, 1n]);
    const stranger = f5.set.validators.map((x) => x.address).find((x) => !f.set.get(x))!;
    for (const m of [vote(f5, stranger, "precommit", 1, 0, null), vote(f5, stranger, "prevote", 1, 0, null)]) {
      expect(cc.handle(msg(m))).to.deep.equal([]);
      expect(cc.lastAccepted).to.equal(false);
    }
    const notProposer = others.find((x) => x !== f.set.proposerForRound(0).address)!;
    expect(cc.handle(msg(proposal(f, 1, 0, v, -1, notProposer)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
  });

  it("ignores malformed messages: they are neither taken in nor counted", () => {
    const { c: cc } = core(f, self);
    const short = new Uint8Array(31);
    const bad: SignedMessage[] = [
      ...others.map((x) => {
        const sv = vote(f, x, "precommit", 1, 0, v);
        return { ...sv, vote: { ...sv.vote, blockHash: short } };
      }),
      (() => {
        const sv = vote(f, a, "prevote", 1, 0, null);
        return { ...sv, vote: { ...sv.vote, type: "preprevote" as unknown as "prevote" } };
      })(),
      (() => {
        const sp = proposal(f, 1, 1, v);
        return { ...sp, proposal: { ...sp.proposal, polRound: 1 } }; // polRound must be below the round
      })(),
      (() => {
        const sp = proposal(f, 1, 0, v);
        return { ...sp, proposal: { ...sp.proposal, blockHash: short } };
      })(),
    ];
    for (const m of bad) {
      expect(cc.handle(msg(m))).to.deep.equal([]);
      expect(cc.lastAccepted).to.equal(false);
    }
    // Three malformed precommits did not arm timeoutPrecommit (line 47), nor skip a round.
    expect(cc.snapshot()).to.include({ round: 0, step: "propose" });
    expect(timeouts(all(cc, [vote(f, a, "precommit", 1, 0, null), vote(f, b, "precommit", 1, 0, null)]))).to.deep.equal([]);
    expect(timeouts(cc.handle(msg(vote(f, c, "precommit", 1, 0, null))))).to.deep.equal([["precommit", 0, T.precommit.baseMs]]);
  });

  it("reports each equivocation once per validator, round and vote type", () => {
    const { c: cc } = core(f, self);
    const evidence = (m: SignedMessage) => of(cc.handle(msg(m)), "evidence").length;
    cc.handle(msg(vote(f, a, "prevote", 1, 0, v)));
    expect(evidence(vote(f, a, "prevote", 1, 0, w))).to.equal(1);
    // w had no support and no proposal: the conflicting vote is reported but not taken in.
    expect(cc.lastAccepted).to.equal(false);
    cc.handle(msg(vote(f, b, "prevote", 1, 0, v)));
    expect(evidence(vote(f, b, "prevote", 1, 0, w))).to.equal(1);
    cc.handle(msg(vote(f, a, "precommit", 1, 0, v)));
    expect(evidence(vote(f, a, "precommit", 1, 0, w))).to.equal(1);
    cc.handle(timeout(0, "precommit"));
    cc.handle(msg(vote(f, a, "prevote", 1, 1, v)));
    expect(evidence(vote(f, a, "prevote", 1, 1, w))).to.equal(1);
    expect(evidence(vote(f, a, "prevote", 1, 1, null))).to.equal(0);
  });
});

describe("consensus core: a proposer that proposes two values", () => {
  it("keeps only the first proposal until a vote names the other; then can decide the other", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(cc.handle(msg(proposal(f, 1, 0, w)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    all(cc, others.map((x) => vote(f, x, "precommit", 1, 0, w)));
    const o = cc.handle(msg(proposal(f, 1, 0, w)));
    expect(cc.lastAccepted).to.equal(true);
    expect(of(o, "validate").map((x) => hx(x.blockHash))).to.deep.equal([hx(w)]);
    const d = of(cc.handle(validated(w)), "decide");
    expect(d.map((x) => [x.round, hx(x.blockHash)])).to.deep.equal([[0, hx(w)]]);
  });

  it("a prevote naming the second value is enough to keep its proposal", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    cc.handle(msg(vote(f, a, "prevote", 1, 0, w)));
    const o = cc.handle(msg(proposal(f, 1, 0, w)));
    expect(cc.lastAccepted).to.equal(true);
    expect(of(o, "validate").map((x) => hx(x.blockHash))).to.deep.equal([hx(w)]);
  });
});

describe("consensus core: the proposer (lines 14-19)", () => {
  const p0 = f.set.proposerForRound(0).address;

  it("takes a value only while it waits for one: its own round, step propose, 32 bytes", () => {
    // Not the proposer: no value was asked for.
    const { c: n } = core(f, self);
    expect(n.handle({ kind: "value", height: 1, round: 0, blockHash: v })).to.deep.equal([]);
    expect(n.lastAccepted).to.equal(false);

    const { c: cc, outs } = core(f, p0);
    expect(of(outs, "get-value")).to.deep.equal([{ kind: "get-value", height: 1, round: 0 }]);
    expect(cc.handle({ kind: "value", height: 1, round: 1, blockHash: v })).to.deep.equal([]);
    expect(cc.handle({ kind: "value", height: 2, round: 0, blockHash: v })).to.deep.equal([]);
    expect(cc.handle({ kind: "value", height: 1, round: 0, blockHash: new Uint8Array(31) })).to.deep.equal([]);
    expect(cc.handle({ kind: "value", height: 1, round: 0, blockHash: "ab".repeat(32) as unknown as Uint8Array })).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    // Still waiting: the right answer is proposed.
    const o = cc.handle({ kind: "value", height: 1, round: 0, blockHash: v });
    expect(of(o, "sign-proposal").map((x) => x.proposal)).to.deep.equal([{ height: 1, round: 0, blockHash: v, polRound: -1, proposer: p0 }]);
  });

  it("a value arriving after timeoutPropose made it prevote nil is not proposed", () => {
    const { c: cc } = core(f, p0);
    expect(votes(cc.handle(timeout(0, "propose")))).to.deep.equal([["prevote", 0, null]]);
    expect(cc.handle({ kind: "value", height: 1, round: 0, blockHash: v })).to.deep.equal([]);
  });

  it("a non-proposer does not wait for a value in later rounds either", () => {
    const { c: cc } = core(f, self);
    cc.handle(timeout(0, "precommit"));
    expect(cc.snapshot().round).to.equal(1);
    expect(cc.handle({ kind: "value", height: 1, round: 1, blockHash: v })).to.deep.equal([]);
  });

  it("its own proposal needs no validation and gets its prevote (line 22)", () => {
    const { c: cc } = core(f, p0);
    const o = feed(f, cc, cc.handle({ kind: "value", height: 1, round: 0, blockHash: v }));
    expect(of(o, "validate")).to.deep.equal([]);
    expect(votes(o)).to.deep.equal([["prevote", 0, hx(v)]]);
  });

  it("re-proposes its valid value with validRound as polRound, without asking for a new value (line 16)", () => {
    const p1 = f.set.proposerForRound(1).address;
    expect(p1).to.not.equal(p0);
    const { c: cc } = core(f, p1);
    cc.handle(msg(proposal(f, 1, 0, v)));
    feed(f, cc, cc.handle(validated(v)));
    for (const x of f.set.validators.map((y) => y.address).filter((y) => y !== p1)) feed(f, cc, cc.handle(msg(vote(f, x, "prevote", 1, 0, v))));
    expect(cc.snapshot()).to.include({ validRound: 0, validValue: hx(v) });
    const o = cc.handle(timeout(0, "precommit"));
    expect(of(o, "get-value")).to.deep.equal([]);
    expect(of(o, "sign-proposal").map((x) => x.proposal)).to.deep.equal([{ height: 1, round: 1, blockHash: v, polRound: 0, proposer: p1 }]);
    expect(timeouts(o)).to.deep.equal([["propose", 1, T.propose.baseMs + T.propose.deltaMs]]);
  });
});

describe("consensus core: timeouts (lines 57-66)", () => {
  it("timeoutPropose prevotes nil only while still in step propose", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(votes(cc.handle(validated(v)))).to.deep.equal([["prevote", 0, hx(v)]]);
    expect(cc.handle(timeout(0, "propose"))).to.deep.equal([]);
    expect(cc.snapshot()).to.include({ round: 0, step: "prevote" });
  });

  it("timeoutPrevote precommits nil only in step prevote, and only once", () => {
    const { c: cc } = core(f, self);
    expect(cc.handle(timeout(0, "prevote"))).to.deep.equal([]); // still in propose
    expect(cc.snapshot()).to.include({ round: 0, step: "propose" });
    cc.handle(timeout(0, "propose"));
    expect(votes(cc.handle(timeout(0, "prevote")))).to.deep.equal([["precommit", 0, null]]);
    expect(cc.snapshot()).to.include({ round: 0, step: "precommit" });
    expect(cc.handle(timeout(0, "prevote"))).to.deep.equal([]);
    expect(cc.handle(timeout(0, "propose"))).to.deep.equal([]);
    expect(cc.snapshot()).to.include({ round: 0, step: "precommit" });
  });

  it("timeoutPrecommit starts the next round from any step", () => {
    for (const steps of [[], ["propose"], ["propose", "prevote"]] as const) {
      const { c: cc } = core(f, self);
      for (const s of steps) cc.handle(timeout(0, s));
      const o = cc.handle(timeout(0, "precommit"));
      expect(cc.snapshot()).to.include({ round: 1, step: "propose" });
      expect(timeouts(o)).to.deep.equal([["propose", 1, T.propose.baseMs + T.propose.deltaMs]]);
    }
  });

  it("2f+1 prevotes of any values schedule timeoutPrevote once, in step prevote only (line 34)", () => {
    const { c: cc } = core(f, self);
    // In step propose, 2f+1 nil prevotes do nothing yet.
    expect(all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, null)))).to.deep.equal([]);
    // timeoutPropose: prevote nil, then line 34 and line 44 are enabled at once.
    const o = cc.handle(timeout(0, "propose"));
    expect(votes(o)).to.deep.equal([["prevote", 0, null], ["precommit", 0, null]]);
    expect(timeouts(o)).to.deep.equal([["prevote", 0, T.prevote.baseMs]]);

    const { c: c2 } = core(f, self);
    c2.handle(timeout(0, "precommit"));
    c2.handle(timeout(1, "propose"));
    const mixed = all(c2, [vote(f, a, "prevote", 1, 1, v), vote(f, b, "prevote", 1, 1, w)]);
    expect(mixed).to.deep.equal([]);
    const third = c2.handle(msg(vote(f, c, "prevote", 1, 1, null)));
    expect(timeouts(third)).to.deep.equal([["prevote", 1, T.prevote.baseMs + T.prevote.deltaMs]]);
    expect(votes(third)).to.deep.equal([]); // no value has 2f+1
    expect(timeouts(c2.handle(msg(vote(f, self, "prevote", 1, 1, null))))).to.deep.equal([]);
  });

  it("2f+1 precommits of any values schedule timeoutPrecommit once, in any step (line 47)", () => {
    const { c: cc } = core(f, self);
    cc.handle(timeout(0, "precommit"));
    expect(all(cc, [vote(f, a, "precommit", 1, 1, v), vote(f, b, "precommit", 1, 1, null)])).to.deep.equal([]);
    expect(timeouts(cc.handle(msg(vote(f, c, "precommit", 1, 1, w))))).to.deep.equal([["precommit", 1, T.precommit.baseMs + T.precommit.deltaMs]]);
    expect(cc.snapshot()).to.include({ round: 1, step: "propose" });
    expect(timeouts(cc.handle(msg(vote(f, self, "precommit", 1, 1, null))))).to.deep.equal([]);
  });
});

describe("consensus core: locks and valid values (lines 22, 28, 36)", () => {
  /** Lock on v in round 0 with everyone's prevotes, then move to round 1. */
  function lockedOnV(): ConsensusCore {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    feed(f, cc, cc.handle(validated(v)));
    for (const x of [a, b]) feed(f, cc, cc.handle(msg(vote(f, x, "prevote", 1, 0, v))));
    expect(cc.snapshot()).to.include({ lockedRound: 0, lockedValue: hx(v) });
    feed(f, cc, cc.handle(timeout(0, "precommit")));
    return cc;
  }

  it("locked on v, prevotes a fresh proposal of v in a later round (line 22: lockedValue = v)", () => {
    const cc = lockedOnV();
    expect(votes(cc.handle(msg(proposal(f, 1, 1, v))))).to.deep.equal([["prevote", 1, hx(v)]]);
  });

  it("locked on v in round 0, prevotes w proposed with polRound 0 = lockedRound (line 28 is ≤, not <)", () => {
    const cc = lockedOnV();
    // Round 0 also holds 2f+1 prevotes for w: c votes w, and a and b equivocate (w has support, so they count).
    all(cc, [vote(f, c, "prevote", 1, 0, w), vote(f, a, "prevote", 1, 0, w), vote(f, b, "prevote", 1, 0, w)]);
    cc.handle(validated(w));
    expect(votes(cc.handle(msg(proposal(f, 1, 1, w, 0))))).to.deep.equal([["prevote", 1, hx(w)]]);
  });

  it("locked on v in round 1, prevotes v proposed with an older polRound 0 (line 28: lockedValue = v)", () => {
    const { c: cc } = core(f, self);
    feed(f, cc, cc.handle(timeout(0, "propose")));
    all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, v))); // no proposal seen in round 0: no lock
    feed(f, cc, cc.handle(timeout(0, "precommit")));
    cc.handle(msg(proposal(f, 1, 1, v)));
    feed(f, cc, cc.handle(validated(v)));
    for (const x of [a, b]) feed(f, cc, cc.handle(msg(vote(f, x, "prevote", 1, 1, v))));
    expect(cc.snapshot()).to.include({ lockedRound: 1, lockedValue: hx(v) });
    feed(f, cc, cc.handle(timeout(1, "precommit")));
    expect(votes(cc.handle(msg(proposal(f, 1, 2, v, 0))))).to.deep.equal([["prevote", 2, hx(v)]]);
  });

  it("a quorum seen in step precommit updates the valid value but neither locks nor precommits again (lines 36-43)", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    cc.handle(validated(v));
    expect(votes(cc.handle(timeout(0, "prevote")))).to.deep.equal([["precommit", 0, null]]);
    const o = all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, v)));
    expect(o).to.deep.equal([]); // no second precommit, and no timeoutPrevote outside step prevote
    expect(cc.snapshot()).to.deep.include({ step: "precommit", lockedRound: -1, lockedValue: null, validRound: 0, validValue: hx(v) });
  });

  it("line 36 waits for step prevote: a quorum seen in step propose acts only after timeoutPropose", () => {
    const { c: cc } = core(f, self);
    cc.handle(timeout(0, "precommit"));
    cc.handle(msg(proposal(f, 1, 1, w, 0))); // polRound 0 without a round-0 quorum: line 28 not enabled
    expect(cc.handle(validated(w))).to.deep.equal([]);
    expect(all(cc, others.map((x) => vote(f, x, "prevote", 1, 1, w)))).to.deep.equal([]);
    expect(cc.snapshot()).to.include({ step: "propose", validRound: -1, lockedRound: -1 });
    const o = cc.handle(timeout(1, "propose"));
    expect(votes(o)).to.deep.equal([["prevote", 1, null], ["precommit", 1, hx(w)]]);
    expect(cc.snapshot()).to.include({ step: "precommit", lockedRound: 1, lockedValue: hx(w), validRound: 1, validValue: hx(w) });
  });

  it("a validity answer that enables line 22 also fires lines 34 and 36 at once", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, v)))).to.deep.equal([]);
    const o = cc.handle(validated(v));
    expect(votes(o)).to.deep.equal([["prevote", 0, hx(v)], ["precommit", 0, hx(v)]]);
    expect(timeouts(o)).to.deep.equal([["prevote", 0, T.prevote.baseMs]]);
    expect(cc.snapshot()).to.include({ lockedRound: 0, validRound: 0 });
  });

  it("a validity answer that enables line 28 also fires lines 34 and 36 at once", () => {
    const { c: cc } = core(f, self);
    all(cc, others.map((x) => vote(f, x, "prevote", 1, 0, w)));
    cc.handle(timeout(0, "precommit"));
    cc.handle(msg(proposal(f, 1, 1, w, 0)));
    expect(all(cc, others.map((x) => vote(f, x, "prevote", 1, 1, w)))).to.deep.equal([]);
    const o = cc.handle(validated(w));
    expect(votes(o)).to.deep.equal([["prevote", 1, hx(w)], ["precommit", 1, hx(w)]]);
    expect(timeouts(o)).to.deep.equal([["prevote", 1, T.prevote.baseMs + T.prevote.deltaMs]]);
  });
});

describe("consensus core: decision (line 49)", () => {
  it("waits for the application's answer, and never decides an invalid value", () => {
    const { c: cc } = core(f, self);
    cc.handle(msg(proposal(f, 1, 0, v)));
    expect(of(all(cc, others.map((x) => vote(f, x, "precommit", 1, 0, v))), "decide")).to.deep.equal([]);
    expect(cc.isDecided).to.equal(false);
    expect(of(cc.handle(validated(v)), "decide")).to.have.length(1);

    const { c: c2 } = core(f, self);
    c2.handle(msg(proposal(f, 1, 0, v)));
    c2.handle(validated(v, false));
    expect(of(all(c2, others.map((x) => vote(f, x, "precommit", 1, 0, v))), "decide")).to.deep.equal([]);
    expect(c2.isDecided).to.equal(false);
  });
});

describe("consensus core: future rounds and round skipping (line 55)", () => {
  it("counts each validator once toward the f+1 that skips a round", () => {
    const { c: cc } = core(f, self);
    all(cc, [vote(f, a, "prevote", 1, 3, null), vote(f, a, "precommit", 1, 3, null)]);
    expect(cc.snapshot().round).to.equal(0);
    cc.handle(msg(vote(f, b, "prevote", 1, 3, null)));
    expect(cc.snapshot().round).to.equal(3);
  });

  it(`holds at most ${MAX_FUTURE_ROUNDS_PER_VALIDATOR} future rounds per validator, freed as the node catches up`, () => {
    expect(MAX_FUTURE_ROUNDS_PER_VALIDATOR).to.equal(2);
    const { c: cc } = core(f, self);
    for (const m of [vote(f, a, "prevote", 1, 1, null), vote(f, a, "prevote", 1, 2, null), vote(f, a, "precommit", 1, 2, null)]) {
      cc.handle(msg(m));
      expect(cc.lastAccepted).to.equal(true);
    }
    // A third future round from a is dropped; a's current-round messages still get in.
    expect(cc.handle(msg(vote(f, a, "prevote", 1, 3, null)))).to.deep.equal([]);
    expect(cc.lastAccepted).to.equal(false);
    cc.handle(msg(vote(f, b, "prevote", 1, 3, null)));
    expect(cc.snapshot().round).to.equal(0); // only b counts in round 3
    cc.handle(msg(vote(f, a, "prevote", 1, 0, null)));
    expect(cc.lastAccepted).to.equal(true);
    // In round 1, a's round 1 is no longer ahead: its round-3 vote gets in and a, b skip us to 3.
    cc.handle(timeout(0, "precommit"));
    expect(cc.snapshot().round).to.equal(1);
    cc.handle(msg(vote(f, a, "prevote", 1, 3, null)));
    expect(cc.lastAccepted).to.equal(true);
    expect(cc.snapshot().round).to.equal(3);
  });

  it(`drops messages more than ${MAX_ROUND_LOOKAHEAD} rounds ahead`, () => {
    const { c: cc } = core(f, self);
    const far = MAX_ROUND_LOOKAHEAD + 1;
    for (const x of [a, b]) {
      expect(cc.handle(msg(vote(f, x, "prevote", 1, far, null)))).to.deep.equal([]);
      expect(cc.lastAccepted).to.equal(false);
    }
    expect(cc.snapshot().round).to.equal(0);
    for (const x of [a, b]) {
      cc.handle(msg(vote(f, x, "prevote", 1, MAX_ROUND_LOOKAHEAD, null)));
      expect(cc.lastAccepted).to.equal(true);
    }
    expect(cc.snapshot().round).to.equal(MAX_ROUND_LOOKAHEAD);
  });
});

describe("vote set", () => {
  const vals = f.set.validators;
  const [va, vb, vc] = vals as unknown as [typeof vals[number], typeof vals[number], typeof vals[number]];
  const sv = (val: typeof va, h: Uint8Array | null) => vote(f, val.address, "prevote", 1, 0, h);
  const none = () => false;

  it("counts a validator's power once per value; an exact repeat is a duplicate", () => {
    const s = new VoteSet();
    expect(s.add(sv(va, v), va, none)).to.deep.equal({ kind: "added" });
    expect(s.add(sv(va, v), va, none)).to.deep.equal({ kind: "duplicate" });
    expect(s.powerFor(valueKey(v))).to.equal(va.power);
    expect(s.anyPower).to.equal(va.power);
    expect(s.size).to.equal(1);
    expect(s.bandsFor(valueKey(v))).to.equal(1);
  });

  it("a second value from one validator counts when that value has support or is relevant, else it is only reported", () => {
    const s = new VoteSet();
    s.add(sv(va, v), va, none);
    // No support, not relevant: ignored, with the first vote as the conflict.
    const r1 = s.add(sv(va, w), va, none);
    expect(r1.kind).to.equal("ignored");
    expect(s.powerFor(valueKey(w))).to.equal(0n);
    // Relevant (a proposal names it): counted, reported as a conflict.
    const r2 = s.add(sv(va, w), va, (k) => k === valueKey(w));
    expect(r2.kind).to.equal("added");
    expect(r2.kind === "added" && r2.conflict !== undefined).to.equal(true);
    expect(s.powerFor(valueKey(w))).to.equal(va.power);
    // Supported by another validator (b), not relevant: c's second vote for it counts too.
    s.add(sv(vc, v), vc, none);
    s.add(sv(vb, null), vb, none);
    const r3 = s.add(sv(vc, null), vc, none);
    expect(r3.kind).to.equal("added");
    expect(s.powerFor(valueKey(null))).to.equal(vb.power + vc.power);
    // Equivocation never counts a validator twice in anyPower.
    expect(s.anyPower).to.equal(va.power + vb.power + vc.power);
    expect(s.votesFor(valueKey(v)).map((x) => x.vote.validator).sort()).to.deep.equal([va.address, vc.address].sort());
  });
});
