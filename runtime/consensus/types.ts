import { toHex } from "../crypto/hash.ts";

/** Every block hash the consensus layer handles is a SHA-256 digest. */
export const HASH_BYTES = 32;

/** Wire numbers of the vote types (signed, so they never change). */
export const VOTE_TYPE_CODES = { prevote: 1, precommit: 2 } as const;
export type VoteType = keyof typeof VOTE_TYPE_CODES;

/** ⟨PROPOSAL, height, round, value, validRound⟩ of the paper; the value is a block hash. */
export interface Proposal {
  readonly height: number;
  readonly round: number;
  readonly blockHash: Uint8Array;
  /** The paper's validRound: -1, or the round of a prevote quorum for this value (< round). */
  readonly polRound: number;
  /** Address of the proposer. */
  readonly proposer: string;
}

/** ⟨PREVOTE|PRECOMMIT, height, round, id(v) | nil⟩ of the paper, tagged with its signer. */
export interface Vote {
  readonly type: VoteType;
  readonly height: number;
  readonly round: number;
  /** null is the paper's nil. */
  readonly blockHash: Uint8Array | null;
  readonly validator: string;
}

export interface SignedProposal {
  readonly kind: "proposal";
  readonly proposal: Proposal;
  readonly signature: Uint8Array;
}

export interface SignedVote {
  readonly kind: "vote";
  readonly vote: Vote;
  readonly signature: Uint8Array;
}

export type SignedMessage = SignedProposal | SignedVote;

/** Map key of a value: the hex of a block hash, or "nil". */
export type ValueKey = string;
export const NIL_KEY: ValueKey = "nil";

export function valueKey(h: Uint8Array | null): ValueKey {
  return h === null ? NIL_KEY : toHex(h);
}

export function messageHeight(m: SignedMessage): number {
  return m.kind === "proposal" ? m.proposal.height : m.vote.height;
}

export function messageRound(m: SignedMessage): number {
  return m.kind === "proposal" ? m.proposal.round : m.vote.round;
}

export function messageSigner(m: SignedMessage): string {
  return m.kind === "proposal" ? m.proposal.proposer : m.vote.validator;
}
