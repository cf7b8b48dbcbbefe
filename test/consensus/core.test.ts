import { expect } from "chai";
import { toHex } from "../../runtime/crypto/hash.ts";
import { ConsensusCore, verifyCommit, verifyDuplicateVoteEvidence, type CoreOutput } from "../../runtime/consensus/index.ts";
import { CHAIN, core, fixture, msg, of, proposal, T, value, vote, type Fixture } from "./helpers.ts";

/** Feed own sign requests back as signed messages, as the driver does. */
function loop(f: Fixture, c: ConsensusCore, outs: CoreOutput[], self: string): CoreOutput[] {
  const all: CoreOutput[] = [];
  const queue = [...outs];
  for (let o = queue.shift(); o; o = queue.shift()) {
    all.push(o);
    if (o.kind === "sign-vote") queue.push(...c.handle(msg(vote(f, self, o.vote.type, o.vote.height, o.vote.round, o.vote.blockHash))));
    if (o.kind === "sign-proposal") queue.push(...c.handle(msg(proposal(f, o.proposal.height, o.proposal.round, o.proposal.blockHash, o.proposal.polRound))));
  }
  return all;
}

function others(f: Fixture, self: string): string[] {
  return f.set.validators.map((v) => v.address).filter((a) => a !== self);
}

describe("consensus core (Algorithm 1)", () => {
  const f = fixture([1n, 1n, 1n, 1n]);
  const p0 = f.set.proposerForRound(0).address;
  // Not the proposer of rounds 0..2, so the tests feed every proposal themselves.
  const self = f.set.proposerForRound(3).address;
  const v = value("v");
  const w = value("w");

  it("decides in round 0 when everyone is honest, with a certificate that verifies", () => {
    const { c, outs } = core(f, self);
    expect(of(outs, "schedule-timeout")).to.deep.equal([{ kind: "schedule-timeout", height: 1, round: 0, step: "propose", durationMs: 100 }]);
    const o1 = c.handle(msg(proposal(f, 1, 0, v)));
    expect(of(o1, "validate")).to.have.length(1);
    const o2 = loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: v, valid: true }), self);
    expect(of(o2, "sign-vote")[0]!.vote).to.include({ type: "prevote", round: 0 });
    expect(toHex(of(o2, "sign-vote")[0]!.vote.blockHash!)).to.equal(toHex(v));
    const prevoteOuts: CoreOutput[] = [];
    for (const a of others(f, self)) prevoteOuts.push(...loop(f, c, c.handle(msg(vote(f, a, "prevote", 1, 0, v))), self));
    const pc = of(prevoteOuts, "sign-vote").filter((x) => x.vote.type === "precommit");
    expect(pc).to.have.length(1);
    expect(c.snapshot()).to.include({ lockedRound: 0, validRound: 0, step: "precommit", lockedValue: toHex(v) });
    expect(of(prevoteOuts, "schedule-timeout").map((t) => t.step)).to.include("prevote");
    let decided: CoreOutput[] = [];
    for (const a of others(f, self).slice(0, 2)) decided = c.handle(msg(vote(f, a, "precommit", 1, 0, v)));
    const d = of(decided, "decide");
    expect(d).to.have.length(1);
    expect(d[0]!.round).to.equal(0);
    expect(verifyCommit(CHAIN, f.set, 1, v, d[0]!.certificate)).to.deep.equal({ ok: true });
    expect(c.isDecided).to.equal(true);
    expect(c.handle(msg(vote(f, others(f, self)[2]!, "precommit", 1, 0, v)))).to.deep.equal([]);
  });

  it("the proposer asks for a value and proposes it with polRound -1", () => {
    const { c, outs } = core(f, p0);
    expect(of(outs, "get-value")).to.deep.equal([{ kind: "get-value", height: 1, round: 0 }]);
    const o = c.handle({ kind: "value", height: 1, round: 0, blockHash: v });
    expect(of(o, "sign-proposal")[0]!.proposal).to.include({ height: 1, round: 0, polRound: -1, proposer: p0 });
    // A stale or duplicate answer is ignored.
    expect(c.handle({ kind: "value", height: 1, round: 0, blockHash: w })).to.deep.equal([]);
  });

  it("timeouts grow linearly with the round, and timeoutPropose prevotes nil", () => {
    const { c } = core(f, self);
    const o = c.handle({ kind: "timeout", height: 1, round: 0, step: "propose" });
    expect(of(o, "sign-vote")[0]!.vote).to.include({ type: "prevote", blockHash: null });
    const r1 = c.handle({ kind: "timeout", height: 1, round: 0, step: "precommit" });
    expect(of(r1, "schedule-timeout")[0]).to.include({ round: 1, step: "propose", durationMs: T.propose.baseMs + T.propose.deltaMs });
    c.handle({ kind: "timeout", height: 1, round: 1, step: "precommit" });
    const r3 = c.handle({ kind: "timeout", height: 1, round: 2, step: "precommit" });
    expect(of(r3, "schedule-timeout")[0]).to.include({ round: 3, durationMs: T.propose.baseMs + 3 * T.propose.deltaMs });
    // A timeout of an old round does nothing.
    expect(c.handle({ kind: "timeout", height: 1, round: 1, step: "propose" })).to.deep.equal([]);
  });

  it("prevotes nil for an invalid proposal, precommits nil on a nil quorum, and arms timeoutPrecommit", () => {
    const { c } = core(f, self);
    c.handle(msg(proposal(f, 1, 0, v)));
    const o = loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: v, valid: false }), self);
    expect(of(o, "sign-vote")[0]!.vote.blockHash).to.equal(null);
    const outs: CoreOutput[] = [];
    for (const a of others(f, self).slice(0, 2)) outs.push(...loop(f, c, c.handle(msg(vote(f, a, "prevote", 1, 0, null))), self));
    expect(of(outs, "sign-vote").map((x) => [x.vote.type, x.vote.blockHash])).to.deep.equal([["precommit", null]]);
    const pcs: CoreOutput[] = [];
    for (const a of others(f, self).slice(0, 2)) pcs.push(...c.handle(msg(vote(f, a, "precommit", 1, 0, null))));
    expect(of(pcs, "schedule-timeout").map((t) => t.step)).to.deep.equal(["precommit"]);
  });

  it("keeps its lock against a fresh value, and follows a proposal whose polRound justifies it (lines 22 and 28)", () => {
    const { c } = core(f, self);
    const o = others(f, self);
    c.handle(msg(proposal(f, 1, 0, v)));
    loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: v, valid: true }), self);
    for (const a of o) loop(f, c, c.handle(msg(vote(f, a, "prevote", 1, 0, v))), self);
    expect(c.snapshot().lockedRound).to.equal(0);
    loop(f, c, c.handle({ kind: "timeout", height: 1, round: 0, step: "precommit" }), self);
    // Round 1: a different fresh value; locked on v, so prevote nil.
    c.handle(msg(proposal(f, 1, 1, w)));
    const r1 = loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: w, valid: true }), self);
    expect(of(r1, "sign-vote")[0]!.vote.blockHash).to.equal(null);
    // Leave round 1 before seeing its prevotes; they arrive late, in round 2.
    loop(f, c, c.handle({ kind: "timeout", height: 1, round: 1, step: "precommit" }), self);
    for (const a of o) c.handle(msg(vote(f, a, "prevote", 1, 1, w)));
    expect(c.snapshot()).to.include({ round: 2, lockedRound: 0, lockedValue: toHex(v) });
    // Round 2 re-proposes w with polRound 1 ≥ lockedRound 0 and a round-1 quorum for w: prevote w.
    const r2 = loop(f, c, c.handle(msg(proposal(f, 1, 2, w, 1))), self);
    expect(toHex(of(r2, "sign-vote")[0]!.vote.blockHash!)).to.equal(toHex(w));
  });

  it("locked on v in round 1, prevotes nil for a round-2 proposal of w whose polRound 0 is below the lock, though round 0 holds a prevote quorum for w (line 28)", () => {
    const { c } = core(f, self);
    const o = others(f, self);
    // Round 0: no proposal reaches us; the others prevote w (a quorum we cannot lock on without the proposal).
    loop(f, c, c.handle({ kind: "timeout", height: 1, round: 0, step: "propose" }), self);
    for (const a of o) loop(f, c, c.handle(msg(vote(f, a, "prevote", 1, 0, w))), self);
    expect(c.snapshot()).to.include({ lockedRound: -1 });
    loop(f, c, c.handle({ kind: "timeout", height: 1, round: 0, step: "precommit" }), self);
    // Round 1: v is proposed fresh, everyone prevotes it: we lock on v at round 1.
    c.handle(msg(proposal(f, 1, 1, v)));
    loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: v, valid: true }), self);
    for (const a of o) loop(f, c, c.handle(msg(vote(f, a, "prevote", 1, 1, v))), self);
    expect(c.snapshot()).to.include({ lockedRound: 1, lockedValue: toHex(v) });
    loop(f, c, c.handle({ kind: "timeout", height: 1, round: 1, step: "precommit" }), self);
    expect(c.snapshot()).to.include({ round: 2, step: "propose" });
    // Round 2: w with polRound 0, valid, justified by round 0's quorum, but 0 < lockedRound 1 and w ≠ v.
    c.handle({ kind: "validated", height: 1, blockHash: w, valid: true });
    const r2 = loop(f, c, c.handle(msg(proposal(f, 1, 2, w, 0))), self);
    const prevotes = of(r2, "sign-vote").filter((x) => x.vote.type === "prevote");
    expect(prevotes).to.have.length(1);
    expect(prevotes[0]!.vote).to.include({ round: 2, blockHash: null });
    expect(c.snapshot()).to.include({ lockedRound: 1, lockedValue: toHex(v) });
  });

  it("line 36 locks on a quorum seen in the current round even after prevoting nil", () => {
    const { c } = core(f, self);
    c.handle(msg(proposal(f, 1, 0, v)));
    loop(f, c, c.handle({ kind: "validated", height: 1, blockHash: v, valid: false }), self);
    // Our application said invalid, so we prevoted nil; the validity answer is final for v.
    for (const a of others(f, self)) c.handle(msg(vote(f, a, "prevote", 1, 0, v)));
    expect(c.snapshot().lockedRound).to.equal(-1);
  });

  it("without a justifying quorum, a re-proposal with polRound waits for timeoutPropose", () => {
    const { c } = core(f, self);
    c.handle({ kind: "timeout", height: 1, round: 0, step: "precommit" });
    c.handle(msg(proposal(f, 1, 1, w, 0)));
    const o = c.handle({ kind: "validated", height: 1, blockHash: w, valid: true });
    expect(of(o, "sign-vote")).to.have.length(0);
    expect(of(c.handle({ kind: "timeout", height: 1, round: 1, step: "propose" }), "sign-vote")[0]!.vote.blockHash).to.equal(null);
  });

  it("skips to a higher round on f+1 messages of it (line 55)", () => {
    const { c } = core(f, self);
    const [a, b] = others(f, self);
    expect(of(c.handle(msg(vote(f, a!, "prevote", 1, 3, null))), "schedule-timeout")).to.deep.equal([]);
    const o = c.handle(msg(vote(f, b!, "precommit", 1, 3, null)));
    expect(c.snapshot().round).to.equal(3);
    expect(of(o, "schedule-timeout")[0]).to.include({ round: 3, step: "propose" });
  });

  it("decides from a past round's proposal and precommits that arrive late (line 49 for any round)", () => {
    const { c } = core(f, self);
    c.handle({ kind: "timeout", height: 1, round: 0, step: "precommit" });
    c.handle({ kind: "timeout", height: 1, round: 1, step: "precommit" });
    expect(c.snapshot().round).to.equal(2);
    c.handle(msg(proposal(f, 1, 0, v)));
    c.handle({ kind: "validated", height: 1, blockHash: v, valid: true });
    const o = others(f, self);
    let last: CoreOutput[] = [];
    for (const a of o) last = c.handle(msg(vote(f, a, "precommit", 1, 0, v)));
    expect(of(last, "decide")[0]!.round).to.equal(0);
  });

  it("ignores proposals from anyone but the round's proposer, and other heights", () => {
    const { c } = core(f, self);
    const notProposer = others(f, p0).find((a) => a !== self)!;
    expect(c.handle(msg(proposal(f, 1, 0, v, -1, notProposer)))).to.deep.equal([]);
    expect(c.handle(msg(proposal(f, 2, 0, v)))).to.deep.equal([]);
    expect(c.lastAccepted).to.equal(false);
  });

  it("reports equivocation as verifiable evidence, once", () => {
    const { c } = core(f, self);
    const a = others(f, self)[0]!;
    c.handle(msg(vote(f, a, "prevote", 1, 0, v)));
    const o = c.handle(msg(vote(f, a, "prevote", 1, 0, w)));
    const ev = of(o, "evidence");
    expect(ev).to.have.length(1);
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, ev[0]!.evidence)).to.deep.equal({ ok: true });
    expect(of(c.handle(msg(vote(f, a, "prevote", 1, 0, null))), "evidence")).to.have.length(0);
  });

  it("an observer decides without signing anything", () => {
    const { c, outs } = core(f, undefined);
    expect(of(outs, "get-value")).to.have.length(0);
    const all = [...c.handle(msg(proposal(f, 1, 0, v))), ...c.handle({ kind: "validated", height: 1, blockHash: v, valid: true })];
    for (const a of f.set.validators.map((x) => x.address)) all.push(...c.handle(msg(vote(f, a, "precommit", 1, 0, v))));
    expect(of(all, "sign-vote")).to.have.length(0);
    expect(of(all, "decide")).to.have.length(1);
  });

  it("is deterministic: the same inputs give the same outputs", () => {
    const run = (): string => {
      const { c, outs } = core(f, self);
      const all = [...outs];
      const inputs = [
        msg(proposal(f, 1, 0, v)),
        { kind: "validated", height: 1, blockHash: v, valid: true } as const,
        ...others(f, self).map((a) => msg(vote(f, a, "prevote", 1, 0, v))),
        ...others(f, self).map((a) => msg(vote(f, a, "precommit", 1, 0, v))),
      ];
      for (const i of inputs) all.push(...c.handle(i));
      return JSON.stringify(all, (_k, x: unknown) => (x instanceof Uint8Array ? toHex(x) : typeof x === "bigint" ? x.toString() : x));
    };
    expect(run()).to.equal(run());
  });
});

describe("spectral diversity (PoSPECTRUM commit rule)", () => {
  /** Everyone in `who` precommits v at round 0 after the proposal; returns the decide outputs after each. */
  function precommitOneByOne(f: Fixture, who: string[]): Extract<CoreOutput, { kind: "decide" }>[][] {
    const c = new ConsensusCore({ timeouts: T });
    c.startHeight(1, f.set);
    const v = value("diverse");
    c.handle(msg(proposal(f, 1, 0, v)));
    c.handle({ kind: "validated", height: 1, blockHash: v, valid: true });
    return who.map((a) => of(c.handle(msg(vote(f, a, "precommit", 1, 0, v))), "decide"));
  }

  it("4 of 7 bands populated: needs min(5, 4) = 4 bands even after > 2/3 of power has precommitted", () => {
    // Bands 1,1,2 hold 30 of 32 power; bands 3 and 4 hold 1 each.
    const f = fixture([10n, 10n, 10n, 1n, 1n], [1, 1, 2, 3, 4]);
    expect(f.set.populatedBands).to.equal(4);
    expect(f.set.requiredBands).to.equal(4);
    const byBand = (b: number): string[] => f.set.validators.filter((x) => x.band === b).map((x) => x.address);
    const order = [...byBand(1), ...byBand(2), ...byBand(3), ...byBand(4)];
    const decides = precommitOneByOne(f, order);
    // After bands 1,1,2 the power quorum (30/32) is met but only 2 bands: no commit.
    expect(decides[2]).to.deep.equal([]);
    // Band 3 joins: 3 bands, still no commit.
    expect(decides[3]).to.deep.equal([]);
    // Band 4 joins: 4 bands = min(5, 4): commit.
    expect(decides[4]).to.have.length(1);
    const cert = decides[4]![0]!.certificate;
    expect(cert.signatures).to.have.length(5);
    expect(verifyCommit(CHAIN, f.set, 1, cert.blockHash, cert)).to.deep.equal({ ok: true });
    const partial = { ...cert, signatures: cert.signatures.filter((s) => !byBand(4).includes(s.validator)) };
    const r = verifyCommit(CHAIN, f.set, 1, cert.blockHash, partial);
    expect(r.ok).to.equal(false);
    expect(r.ok === false && r.code).to.equal("COMMIT_NOT_DIVERSE");
  });

  it("7 bands populated: 5 bands are enough, not 7", () => {
    const f = fixture([1n, 1n, 1n, 1n, 1n, 1n, 1n], [1, 2, 3, 4, 5, 6, 7]);
    expect(f.set.requiredBands).to.equal(5);
    const decides = precommitOneByOne(f, f.set.validators.map((x) => x.address));
    expect(decides.findIndex((d) => d.length > 0)).to.equal(4); // the 5th precommit: 5 bands and 5/7 > 2/3
  });

  it("diversity never replaces the power quorum", () => {
    const f = fixture([100n, 1n, 1n, 1n, 1n, 1n, 1n], [1, 2, 3, 4, 5, 6, 7]);
    const big = f.set.validators.find((x) => x.power === 100n)!.address;
    const small = f.set.validators.filter((x) => x.power === 1n).map((x) => x.address);
    const decides = precommitOneByOne(f, [...small, big]);
    expect(decides.slice(0, 6).every((d) => d.length === 0)).to.equal(true); // 6 bands, 6/106 power
    expect(decides[6]).to.have.length(1);
  });
});
