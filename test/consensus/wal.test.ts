import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConsensusDriver,
  ConsensusError,
  decodeRecord,
  encodeRecord,
  FileWal,
  frame,
  parseFrames,
  valueKey,
  type DriverEffect,
  type SignedMessage,
  type WalRecord,
} from "../../runtime/consensus/index.ts";
import { Prng } from "../sim/prng.ts";
import { CHAIN, fixture, proposal, T, value, vote, type Fixture } from "./helpers.ts";

const f = fixture([1n, 1n, 1n, 1n]);
const addrs = f.set.validators.map((v) => v.address);
const self = addrs[0]!;
const pool = [value("a"), value("b"), value("c")];

const sampleRecords: WalRecord[] = [
  { kind: "start", height: 4 },
  { kind: "input", input: { kind: "message", message: proposal(f, 4, 1, pool[0]!, 0) } },
  { kind: "input", input: { kind: "message", message: vote(f, addrs[1]!, "prevote", 4, 1, null) } },
  { kind: "input", input: { kind: "timeout", height: 4, round: 1, step: "prevote" } },
  { kind: "input", input: { kind: "validated", height: 4, blockHash: pool[1]!, valid: false } },
  { kind: "input", input: { kind: "value", height: 4, round: 2, blockHash: pool[2]! } },
  { kind: "signed", message: vote(f, self, "precommit", 4, 1, pool[0]!) },
];

function framed(records: readonly WalRecord[]): { bytes: Uint8Array; ends: number[] } {
  const parts = records.map((r) => frame(encodeRecord(r)));
  const ends: number[] = [];
  let n = 0;
  for (const p of parts) ends.push((n += p.length));
  return { bytes: Buffer.concat(parts), ends };
}

describe("consensus WAL: framing and records", () => {
  it("round-trips every record kind", () => {
    for (const r of sampleRecords) expect(encodeRecord(decodeRecord(encodeRecord(r)))).to.deep.equal(encodeRecord(r));
  });

  it("any truncation yields exactly the records that were complete", () => {
    const { bytes, ends } = framed(sampleRecords);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = parseFrames(bytes.subarray(0, cut));
      const complete = ends.filter((e) => e <= cut).length;
      expect(p.payloads.length).to.equal(complete);
      expect(p.validLength).to.equal(complete === 0 ? 0 : ends[complete - 1]);
    }
  });

  it("drops a torn last record whose checksum fails, but refuses corruption followed by records", () => {
    const { bytes, ends } = framed(sampleRecords);
    const tornLast = Uint8Array.from(bytes);
    tornLast[bytes.length - 1]! ^= 0xff;
    expect(parseFrames(tornLast).payloads.length).to.equal(sampleRecords.length - 1);
    const midCorrupt = Uint8Array.from(bytes);
    midCorrupt[ends[1]! + 9]! ^= 0xff;
    expect(() => parseFrames(midCorrupt)).to.throw(ConsensusError).with.property("code", "CONSENSUS_WAL_CORRUPT");
  });

  it("junk after intact records: every intact record survives byte for byte, or the log is refused as corrupt", () => {
    const { bytes } = framed(sampleRecords);
    const originals = sampleRecords.map(encodeRecord);
    const outcomes = { parsed: 0, corrupt: 0, extraFromJunk: 0 };
    // Blind bytes (mostly a huge length: a torn tail), or a plausible header with a small
    // length and a wrong CRC, followed by nothing (torn) or by more bytes (corruption).
    const header = (len: number, crc: number): Uint8Array => {
      const h = new Uint8Array(8);
      new DataView(h.buffer).setUint32(0, len);
      new DataView(h.buffer).setUint32(4, crc);
      return h;
    };
    const junkArb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.uint8Array({ maxLength: 30 }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 30 }))
        .map(([payload, crc, after]) => Uint8Array.from([...header(payload.length, crc), ...payload, ...after])),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 3 }), junkArb, (extra, junk) => {
        // Intact records appended after the sample ones, then junk (a torn or garbage tail).
        const extraFramed = extra.map(frame);
        const input = Buffer.concat([bytes, ...extraFramed, junk]);
        const intact = [...originals, ...extra];
        const junkStart = input.length - junk.length;
        let p: ReturnType<typeof parseFrames>;
        try {
          p = parseFrames(input);
        } catch (e) {
          expect(e).to.be.instanceOf(ConsensusError);
          expect((e as ConsensusError).code).to.equal("CONSENSUS_WAL_CORRUPT");
          // Only the junk can be corrupt, and it then has a record's header and more after it.
          expect((e as ConsensusError).context.offset).to.be.at.least(junkStart);
          outcomes.corrupt++;
          return;
        }
        outcomes.parsed++;
        expect(p.payloads.length).to.be.at.least(intact.length);
        for (let i = 0; i < intact.length; i++) expect(Buffer.from(p.payloads[i]!).toString("hex"), `record ${i}`).to.equal(Buffer.from(intact[i]!).toString("hex"));
        // Whatever else was read came out of the junk (a frame whose CRC happens to hold), and
        // the valid length ends exactly after the last payload read.
        let end = junkStart;
        for (const extraPayload of p.payloads.slice(intact.length)) {
          outcomes.extraFromJunk++;
          const at = extraPayload.byteOffset - input.byteOffset;
          expect(at - 8).to.equal(end);
          end = at + extraPayload.length;
        }
        expect(p.validLength).to.equal(end);
        expect(p.validLength).to.be.at.most(input.length);
      }),
      { numRuns: 500 },
    );
    // Both outcomes were seen: a torn tail dropped, and garbage followed by more refused.
    expect(outcomes.parsed).to.be.greaterThan(50);
    expect(outcomes.corrupt).to.be.greaterThan(50);
    // An empty record (length 0, CRC32 0) in the junk is a record like any other.
    const zeros = parseFrames(Buffer.concat([bytes, new Uint8Array(8)]));
    expect(zeros.payloads.length).to.equal(originals.length + 1);
    expect(zeros.payloads[originals.length]!.length).to.equal(0);
  });

  it("FileWal cuts a torn tail on open and keeps appending after it", () => {
    const dir = mkdtempSync(join(tmpdir(), "nexus-wal-"));
    try {
      const path = join(dir, "cs.wal");
      const w = FileWal.open(path);
      for (const r of sampleRecords.slice(0, 3)) w.append(r);
      w.sync();
      w.close();
      appendFileSync(path, frame(encodeRecord(sampleRecords[3]!)).subarray(0, 5)); // a write cut short
      const w2 = FileWal.open(path);
      expect(w2.records()).to.have.length(3);
      w2.append(sampleRecords[4]!);
      w2.sync();
      expect(w2.records().map((r) => r.kind)).to.deep.equal(["start", "input", "input", "input"]);
      w2.reset([{ kind: "start", height: 9 }]);
      expect(w2.records()).to.deep.equal([{ kind: "start", height: 9 }]);
      w2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Random but well-formed inputs around the driver's current round: messages, timeouts, answers. */
function step(d: ConsensusDriver, fx: Fixture, rng: Prng): DriverEffect[] {
  const s = d.core.snapshot();
  const h = s.height;
  const r = Math.max(0, s.round + rng.int(-1, 1));
  const val = (): Uint8Array | null => (rng.chance(0.25) ? null : rng.pick(pool));
  switch (rng.int(0, 5)) {
    case 0: {
      const proposer = fx.set.proposerForRound(r).address;
      if (proposer === self) return d.value(h, s.round, rng.pick(pool));
      return d.receive(proposal(fx, h, r, rng.pick(pool), r > 0 && rng.chance(0.5) ? rng.int(0, r - 1) : -1));
    }
    case 1:
    case 2:
      return d.receive(vote(fx, rng.pick(addrs.slice(1)), rng.chance(0.5) ? "prevote" : "precommit", h, r, val()));
    case 3:
      return d.timeout(h, s.round, rng.pick(["propose", "prevote", "precommit"] as const));
    default:
      return d.validated(h, rng.pick(pool), rng.chance(0.8));
  }
}

function slot(m: SignedMessage): string {
  return m.kind === "proposal" ? `${m.proposal.height}/${m.proposal.round}/proposal` : `${m.vote.height}/${m.vote.round}/${m.vote.type}`;
}

function val(m: SignedMessage): string {
  return valueKey(m.kind === "proposal" ? m.proposal.blockHash : m.vote.blockHash);
}

describe("consensus WAL: crash recovery", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "nexus-wal-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const opts = (path: string): ConstructorParameters<typeof ConsensusDriver>[0] => ({
    chainId: CHAIN,
    wal: FileWal.open(path),
    signer: f.signers.get(self)!,
    timeouts: T,
    verifySignatures: false,
  });

  function originalRun(seed: number, steps: number): { path: string; signed: SignedMessage[]; driver: ConsensusDriver } {
    const path = join(dir, `orig-${seed}.wal`);
    const o = opts(path);
    const { driver } = ConsensusDriver.recover(o, 1, f.set);
    const rng = new Prng(seed);
    const signed: SignedMessage[] = [];
    for (let i = 0; i < steps && !driver.core.isDecided; i++) {
      for (const e of step(driver, f, rng)) if (e.kind === "broadcast") signed.push(e.message);
    }
    o.wal.close();
    return { path, signed, driver };
  }

  it("a restarted validator resumes its height, round, step and lock from the WAL", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { path, driver } = originalRun(seed, 60);
      const o = opts(path);
      const { driver: again, effects } = ConsensusDriver.recover(o, 1, f.set);
      expect(again.core.snapshot()).to.deep.equal(driver.core.snapshot());
      // Nothing new is signed on replay: the only broadcasts are re-gossip of what was signed.
      const before = new Set(driver.ownMessages().map((m) => `${slot(m)}=${val(m)}`));
      for (const e of effects) if (e.kind === "broadcast") expect(before.has(`${slot(e.message)}=${val(e.message)}`)).to.equal(true);
      expect(effects.filter((e) => e.kind === "sign-refused")).to.deep.equal([]);
      o.wal.close();
    }
  });

  it("killed mid-write at random offsets, it never signs a vote that conflicts with one it may have sent", function () {
    this.timeout(120_000);
    const rng = new Prng(7);
    let checked = 0;
    let resumedSigned = 0;
    for (let seed = 100; seed < 110; seed++) {
      const { path } = originalRun(seed, 80);
      const full = new Uint8Array(readFileSync(path));
      for (let k = 0; k < 25; k++) {
        const cut = rng.int(0, full.length);
        // Signed records complete within the cut are what peers may have seen.
        const durable = new Map<string, string>();
        for (const p of parseFrames(full.subarray(0, cut)).payloads) {
          const r = decodeRecord(p);
          if (r.kind === "signed") durable.set(slot(r.message), val(r.message));
        }
        const crashed = join(dir, `crash-${seed}-${k}.wal`);
        writeFileSync(crashed, full.subarray(0, cut));
        const o = opts(crashed);
        const { driver, effects } = ConsensusDriver.recover(o, 1, f.set);
        const out: DriverEffect[] = [...effects];
        const adversary = new Prng(seed * 1000 + k);
        for (let i = 0; i < 60 && !driver.core.isDecided; i++) out.push(...step(driver, f, adversary));
        const mine = new Map(durable);
        for (const e of out) {
          expect(e.kind).to.not.equal("sign-refused");
          if (e.kind !== "broadcast") continue;
          const s = slot(e.message);
          const prev = mine.get(s);
          if (prev !== undefined) expect(val(e.message), `conflict at ${s} (cut ${cut} of ${full.length})`).to.equal(prev);
          else resumedSigned++;
          mine.set(s, val(e.message));
          checked++;
        }
        o.wal.close();
      }
    }
    expect(checked).to.be.greaterThan(100);
    expect(resumedSigned).to.be.greaterThan(10);
  });
});
