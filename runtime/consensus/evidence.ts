import { asArray, CodecError, decodeCanonical, encodeCanonical } from "../codec/canonical.ts";
import { bytesEqual, compareBytes } from "../crypto/hash.ts";
import { decodeMessage, encodeMessage, MAX_MESSAGE_BYTES } from "./codec.ts";
import { ConsensusError } from "./errors.ts";
import { verifyMessageSignature } from "./signing.ts";
import type { SignedVote } from "./types.ts";
import type { ValidatorSet } from "./validator-set.ts";

/** Two votes of one validator for different values at the same height, round and type. */
export interface DuplicateVoteEvidence {
  readonly kind: "duplicate-vote";
  /** Ordered so that one pair of votes has exactly one evidence encoding: nil first, then by hash. */
  readonly voteA: SignedVote;
  readonly voteB: SignedVote;
}

export type EvidenceVerdict = { ok: true } | { ok: false; reason: string };

function orderKey(v: SignedVote): Uint8Array {
  return v.vote.blockHash ?? new Uint8Array(0);
}

export function duplicateVoteEvidence(a: SignedVote, b: SignedVote): DuplicateVoteEvidence {
  return compareBytes(orderKey(a), orderKey(b)) <= 0 ? { kind: "duplicate-vote", voteA: a, voteB: b } : { kind: "duplicate-vote", voteA: b, voteB: a };
}

/** Verify against the validator set of the evidence's height (the slashing module looks it up). */
export function verifyDuplicateVoteEvidence(chainId: string, set: ValidatorSet, ev: DuplicateVoteEvidence): EvidenceVerdict {
  const a = ev.voteA.vote;
  const b = ev.voteB.vote;
  if (a.validator !== b.validator) return { ok: false, reason: "votes are by different validators" };
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) return { ok: false, reason: "votes are for different height, round or type" };
  const same = a.blockHash === null ? b.blockHash === null : b.blockHash !== null && bytesEqual(a.blockHash, b.blockHash);
  if (same) return { ok: false, reason: "votes are for the same value" };
  if (compareBytes(orderKey(ev.voteA), orderKey(ev.voteB)) > 0) return { ok: false, reason: "votes are not in canonical order" };
  for (const v of [ev.voteA, ev.voteB]) {
    const r = verifyMessageSignature(chainId, set, v);
    if (!r.ok) return r;
  }
  return { ok: true };
}

export function encodeEvidence(ev: DuplicateVoteEvidence): Uint8Array {
  return encodeCanonical([0, encodeMessage(ev.voteA), encodeMessage(ev.voteB)]);
}

export function decodeEvidence(bytes: Uint8Array): DuplicateVoteEvidence {
  if (bytes.length > 2 * MAX_MESSAGE_BYTES + 16) throw new ConsensusError("CONSENSUS_MESSAGE_TOO_LARGE", `evidence of ${bytes.length} bytes is too large`);
  let a: unknown[];
  try {
    a = asArray(decodeCanonical(bytes, "evidence"), "evidence", 3, 3);
  } catch (e) {
    if (e instanceof CodecError) throw new ConsensusError("CONSENSUS_MALFORMED_MESSAGE", e.message);
    throw e;
  }
  if (a[0] !== 0 || !(a[1] instanceof Uint8Array) || !(a[2] instanceof Uint8Array)) throw new ConsensusError("CONSENSUS_MALFORMED_MESSAGE", "evidence must be [0, vote bytes, vote bytes]");
  const va = decodeMessage(a[1]);
  const vb = decodeMessage(a[2]);
  if (va.kind !== "vote" || vb.kind !== "vote") throw new ConsensusError("CONSENSUS_MALFORMED_MESSAGE", "evidence must hold two votes");
  return { kind: "duplicate-vote", voteA: va, voteB: vb };
}
