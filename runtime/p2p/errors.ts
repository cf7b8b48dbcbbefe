import { defineErrors } from "../errors.ts";

/**
 * Error codes of the p2p layer, shared by every transport plugin (codespace "p2p"). Append
 * only: never renumber; a retired code stays as a comment.
 */
export const P2P_ERRORS = {
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
  TRANSPORT_STOPPED: 12,
  TRANSPORT_SYNC_FAILED: 13,
  TRANSPORT_FETCH_FAILED: 14,
} as const;

export type NetworkErrorCode = Exclude<keyof typeof P2P_ERRORS, `TRANSPORT_${string}`>;

/** Base of the p2p layer's errors. */
export const P2pErrors = defineErrors("p2p", P2P_ERRORS);

export class NetworkError extends P2pErrors<NetworkErrorCode> {}
