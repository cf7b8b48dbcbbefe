import { defineErrors } from "../errors.ts";

/**
 * Error codes of consensus: the BFT engine and its node glue (validator sets, transaction
 * batches, the transport port). Append only: never change the meaning of a code or its
 * number; a retired code stays here as a comment.
 */
export const CONSENSUS_ERRORS = {
  CONSENSUS_MALFORMED_MESSAGE: 1,
  CONSENSUS_MESSAGE_TOO_LARGE: 2,
  CONSENSUS_BAD_VALIDATOR_SET: 3,
  CONSENSUS_UNKNOWN_VALIDATOR: 4,
  CONSENSUS_BAD_SIGNATURE: 5,
  CONSENSUS_CONFLICTING_SIGNATURE: 6,
  CONSENSUS_WAL_CORRUPT: 7,
  CONSENSUS_WAL_IO: 8,
  CONSENSUS_BAD_STATE: 9,
  CONSENSUS_NO_VALIDATORS: 10, // ConsensusNodeError (node glue)
  CONSENSUS_NO_VALIDATOR_SET: 11, // ConsensusNodeError
  TX_BATCH_MALFORMED: 12, // TxBatchError
  TRANSPORT_STOPPED: 13, // retired: TransportError moved to the p2p table (runtime/p2p/errors.ts)
  TRANSPORT_SYNC_FAILED: 14, // retired (p2p)
  TRANSPORT_FETCH_FAILED: 15, // retired (p2p)
  CONSENSUS_OLD_VALIDATOR_SET: 16, // a validator set stored before sets carried their updates: resync
} as const;

/** Codes of the engine's own ConsensusError. */
export type ConsensusErrorCode =
  | "CONSENSUS_MALFORMED_MESSAGE"
  | "CONSENSUS_MESSAGE_TOO_LARGE"
  | "CONSENSUS_BAD_VALIDATOR_SET"
  | "CONSENSUS_UNKNOWN_VALIDATOR"
  | "CONSENSUS_BAD_SIGNATURE"
  | "CONSENSUS_CONFLICTING_SIGNATURE"
  | "CONSENSUS_WAL_CORRUPT"
  | "CONSENSUS_WAL_IO"
  | "CONSENSUS_BAD_STATE";

/** Base of every consensus error (codespace "consensus"). */
export const ConsensusErrors = defineErrors("consensus", CONSENSUS_ERRORS);

export class ConsensusError extends ConsensusErrors<ConsensusErrorCode> {}
