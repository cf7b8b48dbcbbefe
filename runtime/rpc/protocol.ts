import { TxError } from "../tx/errors.ts";

/**
 * JSON-RPC 2.0 wire types and the error codes NexusOS uses. Codes are API: never renumber.
 *
 *   -32700 parse error           the body is not JSON
 *   -32600 invalid request       not a JSON-RPC 2.0 request object, empty or oversized batch, body too large
 *   -32601 method not found      (also: a WebSocket-only method called over HTTP)
 *   -32602 invalid params        message names the parameter and the reason
 *   -32603 internal error        unexpected failure; details go to the node log, never to clients
 *   -32000 node error            a typed error from the node (query path unknown, ...): data.code names it
 *   -32000-n transaction rejected  n = TX_ERRORS number (TX_BAD_SIGNATURE = 3 → -32003); data.code, data.number
 *   -32099 too many subscriptions on this socket
 */
export const RPC_ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  NODE_ERROR: -32000,
  TX_REJECTED_BASE: -32000,
  SUBSCRIPTION_LIMIT: -32099,
} as const;

export type JsonRpcId = string | number | null;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  method: string;
  params?: unknown[] | Record<string, unknown>;
  id?: JsonRpcId;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: JsonRpcId; result: unknown }
  | { jsonrpc: "2.0"; id: JsonRpcId; error: JsonRpcErrorObject };

export interface JsonRpcNotification {
  jsonrpc: "2.0";
  method: string;
  params: unknown;
}

/** An error that reaches the client as-is (code, message, data). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** RPC code of a transaction rejection: -32000 minus its TX_ERRORS number. */
export function txErrorRpcCode(txErrorNumber: number): number {
  return RPC_ERRORS.TX_REJECTED_BASE - txErrorNumber;
}

/**
 * Map anything thrown by a handler to what the client sees. Unknown errors become a bare
 * "internal error" (the caller logs the original), so stack traces never leave the node.
 */
export function toErrorObject(e: unknown): { error: JsonRpcErrorObject; internal: boolean } {
  if (e instanceof RpcError) return { error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) }, internal: false };
  if (e instanceof TxError) {
    return { error: { code: txErrorRpcCode(e.number), message: e.message, data: { ...e.context, code: e.code, number: e.number } }, internal: false };
  }
  const typed = e as { code?: unknown; context?: unknown; message?: unknown };
  // Our typed errors use MODULE_REASON codes; Node's own (ENOENT, ERR_*) stay internal.
  if (e instanceof Error && typeof typed.code === "string" && /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(typed.code) && !typed.code.startsWith("ERR_")) {
    const ctx = typed.context;
    const data = { ...(ctx && typeof ctx === "object" ? ctx : {}), code: typed.code };
    return { error: { code: RPC_ERRORS.NODE_ERROR, message: e.message, data }, internal: false };
  }
  return { error: { code: RPC_ERRORS.INTERNAL_ERROR, message: "internal error (see the node log)" }, internal: true };
}

/** JSON with bigint as decimal strings and bytes as hex: error contexts may hold either. */
export function stringifyJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === "bigint") return x.toString();
    if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("hex");
    return x;
  });
}
