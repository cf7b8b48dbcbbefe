import { encodeCanonical } from "../codec/canonical.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { ConsensusError } from "./errors.ts";
import { VOTE_TYPE_CODES, type Proposal, type SignedMessage, type SignedProposal, type SignedVote, type Vote } from "./types.ts";
import type { ValidatorSet } from "./validator-set.ts";

/** Domain tags: a consensus signature can never be replayed as a transaction or another message kind. */
export const PROPOSAL_DOMAIN = "nexus/consensus/proposal/v1";
export const VOTE_DOMAIN = "nexus/consensus/vote/v1";

/** Canonical CBOR of [domain, chainId, height, round, polRound, blockHash, proposer]. */
export function proposalSignBytes(chainId: string, p: Proposal): Uint8Array {
  return encodeCanonical([PROPOSAL_DOMAIN, chainId, p.height, p.round, p.polRound, p.blockHash, p.proposer]);
}

/** Canonical CBOR of [domain, chainId, type (1 prevote, 2 precommit), height, round, blockHash | null, validator]. */
export function voteSignBytes(chainId: string, v: Vote): Uint8Array {
  return encodeCanonical([VOTE_DOMAIN, chainId, VOTE_TYPE_CODES[v.type], v.height, v.round, v.blockHash, v.validator]);
}

/** Whatever holds the consensus key: in-process, a remote signer or an HSM. */
export interface ConsensusSigner {
  readonly address: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function ed25519Signer(address: string, secretKey: Uint8Array): ConsensusSigner {
  const { publicKey } = ed25519.generate(secretKey);
  return { address, publicKey, sign: (m) => ed25519.sign(secretKey, m) };
}

export function signProposal(chainId: string, signer: ConsensusSigner, p: Proposal): SignedProposal {
  if (p.proposer !== signer.address) throw new ConsensusError("CONSENSUS_BAD_STATE", `signer ${signer.address} cannot sign a proposal of ${p.proposer}`);
  return { kind: "proposal", proposal: p, signature: signer.sign(proposalSignBytes(chainId, p)) };
}

export function signVote(chainId: string, signer: ConsensusSigner, v: Vote): SignedVote {
  if (v.validator !== signer.address) throw new ConsensusError("CONSENSUS_BAD_STATE", `signer ${signer.address} cannot sign a vote of ${v.validator}`);
  return { kind: "vote", vote: v, signature: signer.sign(voteSignBytes(chainId, v)) };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Check a received message's signer is in the set and its signature verifies. */
export function verifyMessageSignature(chainId: string, set: ValidatorSet, m: SignedMessage): Verdict {
  const signer = m.kind === "proposal" ? m.proposal.proposer : m.vote.validator;
  const v = set.get(signer);
  if (!v) return { ok: false, reason: `${signer} is not in the validator set` };
  const bytes = m.kind === "proposal" ? proposalSignBytes(chainId, m.proposal) : voteSignBytes(chainId, m.vote);
  return ed25519.verify(v.publicKey, bytes, m.signature) ? { ok: true } : { ok: false, reason: `bad signature by ${signer}` };
}
