import { asArray, asBytes, asSafeUint, asString, CodecError, decodeCanonical, encodeCanonical } from "../codec/canonical.ts";
import { ConsensusError } from "./errors.ts";
import { HASH_BYTES, VOTE_TYPE_CODES, type Proposal, type SignedMessage, type Vote, type VoteType } from "./types.ts";
import { MAX_ADDRESS_CHARS } from "./validator-set.ts";

/** A proposal or vote is ~250 bytes; anything past this bound is rejected before decoding. */
export const MAX_MESSAGE_BYTES = 1024;
export const SIGNATURE_BYTES = 64;
/** Rounds beyond this are nonsense (timeouts grow linearly per round); reject them at the door. */
export const MAX_ROUND = 1_000_000;

const KIND_PROPOSAL = 0;
const KIND_VOTE = 1;

/** Wire form: [0, height, round, polRound, blockHash, proposer, sig] or [1, type, height, round, blockHash|null, validator, sig]. */
export function encodeMessage(m: SignedMessage): Uint8Array {
  if (m.kind === "proposal") {
    const p = m.proposal;
    return encodeCanonical([KIND_PROPOSAL, p.height, p.round, p.polRound, p.blockHash, p.proposer, m.signature]);
  }
  const v = m.vote;
  return encodeCanonical([KIND_VOTE, VOTE_TYPE_CODES[v.type], v.height, v.round, v.blockHash, v.validator, m.signature]);
}

/** Strict decode: size bound first, canonical CBOR only, every field checked. Throws ConsensusError. */
export function decodeMessage(bytes: Uint8Array): SignedMessage {
  if (!(bytes instanceof Uint8Array)) throw malformed("message must be bytes");
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new ConsensusError("CONSENSUS_MESSAGE_TOO_LARGE", `consensus message is ${bytes.length} bytes, the limit is ${MAX_MESSAGE_BYTES}`);
  }
  try {
    const a = asArray(decodeCanonical(bytes, "consensus message"), "consensus message", 7, 7);
    const kind = asSafeUint(a[0], "kind");
    if (kind === KIND_PROPOSAL) {
      const proposal: Proposal = {
        height: asSafeUint(a[1], "height"),
        round: asSafeUint(a[2], "round"),
        polRound: asPolRound(a[3]),
        blockHash: asBytes(a[4], "blockHash", HASH_BYTES),
        proposer: asString(a[5], "proposer", MAX_ADDRESS_CHARS),
      };
      checkProposal(proposal);
      return { kind: "proposal", proposal, signature: asBytes(a[6], "signature", SIGNATURE_BYTES) };
    }
    if (kind === KIND_VOTE) {
      const vote: Vote = {
        type: asVoteType(a[1]),
        height: asSafeUint(a[2], "height"),
        round: asSafeUint(a[3], "round"),
        blockHash: a[4] === null ? null : asBytes(a[4], "blockHash", HASH_BYTES),
        validator: asString(a[5], "validator", MAX_ADDRESS_CHARS),
      };
      checkVote(vote);
      return { kind: "vote", vote, signature: asBytes(a[6], "signature", SIGNATURE_BYTES) };
    }
    throw malformed(`unknown message kind ${kind}`);
  } catch (e) {
    if (e instanceof CodecError) throw malformed(e.message);
    throw e;
  }
}

/** Structural checks shared by the codec and the core (which may be fed objects directly). */
export function checkProposal(p: Proposal): void {
  checkHeightRound(p.height, p.round);
  if (!Number.isSafeInteger(p.polRound) || p.polRound < -1 || p.polRound >= p.round) {
    throw malformed(`polRound must be -1 or a round below ${p.round}, got ${p.polRound}`);
  }
  if (!(p.blockHash instanceof Uint8Array) || p.blockHash.length !== HASH_BYTES) throw malformed("proposal blockHash must be 32 bytes");
  checkAddress(p.proposer, "proposer");
}

export function checkVote(v: Vote): void {
  if (v.type !== "prevote" && v.type !== "precommit") throw malformed(`unknown vote type ${String(v.type)}`);
  checkHeightRound(v.height, v.round);
  if (v.blockHash !== null && (!(v.blockHash instanceof Uint8Array) || v.blockHash.length !== HASH_BYTES)) throw malformed("vote blockHash must be 32 bytes or nil");
  checkAddress(v.validator, "validator");
}

function checkHeightRound(height: number, round: number): void {
  if (!Number.isSafeInteger(height) || height < 1) throw malformed(`height must be a positive integer, got ${height}`);
  if (!Number.isSafeInteger(round) || round < 0 || round > MAX_ROUND) throw malformed(`round must be 0..${MAX_ROUND}, got ${round}`);
}

function checkAddress(a: string, field: string): void {
  if (typeof a !== "string" || a.length === 0 || a.length > MAX_ADDRESS_CHARS) throw malformed(`${field} must be a non-empty address of at most ${MAX_ADDRESS_CHARS} characters`);
}

function asPolRound(v: unknown): number {
  if (v === -1) return -1;
  return asSafeUint(v, "polRound");
}

function asVoteType(v: unknown): VoteType {
  const code = asSafeUint(v, "vote type");
  for (const [name, c] of Object.entries(VOTE_TYPE_CODES)) if (c === code) return name as VoteType;
  throw malformed(`unknown vote type ${code}`);
}

function malformed(m: string): ConsensusError {
  return new ConsensusError("CONSENSUS_MALFORMED_MESSAGE", m);
}
