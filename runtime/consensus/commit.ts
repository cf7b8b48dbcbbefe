import { asArray, asBytes, asSafeUint, asString, CodecError, decodeCanonical, encodeCanonical } from "../codec/canonical.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { bytesEqual } from "../crypto/hash.ts";
import { ConsensusError } from "./errors.ts";
import { MAX_ROUND, SIGNATURE_BYTES } from "./codec.ts";
import { voteSignBytes } from "./signing.ts";
import { HASH_BYTES, type SignedVote } from "./types.ts";
import { MAX_ADDRESS_CHARS, MAX_VALIDATORS, type ValidatorSet } from "./validator-set.ts";

/** The precommits that committed a block: stored with the block, enough for a light client. */
export interface CommitCertificate {
  readonly height: number;
  readonly round: number;
  readonly blockHash: Uint8Array;
  /** Sorted by validator address, one per validator. */
  readonly signatures: readonly CommitSignature[];
}

export interface CommitSignature {
  readonly validator: string;
  readonly signature: Uint8Array;
}

export type CommitFailure =
  | "COMMIT_WRONG_HEIGHT"
  | "COMMIT_WRONG_BLOCK"
  | "COMMIT_MALFORMED"
  | "COMMIT_UNSORTED"
  | "COMMIT_DUPLICATE_SIGNER"
  | "COMMIT_UNKNOWN_SIGNER"
  | "COMMIT_BAD_SIGNATURE"
  | "COMMIT_NO_QUORUM"
  | "COMMIT_NOT_DIVERSE";

export type CommitVerdict = { ok: true } | { ok: false; code: CommitFailure; reason: string };

/** Build a certificate from precommits for one (height, round, blockHash). */
export function buildCommit(precommits: readonly SignedVote[]): CommitCertificate {
  const first = precommits[0];
  if (!first || first.vote.blockHash === null) throw new ConsensusError("CONSENSUS_BAD_STATE", "a commit needs precommits for a block");
  const { height, round, blockHash } = first.vote;
  for (const p of precommits) {
    const v = p.vote;
    if (v.type !== "precommit" || v.height !== height || v.round !== round || !v.blockHash || !bytesEqual(v.blockHash, blockHash)) {
      throw new ConsensusError("CONSENSUS_BAD_STATE", "commit precommits must share type, height, round and block");
    }
  }
  const signatures = precommits
    .map((p) => ({ validator: p.vote.validator, signature: p.signature }))
    .sort((a, b) => (a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0));
  return { height, round, blockHash, signatures };
}

/**
 * Verify that `cert` commits `blockHash` at `height` under `set` (the set of that height):
 * every signature verifies as a precommit, signers are distinct members, their power is
 * > 2/3 of the total, and they span at least min(5, populated bands) bands. Pure: no node state.
 */
/**
 * `verifySig` defaults to Ed25519 in this thread; a node may pass one that answers from
 * checks it already ran elsewhere (on worker threads) for exactly these bytes.
 */
export function verifyCommit(
  chainId: string,
  set: ValidatorSet,
  height: number,
  blockHash: Uint8Array,
  cert: CommitCertificate,
  verifySig: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean = (k, m, s) => ed25519.verify(k, m, s),
): CommitVerdict {
  const fail = (code: CommitFailure, reason: string): CommitVerdict => ({ ok: false, code, reason });
  if (cert.height !== height) return fail("COMMIT_WRONG_HEIGHT", `certificate is for height ${cert.height}, expected ${height}`);
  if (!(cert.blockHash instanceof Uint8Array) || !bytesEqual(cert.blockHash, blockHash)) return fail("COMMIT_WRONG_BLOCK", "certificate commits a different block");
  if (!Number.isSafeInteger(cert.round) || cert.round < 0 || cert.round > MAX_ROUND) return fail("COMMIT_MALFORMED", `bad round ${cert.round}`);
  if (!Array.isArray(cert.signatures) || cert.signatures.length === 0 || cert.signatures.length > set.size) {
    return fail("COMMIT_MALFORMED", `certificate must carry 1..${set.size} signatures`);
  }
  let power = 0n;
  const bands = new Set<number>();
  let prev: string | undefined;
  for (const s of cert.signatures) {
    if (prev !== undefined && s.validator === prev) return fail("COMMIT_DUPLICATE_SIGNER", `${s.validator} signed twice`);
    if (prev !== undefined && s.validator < prev) return fail("COMMIT_UNSORTED", "signatures must be sorted by validator address");
    prev = s.validator;
    const v = set.get(s.validator);
    if (!v) return fail("COMMIT_UNKNOWN_SIGNER", `${s.validator} is not in the validator set`);
    const bytes = voteSignBytes(chainId, { type: "precommit", height, round: cert.round, blockHash, validator: s.validator });
    if (!verifySig(v.publicKey, bytes, s.signature)) return fail("COMMIT_BAD_SIGNATURE", `precommit signature of ${s.validator} does not verify`);
    power += v.power;
    bands.add(v.band);
  }
  if (!set.hasQuorum(power)) return fail("COMMIT_NO_QUORUM", `signers hold ${power} of ${set.totalPower} voting power, more than 2/3 is required`);
  if (bands.size < set.requiredBands) return fail("COMMIT_NOT_DIVERSE", `signers span ${bands.size} bands, ${set.requiredBands} are required`);
  return { ok: true };
}

/** [height, round, blockHash, [[validator, signature], ...]] */
export function encodeCommit(c: CommitCertificate): Uint8Array {
  return encodeCanonical([c.height, c.round, c.blockHash, c.signatures.map((s) => [s.validator, s.signature])]);
}

export function decodeCommit(bytes: Uint8Array): CommitCertificate {
  // Bounded by the largest honest certificate: MAX_VALIDATORS entries of address + signature.
  if (bytes.length > 64 + MAX_VALIDATORS * (MAX_ADDRESS_CHARS + SIGNATURE_BYTES + 8)) {
    throw new ConsensusError("CONSENSUS_MESSAGE_TOO_LARGE", `commit certificate of ${bytes.length} bytes is too large`);
  }
  try {
    const a = asArray(decodeCanonical(bytes, "commit certificate"), "commit certificate", 4, 4);
    const sigs = asArray(a[3], "signatures", 1, MAX_VALIDATORS).map((e, i) => {
      const pair = asArray(e, `signatures[${i}]`, 2, 2);
      return { validator: asString(pair[0], `signatures[${i}].validator`, MAX_ADDRESS_CHARS), signature: asBytes(pair[1], `signatures[${i}].signature`, SIGNATURE_BYTES) };
    });
    return { height: asSafeUint(a[0], "height"), round: asSafeUint(a[1], "round"), blockHash: asBytes(a[2], "blockHash", HASH_BYTES), signatures: sigs };
  } catch (e) {
    if (e instanceof CodecError) throw new ConsensusError("CONSENSUS_MALFORMED_MESSAGE", e.message);
    throw e;
  }
}
