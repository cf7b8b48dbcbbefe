/** Error codes of the p2p layer, shared by every transport plugin. Never change the meaning of a code. */
export type NetworkErrorCode =
  | "NET_BAD_CONFIG"
  | "NET_IDENTITY_IO"
  | "NET_MESSAGE_TOO_LARGE"
  | "NET_NOT_STARTED"
  | "NET_UNKNOWN_TOPIC"
  | "NET_SYNC_BAD_FRAME"
  | "NET_SYNC_TIMEOUT"
  | "NET_SYNC_NO_PEERS"
  | "NET_SYNC_APPLY_FAILED"
  | "NET_SYNC_ABORTED"
  | "NET_TXFETCH_BAD_FRAME";

export class NetworkError extends Error {
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "NetworkError";
  }
}
