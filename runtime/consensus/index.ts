/**
 * PoSPECTRUM consensus: Tendermint BFT with the spectral-diversity commit rule.
 * See docs/consensus.md for the algorithm, message formats and how a node drives it.
 */
export { ConsensusError, type ConsensusErrorCode } from "./errors.ts";
export * from "./types.ts";
export { ValidatorSet, MAX_VALIDATORS, MAX_TOTAL_POWER, DIVERSITY_BANDS_CAP, type Validator, type ValidatorChange } from "./validator-set.ts";
export {
  PROPOSAL_DOMAIN,
  VOTE_DOMAIN,
  proposalSignBytes,
  voteSignBytes,
  ed25519Signer,
  signProposal,
  signVote,
  verifyMessageSignature,
  type ConsensusSigner,
  type Verdict,
} from "./signing.ts";
export { encodeMessage, decodeMessage, checkProposal, checkVote, MAX_MESSAGE_BYTES, MAX_ROUND, SIGNATURE_BYTES } from "./codec.ts";
export { buildCommit, verifyCommit, encodeCommit, decodeCommit, type CommitCertificate, type CommitSignature, type CommitVerdict, type CommitFailure } from "./commit.ts";
export { duplicateVoteEvidence, verifyDuplicateVoteEvidence, encodeEvidence, decodeEvidence, type DuplicateVoteEvidence, type EvidenceVerdict } from "./evidence.ts";
export { ConsensusCore, MAX_FUTURE_ROUNDS_PER_VALIDATOR, MAX_ROUND_LOOKAHEAD, type CoreOptions } from "./core/state-machine.ts";
export * from "./core/types.ts";
export { SignGuard } from "./sign-guard.ts";
export { ConsensusDriver, type DriverEffect, type DriverOptions } from "./driver.ts";
export type { Wal } from "./wal/wal.ts";
export { FileWal } from "./wal/file-wal.ts";
export { MemoryWal } from "./wal/memory-wal.ts";
export { encodeRecord, decodeRecord, type WalRecord } from "./wal/records.ts";
export { frame, parseFrames, MAX_RECORD_BYTES } from "./wal/framing.ts";
