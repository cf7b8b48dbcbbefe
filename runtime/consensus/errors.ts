/** Error codes of the consensus module. Never change the meaning of a code. */
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

export class ConsensusError extends Error {
  constructor(
    readonly code: ConsensusErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ConsensusError";
  }
}
