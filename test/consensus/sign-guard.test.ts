import { expect } from "chai";
import { toHex } from "../../runtime/crypto/hash.ts";
import { ConsensusDriver, ConsensusError, MemoryWal, SignGuard, valueKey, type DriverEffect, type SignedMessage, type WalRecord } from "../../runtime/consensus/index.ts";
import { CHAIN, fixture, proposal, T, value, vote } from "./helpers.ts";

const f = fixture([1n, 1n, 1n, 1n]);
// Not the proposer of rounds 0..2: every proposal in these tests comes from outside.
const self = f.set.proposerForRound(3).address;
const p0 = f.set.proposerForRound(0).address;
const v = value("v");
const w = value("w");

function conflict(fn: () => unknown): ConsensusError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConsensusError);
    expect((e as ConsensusError).code).to.equal("CONSENSUS_CONFLICTING_SIGNATURE");
    return e as ConsensusError;
  }
  return expect.fail("expected CONSENSUS_CONFLICTING_SIGNATURE, nothing was thrown");
}

describe("SignGuard", () => {
  it("answers new for an empty slot and same (with the signed message) for the value already signed there", () => {
    const g = new SignGuard();
    expect(g.check(1, 0, "prevote", v)).to.deep.equal({ kind: "new" });
    const m = vote(f, self, "prevote", 1, 0, v);
    g.record(m);
    const again = g.check(1, 0, "prevote", v);
    expect(again.kind).to.equal("same");
    expect(again.kind === "same" && again.message).to.equal(m);
  });

  it("refuses a second, different value in a (height, round, kind) slot it has signed: a value after a value, nil after a value, a value after nil", () => {
    const g = new SignGuard();
    g.record(vote(f, self, "prevote", 1, 0, v));
    g.record(vote(f, self, "precommit", 1, 0, null));
    g.record(proposal(f, 1, 0, v, -1, p0));
    conflict(() => g.check(1, 0, "prevote", w));
    conflict(() => g.check(1, 0, "prevote", null));
    conflict(() => g.check(1, 0, "precommit", v));
    conflict(() => g.check(1, 0, "proposal", w));
    const e = conflict(() => g.check(1, 0, "prevote", w));
    expect(e.context).to.deep.equal({ height: 1, round: 0, kind: "prevote" });
  });

  it("keeps slots apart: another round or another vote kind at the same height is new", () => {
    const g = new SignGuard();
    g.record(vote(f, self, "prevote", 1, 0, v));
    expect(g.check(1, 1, "prevote", w)).to.deep.equal({ kind: "new" });
    expect(g.check(1, 0, "precommit", w)).to.deep.equal({ kind: "new" });
    expect(g.check(1, 0, "proposal", w)).to.deep.equal({ kind: "new" });
  });

  it("refuses anything below the highest height signed, even a slot never used there", () => {
    const g = new SignGuard();
    g.record(vote(f, self, "prevote", 5, 2, v));
    const e = conflict(() => g.check(4, 0, "prevote", v));
    expect(e.message).to.match(/height 4: already signed at height 5/);
    conflict(() => g.check(1, 7, "proposal", w));
    conflict(() => g.check(4, 0, "precommit", null));
    // Above it is new, and recording there moves the floor up.
    expect(g.check(6, 0, "prevote", w)).to.deep.equal({ kind: "new" });
    g.record(vote(f, self, "prevote", 6, 0, w));
    conflict(() => g.check(5, 2, "prevote", v));
  });

  it("forgets the previous height's slots once a higher height is signed, and re-gossips only the current height", () => {
    const g = new SignGuard();
    const a = vote(f, self, "prevote", 3, 0, v);
    const b = vote(f, self, "precommit", 3, 0, v);
    g.record(a);
    g.record(b);
    expect(g.messages()).to.deep.equal([a, b]);
    const c = vote(f, self, "prevote", 4, 0, null);
    g.record(c);
    expect(g.messages()).to.deep.equal([c]);
    // A late record of an older height changes nothing.
    g.record(vote(f, self, "prevote", 3, 1, w));
    expect(g.messages()).to.deep.equal([c]);
  });
});

describe("ConsensusDriver with its SignGuard after a restart", () => {
  const opts = (wal: MemoryWal): ConstructorParameters<typeof ConsensusDriver>[0] => ({ chainId: CHAIN, wal, signer: f.signers.get(self)!, timeouts: T });

  function walOf(records: readonly WalRecord[]): MemoryWal {
    const wal = new MemoryWal();
    for (const r of records) wal.append(r);
    wal.sync();
    return wal;
  }

  function broadcasts(effects: readonly DriverEffect[]): SignedMessage[] {
    return effects.flatMap((e) => (e.kind === "broadcast" ? [e.message] : []));
  }

  function describeVote(m: SignedMessage): string {
    return m.kind === "proposal" ? `proposal ${m.proposal.height}/${m.proposal.round} ${valueKey(m.proposal.blockHash)}` : `${m.vote.type} ${m.vote.height}/${m.vote.round} ${valueKey(m.vote.blockHash)}`;
  }

  it("recovers a WAL holding its signed prevote for v, is then offered w in that round, and does not sign a prevote for w", () => {
    // The inputs that led to the prevote were lost with the crash; the signed record survived.
    const signedV = vote(f, self, "prevote", 1, 0, v);
    const wal = walOf([{ kind: "start", height: 1 }, { kind: "signed", message: signedV }]);
    const { driver, effects } = ConsensusDriver.recover(opts(wal), 1, f.set);
    expect(broadcasts(effects).map(describeVote)).to.deep.equal([`prevote 1/0 ${toHex(v)}`]);
    const out: DriverEffect[] = [];
    out.push(...driver.receive(proposal(f, 1, 0, w)));
    out.push(...driver.validated(1, w, true));
    const sent = broadcasts(out);
    expect(sent.filter((m) => m.kind === "vote" && m.vote.type === "prevote" && m.vote.round === 0 && valueKey(m.vote.blockHash) === toHex(w)), "signed a conflicting prevote").to.deep.equal([]);
    const refused = out.filter((e) => e.kind === "sign-refused");
    expect(refused).to.have.length(1);
    expect(refused[0]!.kind === "sign-refused" && refused[0]!.reason).to.match(/refusing to sign a prevote/);
    // Nothing conflicting reached the WAL either: the only signed prevote of the slot is v's.
    const signedInSlot = wal.records().filter((r) => r.kind === "signed" && r.message.kind === "vote" && r.message.vote.type === "prevote" && r.message.vote.round === 0);
    expect(signedInSlot.map((r) => (r.kind === "signed" ? describeVote(r.message) : ""))).to.deep.equal([`prevote 1/0 ${toHex(v)}`]);
    expect(driver.ownMessages()).to.deep.equal([signedV]);
  });

  it("offered the same value v again after recovery, re-broadcasts the stored prevote instead of signing anew", () => {
    const signedV = vote(f, self, "prevote", 1, 0, v);
    const wal = walOf([{ kind: "start", height: 1 }, { kind: "signed", message: signedV }]);
    const { driver } = ConsensusDriver.recover(opts(wal), 1, f.set);
    const before = wal.records().length;
    const out = [...driver.receive(proposal(f, 1, 0, v)), ...driver.validated(1, v, true)];
    expect(out.filter((e) => e.kind === "sign-refused")).to.deep.equal([]);
    expect(broadcasts(out)).to.deep.include(signedV);
    expect(wal.records().slice(before).filter((r) => r.kind === "signed")).to.deep.equal([]);
  });

  it("recovers at a height below one it already signed at and signs nothing there", () => {
    // The block store lost height 2 but the WAL kept a prevote of height 3: nothing at height 2 may be signed.
    const wal = walOf([{ kind: "start", height: 3 }, { kind: "signed", message: vote(f, self, "prevote", 3, 0, v) }]);
    const { driver, effects } = ConsensusDriver.recover(opts(wal), 2, f.set);
    const out: DriverEffect[] = [...effects];
    out.push(...driver.receive(proposal(f, 2, 0, w)));
    out.push(...driver.validated(2, w, true));
    out.push(...driver.timeout(2, 0, "propose"));
    expect(broadcasts(out).filter((m) => (m.kind === "vote" ? m.vote.height : m.proposal.height) === 2).map(describeVote)).to.deep.equal([]);
    expect(out.filter((e) => e.kind === "sign-refused").length).to.be.greaterThan(0);
    for (const e of out) if (e.kind === "sign-refused") expect(e.reason).to.match(/already signed at height 3/);
  });
});
