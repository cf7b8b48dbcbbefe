import { defineErrors } from "../../../runtime/errors.ts";

/** Error codes of the libp2p network plugin. Never change the meaning of a code. */
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

/** The same codes with their numbers (codespace "libp2p"): append only; a retired code stays as a comment. */
export const NETWORK_ERRORS = {
  NET_BAD_CONFIG: 1,
  NET_IDENTITY_IO: 2,
  NET_MESSAGE_TOO_LARGE: 3,
  NET_NOT_STARTED: 4,
  NET_UNKNOWN_TOPIC: 5,
  NET_SYNC_BAD_FRAME: 6,
  NET_SYNC_TIMEOUT: 7,
  NET_SYNC_NO_PEERS: 8,
  NET_SYNC_APPLY_FAILED: 9,
  NET_SYNC_ABORTED: 10,
  NET_TXFETCH_BAD_FRAME: 11,
} as const satisfies Record<NetworkErrorCode, number>;

export class NetworkError extends defineErrors("libp2p", NETWORK_ERRORS) {}
