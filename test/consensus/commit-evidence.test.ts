/**
 * The rules of commit.ts (certificates: build, verify, encode) and evidence.ts (duplicate-vote
 * evidence) pinned one by one, with votes signed by the real Ed25519 signers the runtime uses.
 * Part of the mutation-testing group `validator-set` (scripts/mutation.ts).
 */
import { expect } from "chai";
import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import {
  buildCommit,
  ConsensusError,
  decodeCommit,
  decodeEvidence,
  duplicateVoteEvidence,
  ed25519Signer,
  encodeCommit,
  encodeEvidence,
  encodeMessage,
  MAX_MESSAGE_BYTES,
  MAX_ROUND,
  MAX_VALIDATORS,
  signVote,
  verifyCommit,
  verifyDuplicateVoteEvidence,
  voteSignBytes,
  type CommitCertificate,
  type CommitVerdict,
  type DuplicateVoteEvidence,
  type SignedVote,
} from "../../runtime/consensus/index.ts";
import { simKey } from "../sim/simulator.ts";
import { CHAIN, fixture, proposal, value, vote, type Fixture } from "./helpers.ts";

/** Four validators of power 1 in bands 1..4: a commit needs 3 signers spanning 4 bands, i.e. all 4. */
const f4 = fixture([1n, 1n, 1n, 1n], [1, 2, 3, 4]);
const addrs = f4.set.validators.map((v) => v.address);
const v = value("block");
const w = value("other block");
/** A validator outside every fixture, with a real key. */
const outsider = simKey(42);
const outsiderSigner = ed25519Signer(outsider.address, outsider.secret);

function precommits(f: Fixture, who: readonly string[], height: number, round: number, hash: Uint8Array): SignedVote[] {
  return who.map((a) => vote(f, a, "precommit", height, round, hash));
}

function rejected(r: CommitVerdict, code: string, reason: string): void {
  expect(r.ok, JSON.stringify(r)).to.equal(false);
  if (r.ok) return;
  expect(r.code).to.equal(code);
  expect(r.reason).to.include(reason);
}

function throwsConsensus(fn: () => unknown, code: string, text: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ConsensusError ${code} containing "${text}"`).to.be.instanceOf(ConsensusError);
  expect((err as ConsensusError).code).to.equal(code);
  expect((err as ConsensusError).message).to.include(text);
}

/** A certificate whose signatures are the given precommits, in the given order (no sorting). */
function certOf(votes: readonly SignedVote[], height: number, round: number, hash: Uint8Array): CommitCertificate {
  return { height, round, blockHash: hash, signatures: votes.map((p) => ({ validator: p.vote.validator, signature: p.signature })) };
}

describe("commit certificates: buildCommit", () => {
  it("sorts the signatures by validator address whatever the order of the precommits", () => {
    const ps = precommits(f4, addrs, 5, 1, v);
    for (const order of [ps, [...ps].reverse(), [ps[2]!, ps[0]!, ps[3]!, ps[1]!]]) {
      const c = buildCommit(order);
      expect(c.signatures.map((s) => s.validator)).to.deep.equal(addrs);
      expect(c.height).to.equal(5);
      expect(c.round).to.equal(1);
      expect(c.blockHash).to.deep.equal(v);
      c.signatures.forEach((s, i) => expect(s.signature).to.deep.equal(ps[i]!.signature));
    }
  });

  it("needs at least one precommit, and the first must be for a block", () => {
    throwsConsensus(() => buildCommit([]), "CONSENSUS_BAD_STATE", "a commit needs precommits for a block");
    throwsConsensus(() => buildCommit([vote(f4, addrs[0]!, "precommit", 5, 1, null)]), "CONSENSUS_BAD_STATE", "a commit needs precommits for a block");
  });

  it("refuses precommits that do not share type, height, round and block", () => {
    const good = precommits(f4, addrs.slice(0, 3), 5, 1, v);
    const odd = [
      vote(f4, addrs[3]!, "prevote", 5, 1, v),
      vote(f4, addrs[3]!, "precommit", 6, 1, v),
      vote(f4, addrs[3]!, "precommit", 5, 2, v),
      vote(f4, addrs[3]!, "precommit", 5, 1, w),
      vote(f4, addrs[3]!, "precommit", 5, 1, null),
    ];
    for (const o of odd) {
      throwsConsensus(() => buildCommit([...good, o]), "CONSENSUS_BAD_STATE", "commit precommits must share type, height, round and block");
      throwsConsensus(() => buildCommit([good[0]!, o, good[1]!]), "CONSENSUS_BAD_STATE", "commit precommits must share type, height, round and block");
    }
  });
});

describe("commit certificates: verifyCommit", () => {
  const cert = buildCommit(precommits(f4, addrs, 5, 1, v));

  it("accepts a certificate of every validator, and one at the last allowed round", () => {
    expect(verifyCommit(CHAIN, f4.set, 5, v, cert)).to.deep.equal({ ok: true });
    const last = buildCommit(precommits(f4, addrs, 5, MAX_ROUND, v));
    expect(verifyCommit(CHAIN, f4.set, 5, v, last)).to.deep.equal({ ok: true });
    expect(verifyCommit(CHAIN, f4.set, 5, v, buildCommit(precommits(f4, addrs, 5, 0, v)))).to.deep.equal({ ok: true });
  });

  it("refuses a certificate for another height or block, saying which", () => {
    rejected(verifyCommit(CHAIN, f4.set, 6, v, cert), "COMMIT_WRONG_HEIGHT", "certificate is for height 5, expected 6");
    rejected(verifyCommit(CHAIN, f4.set, 5, w, cert), "COMMIT_WRONG_BLOCK", "certificate commits a different block");
  });

  it("refuses a round outside 0..MAX_ROUND even when every signature is valid for it", () => {
    const over = certOf(precommits(f4, addrs, 5, MAX_ROUND + 1, v), 5, MAX_ROUND + 1, v);
    rejected(verifyCommit(CHAIN, f4.set, 5, v, over), "COMMIT_MALFORMED", `bad round ${MAX_ROUND + 1}`);
    const negative = certOf(precommits(f4, addrs, 5, -1, v), 5, -1, v);
    rejected(verifyCommit(CHAIN, f4.set, 5, v, negative), "COMMIT_MALFORMED", "bad round -1");
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, round: 1.5 }), "COMMIT_MALFORMED", "bad round 1.5");
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, round: Number.NaN }), "COMMIT_MALFORMED", "bad round NaN");
  });

  it("refuses no signatures or more signatures than validators", () => {
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: [] }), "COMMIT_MALFORMED", "certificate must carry 1..4 signatures");
    const five = [...cert.signatures, { validator: "zzzz", signature: new Uint8Array(64) }];
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: five }), "COMMIT_MALFORMED", "certificate must carry 1..4 signatures");
  });

  it("refuses signatures out of address order or a signer twice, naming the signer", () => {
    const s = cert.signatures;
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: [s[1]!, s[0]!, s[2]!, s[3]!] }), "COMMIT_UNSORTED", "signatures must be sorted by validator address");
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: [s[0]!, s[1]!, s[3]!, s[2]!] }), "COMMIT_UNSORTED", "signatures must be sorted by validator address");
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: [s[0]!, s[1]!, s[1]!, s[2]!] }), "COMMIT_DUPLICATE_SIGNER", `${addrs[1]} signed twice`);
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, signatures: [s[0]!, s[0]!] }), "COMMIT_DUPLICATE_SIGNER", `${addrs[0]} signed twice`);
  });

  it("refuses a validly signed precommit of a validator outside the set", () => {
    const theirs = signVote(CHAIN, outsiderSigner, { type: "precommit", height: 5, round: 1, blockHash: v, validator: outsider.address });
    const c = buildCommit([...precommits(f4, addrs.slice(0, 3), 5, 1, v), theirs]);
    rejected(verifyCommit(CHAIN, f4.set, 5, v, c), "COMMIT_UNKNOWN_SIGNER", `${outsider.address} is not in the validator set`);
  });

  it("refuses a signature that is not the signer's precommit of this chain, height, round and block", () => {
    const bad = (votes: SignedVote[], round = 1): CommitVerdict => verifyCommit(CHAIN, f4.set, 5, v, { ...buildCommit(votes), round });
    const three = precommits(f4, addrs.slice(0, 3), 5, 1, v);
    const who = addrs[3]!;
    const reason = `precommit signature of ${who} does not verify`;
    // A prevote signature presented as a precommit.
    const prevote = vote(f4, who, "prevote", 5, 1, v);
    rejected(bad([...three, { ...prevote, vote: { ...prevote.vote, type: "precommit" } }]), "COMMIT_BAD_SIGNATURE", reason);
    // Signed for another height, round, block or chain.
    for (const other of [vote(f4, who, "precommit", 4, 1, v), vote(f4, who, "precommit", 5, 0, v), vote(f4, who, "precommit", 5, 1, w)]) {
      rejected(bad([...three, { ...other, vote: { ...other.vote, height: 5, round: 1, blockHash: v } }]), "COMMIT_BAD_SIGNATURE", reason);
    }
    const otherChain = signVote("other-chain", f4.signers.get(who)!, { type: "precommit", height: 5, round: 1, blockHash: v, validator: who });
    rejected(bad([...three, otherChain]), "COMMIT_BAD_SIGNATURE", reason);
    // Signed by another key.
    const forged = { ...three[0]!, vote: { ...three[0]!.vote, validator: who }, signature: ed25519.sign(outsider.secret, voteSignBytes(CHAIN, { ...three[0]!.vote, validator: who })) };
    rejected(bad([...three, forged]), "COMMIT_BAD_SIGNATURE", reason);
    // The same signatures under another round.
    rejected(verifyCommit(CHAIN, f4.set, 5, v, { ...cert, round: 2 }), "COMMIT_BAD_SIGNATURE", `precommit signature of ${addrs[0]} does not verify`);
    // verifySig is asked about exactly the signer's key and its precommit bytes.
    const asked: string[] = [];
    const r = verifyCommit(CHAIN, f4.set, 5, v, cert, (k, m, s) => {
      asked.push(Buffer.from(k).toString("hex"));
      return ed25519.verify(k, m, s);
    });
    expect(r).to.deep.equal({ ok: true });
    expect(asked).to.deep.equal(f4.set.validators.map((x) => Buffer.from(x.publicKey).toString("hex")));
    rejected(verifyCommit(CHAIN, f4.set, 5, v, cert, () => false), "COMMIT_BAD_SIGNATURE", `precommit signature of ${addrs[0]} does not verify`);
  });

  it("needs strictly more than 2/3 of the power: total 3 needs 3 (2 is exactly 2/3)", () => {
    const f = fixture([1n, 1n, 1n]);
    const a = f.set.validators.map((x) => x.address);
    rejected(verifyCommit(CHAIN, f.set, 2, v, buildCommit(precommits(f, a.slice(0, 2), 2, 0, v))), "COMMIT_NO_QUORUM", "signers hold 2 of 3 voting power, more than 2/3 is required");
    expect(verifyCommit(CHAIN, f.set, 2, v, buildCommit(precommits(f, a, 2, 0, v)))).to.deep.equal({ ok: true });
  });

  it("needs strictly more than 2/3 of the power: total 100 needs 67, 66 is not enough", () => {
    const f = fixture([34n, 33n, 33n]);
    const by = (p: bigint): string[] => f.set.validators.filter((x) => x.power === p).map((x) => x.address);
    const [big] = by(34n);
    const [m1, m2] = by(33n);
    const signed = (who: string[]): CommitVerdict => verifyCommit(CHAIN, f.set, 9, v, buildCommit(precommits(f, who, 9, 3, v)));
    rejected(signed([m1!, m2!]), "COMMIT_NO_QUORUM", "signers hold 66 of 100 voting power");
    expect(signed([big!, m1!])).to.deep.equal({ ok: true }); // 67
    expect(signed([big!, m2!])).to.deep.equal({ ok: true });
    rejected(signed([big!]), "COMMIT_NO_QUORUM", "signers hold 34 of 100 voting power");
  });

  it("needs min(5, populated bands) bands among the signers", () => {
    const three = buildCommit(precommits(f4, addrs.slice(0, 3), 5, 1, v)); // 3/4 of the power, 3 of 4 bands
    rejected(verifyCommit(CHAIN, f4.set, 5, v, three), "COMMIT_NOT_DIVERSE", "signers span 3 bands, 4 are required");
  });
});

describe("commit certificates: encoding", () => {
  const cert = buildCommit(precommits(f4, addrs, 5, 1, v));
  const BOUND = 64 + MAX_VALIDATORS * (128 + 64 + 8); // 200 064 bytes

  it("round-trips, and the encoding is [height, round, blockHash, [[validator, signature]...]]", () => {
    const bytes = encodeCommit(cert);
    expect(bytes).to.deep.equal(encodeCanonical([5, 1, v, cert.signatures.map((s) => [s.validator, s.signature])]));
    const back = decodeCommit(bytes);
    expect(back).to.deep.equal(cert);
    expect(verifyCommit(CHAIN, f4.set, 5, v, back)).to.deep.equal({ ok: true });
  });

  it("decodes the largest honest certificate: 1000 signers with 128-character addresses, the largest height and round", () => {
    const big: CommitCertificate = {
      height: Number.MAX_SAFE_INTEGER,
      round: MAX_ROUND,
      blockHash: v,
      signatures: Array.from({ length: MAX_VALIDATORS }, (_, i) => ({ validator: `${i}`.padStart(128, "v"), signature: new Uint8Array(64).fill(i % 256) })),
    };
    const bytes = encodeCommit(big);
    expect(bytes.length).to.be.below(BOUND);
    expect(decodeCommit(bytes)).to.deep.equal(big);
  });

  it("refuses more than 64 + 1000·(128 + 64 + 8) bytes before decoding; exactly that many are decoded", () => {
    throwsConsensus(() => decodeCommit(new Uint8Array(BOUND + 1)), "CONSENSUS_MESSAGE_TOO_LARGE", `commit certificate of ${BOUND + 1} bytes is too large`);
    // At the bound the bytes are decoded (and these are not a certificate).
    throwsConsensus(() => decodeCommit(new Uint8Array(BOUND)), "CONSENSUS_MALFORMED_MESSAGE", "commit certificate");
  });

  it("refuses malformed certificates with an error naming the field", () => {
    const sig = new Uint8Array(64);
    const malformed = (value: unknown, text: string): void => throwsConsensus(() => decodeCommit(encodeCanonical(value)), "CONSENSUS_MALFORMED_MESSAGE", text);
    throwsConsensus(() => decodeCommit(Uint8Array.from([0x84, 0x05])), "CONSENSUS_MALFORMED_MESSAGE", "malformed commit certificate");
    malformed(5, "commit certificate must be an array");
    malformed([5, 1, v], "commit certificate must have 4 elements, got 3");
    malformed([5, 1, v, []], "signatures must have 1..1000 elements, got 0");
    malformed([5, 1, v, Array.from({ length: 1001 }, () => ["a", sig])], "signatures must have 1..1000 elements, got 1001");
    malformed([5, 1, v, [["a", sig], ["b", sig, 1]]], "signatures[1] must have 2 elements, got 3");
    malformed([5, 1, v, [["a", sig], ["x".repeat(129), sig]]], "signatures[1].validator is 129 characters long, the limit is 128");
    malformed([5, 1, v, [[7, sig]]], "signatures[0].validator must be a text string");
    malformed([5, 1, v, [["a", sig], ["b", new Uint8Array(63)]]], "signatures[1].signature must be 64 bytes, got 63");
    malformed([5, 1, v.subarray(1), [["a", sig]]], "blockHash must be 32 bytes, got 31");
    malformed([-5, 1, v, [["a", sig]]], "height must be");
    malformed([5, "1", v, [["a", sig]]], "round must be an unsigned integer");
    // 128 characters and 64 bytes are the limits, not beyond them.
    expect(decodeCommit(encodeCanonical([5, 1, v, [["x".repeat(128), sig]]])).signatures[0]!.validator).to.equal("x".repeat(128));
  });
});

describe("duplicate-vote evidence", () => {
  const who = addrs[2]!;
  const onV = vote(f4, who, "prevote", 3, 0, v);
  const onNil = vote(f4, who, "prevote", 3, 0, null);
  const onW = vote(f4, who, "prevote", 3, 0, w);
  /** v and w in byte order: canonical evidence puts the smaller hash first. */
  const [lo, hi] = Buffer.compare(Buffer.from(v), Buffer.from(w)) < 0 ? [onV, onW] : [onW, onV];
  const ev = (a: SignedVote, b: SignedVote): DuplicateVoteEvidence => ({ kind: "duplicate-vote", voteA: a, voteB: b });
  const verdict = (e: DuplicateVoteEvidence, set = f4.set) => verifyDuplicateVoteEvidence(CHAIN, set, e);

  it("is accepted for two different signed votes of one validator at one height, round and type", () => {
    expect(verdict(duplicateVoteEvidence(onV, onNil))).to.deep.equal({ ok: true });
    expect(verdict(duplicateVoteEvidence(onV, onW))).to.deep.equal({ ok: true });
    const pc = [vote(f4, who, "precommit", 8, 4, v), vote(f4, who, "precommit", 8, 4, w)] as const;
    expect(verdict(duplicateVoteEvidence(pc[0], pc[1]))).to.deep.equal({ ok: true });
  });

  it("has one canonical order: nil first, then by block hash; any other order is refused", () => {
    expect(duplicateVoteEvidence(onV, onNil)).to.deep.equal(ev(onNil, onV));
    expect(duplicateVoteEvidence(onNil, onV)).to.deep.equal(ev(onNil, onV));
    expect(duplicateVoteEvidence(hi, lo)).to.deep.equal(ev(lo, hi));
    expect(duplicateVoteEvidence(lo, hi)).to.deep.equal(ev(lo, hi));
    expect(verdict(ev(onV, onNil))).to.deep.equal({ ok: false, reason: "votes are not in canonical order" });
    expect(verdict(ev(hi, lo))).to.deep.equal({ ok: false, reason: "votes are not in canonical order" });
  });

  it("is refused for the same vote twice (nil or not)", () => {
    expect(verdict(ev(onV, onV))).to.deep.equal({ ok: false, reason: "votes are for the same value" });
    expect(verdict(ev(onNil, onNil))).to.deep.equal({ ok: false, reason: "votes are for the same value" });
    // Same value, different signature bytes: still the same vote.
    expect(verdict(ev(onV, { ...onV, signature: new Uint8Array(64) }))).to.deep.equal({ ok: false, reason: "votes are for the same value" });
  });

  it("is refused for votes of different validators, heights, rounds or types", () => {
    const other = addrs[1]!;
    expect(verdict(duplicateVoteEvidence(onV, vote(f4, other, "prevote", 3, 0, null)))).to.deep.equal({ ok: false, reason: "votes are by different validators" });
    const differ = { ok: false, reason: "votes are for different height, round or type" };
    expect(verdict(duplicateVoteEvidence(onV, vote(f4, who, "prevote", 4, 0, null)))).to.deep.equal(differ);
    expect(verdict(duplicateVoteEvidence(onV, vote(f4, who, "prevote", 3, 1, null)))).to.deep.equal(differ);
    expect(verdict(duplicateVoteEvidence(onV, vote(f4, who, "precommit", 3, 0, null)))).to.deep.equal(differ);
  });

  it("is refused when either vote's signature does not verify, or the validator is not in the set", () => {
    const forge = (s: SignedVote): SignedVote => ({ ...s, signature: ed25519.sign(outsider.secret, voteSignBytes(CHAIN, s.vote)) });
    expect(verdict(ev(lo, forge(hi)))).to.deep.equal({ ok: false, reason: `bad signature by ${who}` });
    expect(verdict(ev(forge(lo), hi))).to.deep.equal({ ok: false, reason: `bad signature by ${who}` });
    expect(verdict(ev(onNil, forge(onV)))).to.deep.equal({ ok: false, reason: `bad signature by ${who}` });
    expect(verifyDuplicateVoteEvidence("other-chain", f4.set, duplicateVoteEvidence(onV, onNil)).ok).to.equal(false);
    const theirs = [null, v].map((h) => signVote(CHAIN, outsiderSigner, { type: "prevote", height: 3, round: 0, blockHash: h, validator: outsider.address }));
    expect(verdict(duplicateVoteEvidence(theirs[0]!, theirs[1]!))).to.deep.equal({ ok: false, reason: `${outsider.address} is not in the validator set` });
  });

  it("round-trips as [0, vote bytes, vote bytes]", () => {
    const e = duplicateVoteEvidence(onV, onW);
    const bytes = encodeEvidence(e);
    expect(bytes).to.deep.equal(encodeCanonical([0, encodeMessage(e.voteA), encodeMessage(e.voteB)]));
    expect(decodeEvidence(bytes)).to.deep.equal(e);
    expect(verdict(decodeEvidence(bytes))).to.deep.equal({ ok: true });
  });

  it("refuses more than 2·MAX_MESSAGE_BYTES + 16 bytes before decoding; exactly that many are decoded", () => {
    const bound = 2 * MAX_MESSAGE_BYTES + 16; // 2064
    throwsConsensus(() => decodeEvidence(new Uint8Array(bound + 1)), "CONSENSUS_MESSAGE_TOO_LARGE", `evidence of ${bound + 1} bytes is too large`);
    throwsConsensus(() => decodeEvidence(new Uint8Array(bound)), "CONSENSUS_MALFORMED_MESSAGE", "evidence");
    // Two votes at the message limit fit: the bound is two messages and the envelope.
    const long = encodeCanonical([0, new Uint8Array(MAX_MESSAGE_BYTES), new Uint8Array(MAX_MESSAGE_BYTES)]);
    expect(long.length).to.be.at.most(bound);
    throwsConsensus(() => decodeEvidence(long), "CONSENSUS_MALFORMED_MESSAGE", "consensus message");
  });

  it("refuses malformed evidence with typed errors that say what is wrong", () => {
    const a = encodeMessage(onNil);
    const b = encodeMessage(onV);
    throwsConsensus(() => decodeEvidence(Uint8Array.from([0x83, 0x00])), "CONSENSUS_MALFORMED_MESSAGE", "malformed evidence");
    throwsConsensus(() => decodeEvidence(encodeCanonical("x")), "CONSENSUS_MALFORMED_MESSAGE", "evidence must be an array");
    throwsConsensus(() => decodeEvidence(encodeCanonical([0, a])), "CONSENSUS_MALFORMED_MESSAGE", "evidence must have 3 elements, got 2");
    const shape = "evidence must be [0, vote bytes, vote bytes]";
    throwsConsensus(() => decodeEvidence(encodeCanonical([1, a, b])), "CONSENSUS_MALFORMED_MESSAGE", shape);
    throwsConsensus(() => decodeEvidence(encodeCanonical([0, "a", b])), "CONSENSUS_MALFORMED_MESSAGE", shape);
    throwsConsensus(() => decodeEvidence(encodeCanonical([0, a, 5])), "CONSENSUS_MALFORMED_MESSAGE", shape);
    const p = encodeMessage(proposal(f4, 3, 0, v));
    throwsConsensus(() => decodeEvidence(encodeCanonical([0, p, b])), "CONSENSUS_MALFORMED_MESSAGE", "evidence must hold two votes");
    throwsConsensus(() => decodeEvidence(encodeCanonical([0, a, p])), "CONSENSUS_MALFORMED_MESSAGE", "evidence must hold two votes");
  });
});
