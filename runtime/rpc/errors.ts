import { defineErrors } from "../errors.ts";

/**
 * Error codes of the RPC package (server-side errors and amount parsing). Append only; a
 * retired code stays here as a comment. These are the symbolic codes (data.code); the
 * JSON-RPC numbers a client sees are RPC_ERRORS in protocol.ts.
 */
export const RPC_PACKAGE_ERRORS = {
  AMOUNT_INVALID: 1,
  RPC_PARSE_ERROR: 2,
  RPC_INVALID_REQUEST: 3,
  RPC_METHOD_NOT_FOUND: 4,
  RPC_INVALID_PARAMS: 5,
  RPC_INTERNAL_ERROR: 6,
  RPC_NODE_ERROR: 7,
  RPC_SUBSCRIPTION_LIMIT: 8,
  RPC_CONNECTION_LIMIT: 9,
  RPC_RATE_LIMITED: 10,
} as const;

export type RpcPackageErrorCode = keyof typeof RPC_PACKAGE_ERRORS;

/** Base of the RPC package's errors (codespace "rpc"). */
export const RpcErrors = defineErrors("rpc", RPC_PACKAGE_ERRORS);
