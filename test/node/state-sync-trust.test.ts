/**
 * The rules a state-syncing node believes a snapshot by (runtime/node/state-sync/trust.ts),
 * the offer descriptor it reads from peers (descriptor.ts) and the part names (parts.ts), one
 * by one with real Ed25519 precommits. Part of the mutation-testing group `state-sync`.
 */
import { expect } from "chai";
import { buildCommit, ValidatorSet, type CommitCertificate } from "../../runtime/consensus/index.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { assertCommitVerifies, assertTrusted, checkRecord, membersDiffer, trustedPower } from "../../runtime/node/state-sync/trust.ts";
import { decodeDescriptor, encodeDescriptor, sameSnapshot, type SnapshotDescriptor } from "../../runtime/node/state-sync/descriptor.ts";
import { PART, parsePart } from "../../runtime/node/state-sync/parts.ts";
import type { ValidatorUpdate } from "../../runtime/modules/types.ts";
import { CHAIN, fixture, value, vote, type Fixture } from "../consensus/helpers.ts";
import { simKey } from "../sim/simulator.ts";

const H = 40;
const block = value("snapshot block");

function commitBy(f: Fixture, who: readonly string[], hash = block, height = H): CommitCertificate {
  return buildCommit(who.map((a) => vote(f, a, "precommit", height, 0, hash)));
}

function code(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error("did not throw");
}

const asUpdates = (set: ValidatorSet): ValidatorUpdate[] => set.validators.map((v) => ({ address: v.address, power: v.power, consensusPubKey: toHex(v.publicKey), band: v.band }));

describe("state sync trust: > 1/3 of a trusted set, then the full commit against the recorded set", () => {
  // Powers 3, 2, 2, 2 (total 9): a third is 3, so 3 alone is not enough, 3 + 2 is.
  const f = fixture([3n, 2n, 2n, 2n], [1, 1, 2, 2]);
  // simKey(i) has power powers[i] and band bands[i]: a holds 3, b c d hold 2 each.
  const [a, b, c, d] = [0, 1, 2, 3].map((i) => simKey(i).address) as [string, string, string, string];
  const powerOf = (x: string): bigint => f.set.get(x)!.power;

  it("trustedPower sums the trusted signers whose signatures verify", () => {
    expect(trustedPower(CHAIN, f.set, H, block, commitBy(f, [a, b]))).to.equal(powerOf(a) + powerOf(b));
    expect(trustedPower(CHAIN, f.set, H, block, commitBy(f, [a, b, c, d]))).to.equal(9n);
  });

  it("signers outside the trusted set count nothing; neither do bad signatures", () => {
    const other = fixture([5n, 5n, 5n, 5n, 5n, 5n], [1, 1, 1, 1, 1, 1]);
    // Addresses 4 and 5 exist only in `other` (simKey(i) is the same key in both fixtures).
    const strangers = other.set.validators.map((v) => v.address).filter((x) => !f.set.get(x));
    expect(strangers).to.have.length(2);
    expect(trustedPower(CHAIN, f.set, H, block, commitBy(other, strangers))).to.equal(0n);
    const cert = commitBy(f, [a, b]);
    const forged = { ...cert, signatures: cert.signatures.map((s) => (s.validator === a ? { ...s, signature: new Uint8Array(64) } : s)) };
    expect(trustedPower(CHAIN, f.set, H, block, forged)).to.equal(powerOf(b));
  });

  it("a signer listed twice counts once", () => {
    const cert = commitBy(f, [a]);
    const twice = { ...cert, signatures: [cert.signatures[0]!, cert.signatures[0]!] };
    expect(trustedPower(CHAIN, f.set, H, block, twice)).to.equal(powerOf(a));
  });

  it("a certificate for another height or block counts nothing", () => {
    expect(trustedPower(CHAIN, f.set, H + 1, block, commitBy(f, [a, b, c, d]))).to.equal(0n);
    expect(trustedPower(CHAIN, f.set, H, value("other"), commitBy(f, [a, b, c, d]))).to.equal(0n);
    // Not because its signatures fail: it is refused before any is checked, whatever a verifier would say.
    const anything = (): boolean => true;
    expect(trustedPower(CHAIN, f.set, H + 1, block, commitBy(f, [a, b, c, d]), anything)).to.equal(0n);
    expect(trustedPower(CHAIN, f.set, H, value("other"), commitBy(f, [a, b, c, d]), anything)).to.equal(0n);
    expect(trustedPower(CHAIN, f.set, H, block, commitBy(f, [a, b, c, d]), anything)).to.equal(9n);
  });

  it("assertTrusted: more than 1/3 passes, exactly 1/3 or less is STATE_SYNC_UNTRUSTED with the figures", () => {
    assertTrusted(CHAIN, f.set, H, block, commitBy(f, [b, c]));
    const e = code(() => assertTrusted(CHAIN, f.set, H, block, commitBy(f, [a]))) as { code?: string; message: string; context?: unknown };
    expect(e.code).to.equal("STATE_SYNC_UNTRUSTED");
    expect(e.context).to.deep.equal({ height: H, power: "3", total: "9" });
    expect(e.message).to.include(`block ${H} is signed by 3 of the trusted validator set's 9 power, more than 1/3 is needed`);
    expect(code(() => assertTrusted(CHAIN, f.set, H, block, commitBy(f, [b]))).code).to.equal("STATE_SYNC_UNTRUSTED");
  });

  it("assertCommitVerifies: > 2/3 of the recorded set passes; 2/3 exactly does not", () => {
    assertCommitVerifies(CHAIN, f.set, H, block, commitBy(f, [a, b, c]));
    const e = code(() => assertCommitVerifies(CHAIN, f.set, H, block, commitBy(f, [a, b]))) as { code?: string; message: string; context?: unknown };
    expect(e.code).to.equal("STATE_SYNC_UNTRUSTED");
    expect(e.context).to.deep.equal({ height: H, code: "COMMIT_NO_QUORUM" });
    expect(e.message).to.match(/^the commit of block 40 does not verify against the validator set the synced state records: signers hold 5 of 9/);
    // b + c + d = 6 of 9 is exactly 2/3: not a quorum.
    expect(code(() => assertCommitVerifies(CHAIN, f.set, H, block, commitBy(f, [b, c, d]))).code).to.equal("STATE_SYNC_UNTRUSTED");
    // A different block's commit does not verify either.
    expect(code(() => assertCommitVerifies(CHAIN, f.set, H, value("other"), commitBy(f, [a, b, c]))).code).to.equal("STATE_SYNC_UNTRUSTED");
  });

  it("membersDiffer: null for the same members in any order; names what is missing and what is not recorded", () => {
    const rec = asUpdates(f.set);
    expect(membersDiffer(f.set.validators, [...rec].reverse())).to.equal(null);
    // Power-0 entries are not members.
    expect(membersDiffer(f.set.validators, [...rec, { address: "nxs1gone", power: 0n }])).to.equal(null);
    const changed = rec.map((u, i) => (i === 0 ? { ...u, power: u.power + 1n } : u));
    const m = membersDiffer(f.set.validators, changed)!;
    const key = (u: ValidatorUpdate): string => `${u.address}/${u.consensusPubKey}/${u.power}/${u.band}`;
    expect(m).to.equal(`missing ${key(changed[0]!)}; not recorded ${key(rec[0]!)}`);
    expect(membersDiffer(f.set.validators, rec.slice(2))).to.equal(`not recorded ${key(rec[0]!)}, ${key(rec[1]!)}`);
    expect(membersDiffer(f.set.validators, rec.slice(1))).to.match(/^not recorded /);
    expect(membersDiffer(f.set.validators.slice(1), rec)).to.match(/^missing [^;]*$/);
    // Only missing ones, several, joined; a recorded member without a key is missing with an empty key.
    expect(membersDiffer(f.set.validators.slice(2), rec)).to.equal(`missing ${key(rec[0]!)}, ${key(rec[1]!)}`);
    const keyless = { address: rec[0]!.address, power: rec[0]!.power, band: rec[0]!.band };
    expect(membersDiffer(f.set.validators.slice(1), [keyless, ...rec.slice(1)])).to.equal(`missing ${rec[0]!.address}//${rec[0]!.power}/${rec[0]!.band}`);
    // Key and band are part of a member.
    expect(membersDiffer(f.set.validators, rec.map((u, i) => (i === 1 ? { ...u, band: 7 } : u)))).to.not.equal(null);
    expect(membersDiffer(f.set.validators, rec.map((u, i) => (i === 1 ? { ...u, consensusPubKey: "00".repeat(32) } : u)))).to.not.equal(null);
    // Hex case does not matter.
    expect(membersDiffer(f.set.validators, rec.map((u) => ({ ...u, consensusPubKey: u.consensusPubKey!.toUpperCase() })))).to.equal(null);
  });

  it("checkRecord: the set of h and its pending updates must give the recorded sets of h and h+1", () => {
    const now = asUpdates(f.set);
    const raised: ValidatorUpdate = { ...now[2]!, power: 4n };
    const next = now.map((u, i) => (i === 2 ? raised : u));
    const recorded = (h: number): ValidatorUpdate[] => (h === H ? now : h === H + 1 ? next : []);
    expect(checkRecord({ set: f.set, pending: [raised] }, H, recorded)).to.equal(null);
    expect(checkRecord({ set: f.set, pending: [] }, H, recorded)).to.match(/^the pending updates served with height 40's validator set do not give the set the state records for height 41: /);
    expect(checkRecord({ set: f.set, pending: [raised] }, H, () => next)).to.match(/^the validator set served for height 40 is not the one the state records: /);
  });
});

describe("state sync offer descriptors and part names", () => {
  const good: SnapshotDescriptor = { format: 1, height: 120, blockHash: "ab".repeat(32), chunks: 256, entries: 1_000_000, bytes: 29_000_000 };
  const bytes = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

  it("round-trips and compares by height and block hash", () => {
    expect(decodeDescriptor(encodeDescriptor(good), 120)).to.deep.equal(good);
    expect(sameSnapshot(good, { ...good, chunks: 1 })).to.equal(true);
    expect(sameSnapshot(good, { ...good, height: 121 })).to.equal(false);
    expect(sameSnapshot(good, { ...good, blockHash: "cd".repeat(32) })).to.equal(false);
  });

  it("refuses what a peer could get wrong, saying what", () => {
    const cases: [unknown, RegExp][] = [
      ["{", /^descriptor is not JSON/],
      [[1], /^descriptor is not an object/],
      [null, /^descriptor is not an object/],
      [5, /^descriptor is not an object/],
      ["\"text\"", /^descriptor is not an object/],
      [{ ...good, format: 2 }, /^descriptor format 2 is not 1/],
      [{ ...good, height: 121 }, /^descriptor height 121 differs from the offer's 120/],
      [{ ...good, blockHash: "AB".repeat(32) }, /blockHash is not 32 bytes of lowercase hex/],
      [{ ...good, blockHash: "ab".repeat(31) }, /blockHash is not 32 bytes/],
      [{ ...good, blockHash: 7 }, /blockHash is not 32 bytes/],
      // The whole string is the 64 digits: nothing before them, nothing after.
      [{ ...good, blockHash: `zz${"ab".repeat(32)}` }, /blockHash is not 32 bytes/],
      [{ ...good, blockHash: `${"ab".repeat(32)}zz` }, /blockHash is not 32 bytes/],
      [{ ...good, chunks: -1 }, /^descriptor chunks is not a non-negative integer/],
      [{ ...good, entries: 1.5 }, /^descriptor entries is not a non-negative integer/],
      [{ ...good, bytes: "9" }, /^descriptor bytes is not a non-negative integer/],
    ];
    for (const [input, re] of cases) {
      const raw = typeof input === "string" ? new TextEncoder().encode(input) : bytes(input);
      const r = decodeDescriptor(raw, 120);
      expect(r, JSON.stringify(input)).to.be.a("string").that.matches(re);
    }
    expect(decodeDescriptor(Uint8Array.of(0xff, 0xfe), 120)).to.match(/^descriptor is not JSON/);
    expect(decodeDescriptor(bytes({ ...good, chunks: 0, entries: 0, bytes: 0 }), 120)).to.not.be.a("string");
  });

  it("part names: what the node serves parses, anything else does not", () => {
    expect(parsePart(PART.manifest)).to.deep.equal({ kind: "manifest" });
    expect(parsePart(PART.block)).to.deep.equal({ kind: "block" });
    expect(parsePart(PART.commit)).to.deep.equal({ kind: "commit" });
    expect(parsePart(PART.chunk(0))).to.deep.equal({ kind: "chunk", slot: 0 });
    expect(parsePart(PART.chunk(4095))).to.deep.equal({ kind: "chunk", slot: 4095 });
    expect(parsePart(PART.valset(41))).to.deep.equal({ kind: "valset", height: 41 });
    for (const bad of ["", "manifests", "chunk/", "chunk/01", "chunk/-1", "chunk/1.5", "valset/x", "chunk/1/2", "Manifest", "chunk/9999999999999999", "other/1"]) {
      expect(parsePart(bad), bad).to.equal(undefined);
    }
  });
});
