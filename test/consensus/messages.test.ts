import { expect } from "chai";
import fc from "fast-check";
import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import {
  ConsensusError,
  decodeCommit,
  decodeEvidence,
  decodeMessage,
  duplicateVoteEvidence,
  encodeCommit,
  encodeEvidence,
  encodeMessage,
  MAX_MESSAGE_BYTES,
  proposalSignBytes,
  verifyCommit,
  verifyDuplicateVoteEvidence,
  verifyMessageSignature,
  voteSignBytes,
  buildCommit,
  type CommitCertificate,
} from "../../runtime/consensus/index.ts";
import { CHAIN, fixture, proposal, value, vote } from "./helpers.ts";

const f = fixture([1n, 1n, 1n, 1n], [1, 2, 3, 4]);
const addrs = f.set.validators.map((v) => v.address);
const v = value("block");

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConsensusError);
    expect((e as ConsensusError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("consensus messages and signing", () => {
  it("round-trips proposals and votes (nil included) and their signatures verify", () => {
    for (const m of [proposal(f, 7, 2, v, 1), vote(f, addrs[0]!, "prevote", 7, 2, null), vote(f, addrs[1]!, "precommit", 7, 0, v)]) {
      const back = decodeMessage(encodeMessage(m));
      expect(encodeMessage(back)).to.deep.equal(encodeMessage(m));
      expect(verifyMessageSignature(CHAIN, f.set, back)).to.deep.equal({ ok: true });
      expect(verifyMessageSignature("other-chain", f.set, back).ok).to.equal(false);
    }
  });

  it("sign bytes are domain-separated and bind chain, type, height, round and value", () => {
    const base = { type: "prevote" as const, height: 1, round: 0, blockHash: v, validator: addrs[0]! };
    const a = voteSignBytes(CHAIN, base);
    const variants = [
      voteSignBytes(CHAIN, { ...base, type: "precommit" }),
      voteSignBytes(CHAIN, { ...base, height: 2 }),
      voteSignBytes(CHAIN, { ...base, round: 1 }),
      voteSignBytes(CHAIN, { ...base, blockHash: null }),
      voteSignBytes("x", base),
      proposalSignBytes(CHAIN, { height: 1, round: 0, polRound: -1, blockHash: v, proposer: addrs[0]! }),
    ];
    for (const b of variants) expect(Buffer.from(b).equals(Buffer.from(a))).to.equal(false);
  });

  it("rejects malformed messages with typed errors and never trusts a length", () => {
    const good = encodeMessage(vote(f, addrs[0]!, "prevote", 1, 0, v));
    expectCode(() => decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1)), "CONSENSUS_MESSAGE_TOO_LARGE");
    expectCode(() => decodeMessage(good.subarray(0, good.length - 1)), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeMessage(encodeCanonical([1, 3, 1, 0, null, addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE"); // bad type
    expectCode(() => decodeMessage(encodeCanonical([1, 1, 0, 0, null, addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE"); // height 0
    expectCode(() => decodeMessage(encodeCanonical([1, 1, 1, 0, new Uint8Array(31), addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeMessage(encodeCanonical([0, 1, 2, 2, v, addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE"); // polRound ≥ round
    expectCode(() => decodeMessage(encodeCanonical([0, 1, 2, -2, v, addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeMessage(encodeCanonical([1, 1, 1, 0, null, addrs[0], new Uint8Array(63)])), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeMessage(encodeCanonical([2, 1, 1, 0, null, addrs[0], new Uint8Array(64)])), "CONSENSUS_MALFORMED_MESSAGE");
    // A non-canonical integer is refused: bytes are [0x87, kind, type, height, ...]; height 1 as 0x18 0x01.
    expect(Array.from(good.subarray(0, 4))).to.deep.equal([0x87, 1, 1, 1]);
    expectCode(() => decodeMessage(Uint8Array.from([0x87, 0x01, 0x01, 0x18, 0x01, ...good.subarray(4)])), "CONSENSUS_MALFORMED_MESSAGE");
  });

  it("fuzz: arbitrary bytes decode or fail with a ConsensusError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          decodeMessage(b);
        } catch (e) {
          expect(e).to.be.instanceOf(ConsensusError);
        }
      }),
      { numRuns: 2000 },
    );
    const good = encodeMessage(proposal(f, 1, 1, v, 0));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, x) => {
        const b = Uint8Array.from(good);
        b[i] = x;
        try {
          const m = decodeMessage(b);
          // If it still decodes, the signature must fail unless nothing changed.
          if (x !== good[i]) expect(verifyMessageSignature(CHAIN, f.set, m).ok).to.equal(false);
        } catch (e) {
          expect(e).to.be.instanceOf(ConsensusError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("commit certificates (verifyCommit)", () => {
  const precommits = addrs.map((a) => vote(f, a, "precommit", 5, 1, v));
  const cert = buildCommit(precommits);
  const fails = (c: CommitCertificate, code: string, height = 5, hash = v): void => {
    const r = verifyCommit(CHAIN, f.set, height, hash, c);
    expect(r.ok).to.equal(false);
    expect(r.ok === false && r.code).to.equal(code);
  };

  it("accepts a certificate of all four bands and round-trips its encoding", () => {
    expect(verifyCommit(CHAIN, f.set, 5, v, cert)).to.deep.equal({ ok: true });
    const back = decodeCommit(encodeCommit(cert));
    expect(verifyCommit(CHAIN, f.set, 5, v, back)).to.deep.equal({ ok: true });
  });

  it("rejects each way a certificate can be wrong", () => {
    fails(cert, "COMMIT_WRONG_HEIGHT", 6);
    fails(cert, "COMMIT_WRONG_BLOCK", 5, value("other"));
    fails({ ...cert, signatures: [...cert.signatures].reverse() }, "COMMIT_UNSORTED");
    fails({ ...cert, signatures: [cert.signatures[0]!, cert.signatures[0]!, cert.signatures[1]!] }, "COMMIT_DUPLICATE_SIGNER");
    fails({ ...cert, signatures: [...cert.signatures, { validator: "zzz", signature: new Uint8Array(64) }] }, "COMMIT_MALFORMED"); // more than the set
    fails({ ...cert, signatures: [...cert.signatures.slice(0, 3), { validator: "zzz", signature: new Uint8Array(64) }] }, "COMMIT_UNKNOWN_SIGNER");
    fails({ ...cert, signatures: cert.signatures.map((s, i) => (i === 1 ? { ...s, signature: new Uint8Array(64) } : s)) }, "COMMIT_BAD_SIGNATURE");
    fails({ ...cert, round: 2 }, "COMMIT_BAD_SIGNATURE"); // signatures were for round 1
    fails({ ...cert, signatures: cert.signatures.slice(0, 2) }, "COMMIT_NO_QUORUM");
    fails({ ...cert, signatures: cert.signatures.slice(0, 3) }, "COMMIT_NOT_DIVERSE"); // 3/4 power but 3 of 4 bands
    fails({ ...cert, signatures: [] }, "COMMIT_MALFORMED");
    // Prevotes are not precommits.
    fails(buildCommit(addrs.map((a) => ({ ...vote(f, a, "prevote", 5, 1, v), vote: { ...vote(f, a, "prevote", 5, 1, v).vote, type: "precommit" as const } }))), "COMMIT_BAD_SIGNATURE");
  });

  it("rejects malformed certificate bytes with typed errors", () => {
    expectCode(() => decodeCommit(encodeCanonical([5, 1, v, []])), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeCommit(encodeCanonical([5, 1, v.subarray(1), [["a", new Uint8Array(64)]]])), "CONSENSUS_MALFORMED_MESSAGE");
    expectCode(() => decodeCommit(new Uint8Array(300_000)), "CONSENSUS_MESSAGE_TOO_LARGE");
  });
});

describe("duplicate-vote evidence", () => {
  const a = vote(f, addrs[2]!, "prevote", 3, 0, v);
  const b = vote(f, addrs[2]!, "prevote", 3, 0, null);

  it("verifies, has one canonical order, and round-trips", () => {
    const ev = duplicateVoteEvidence(a, b);
    expect(duplicateVoteEvidence(b, a)).to.deep.equal(ev);
    expect(ev.voteA.vote.blockHash).to.equal(null); // nil first
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, ev)).to.deep.equal({ ok: true });
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, decodeEvidence(encodeEvidence(ev)))).to.deep.equal({ ok: true });
  });

  it("rejects non-conflicting, cross-validator, cross-round or forged pairs", () => {
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, { kind: "duplicate-vote", voteA: a, voteB: a }).ok).to.equal(false);
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, duplicateVoteEvidence(a, vote(f, addrs[1]!, "prevote", 3, 0, null))).ok).to.equal(false);
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, duplicateVoteEvidence(a, vote(f, addrs[2]!, "prevote", 3, 1, null))).ok).to.equal(false);
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, duplicateVoteEvidence(a, vote(f, addrs[2]!, "precommit", 3, 0, null))).ok).to.equal(false);
    const forged = { ...b, signature: ed25519.sign(new Uint8Array(32).fill(9), voteSignBytes(CHAIN, b.vote)) };
    expect(verifyDuplicateVoteEvidence(CHAIN, f.set, duplicateVoteEvidence(a, forged)).ok).to.equal(false);
    expect(verifyDuplicateVoteEvidence("other", f.set, duplicateVoteEvidence(a, b)).ok).to.equal(false);
  });
});
