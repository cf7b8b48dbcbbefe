import { NexusError } from "../errors.ts";
import { TxError } from "../tx/errors.ts";
import { RpcErrors, type RpcPackageErrorCode } from "./errors.ts";

/**
 * JSON-RPC 2.0 wire types and the error codes NexusOS uses. Codes are API: never renumber.
 *
 *   -32700 parse error           the body is not JSON
 *   -32600 invalid request       not a JSON-RPC 2.0 request object, empty or oversized batch, body too large
 *   -32601 method not found      (also: a WebSocket-only method called over HTTP)
 *   -32602 invalid params        message names the parameter and the reason
 *   -32603 internal error        anything thrown that is not a NexusError; details go to the node log only
 *   -32000 node error            any other NexusError (query path unknown, bad address, ...)
 *   -32000-n transaction rejected  a TxError; n = its TX_ERRORS number (TX_BAD_SIGNATURE = 3 → -32003)
 *   -32099 too many subscriptions on this socket
 *
 * Every NexusError's data is { code, codespace, number?, context } (toErrorObject below).
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
  /** The node holds as many WebSocket connections as its config allows (total or per address). */
  CONNECTION_LIMIT: -32098,
  /** Too many HTTP requests from one client address (HTTP 429). */
  RATE_LIMITED: -32097,
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

const RPC_CODE_NAMES: ReadonlyMap<number, RpcPackageErrorCode> = new Map([
  [RPC_ERRORS.PARSE_ERROR, "RPC_PARSE_ERROR"],
  [RPC_ERRORS.INVALID_REQUEST, "RPC_INVALID_REQUEST"],
  [RPC_ERRORS.METHOD_NOT_FOUND, "RPC_METHOD_NOT_FOUND"],
  [RPC_ERRORS.INVALID_PARAMS, "RPC_INVALID_PARAMS"],
  [RPC_ERRORS.INTERNAL_ERROR, "RPC_INTERNAL_ERROR"],
  [RPC_ERRORS.NODE_ERROR, "RPC_NODE_ERROR"],
  [RPC_ERRORS.SUBSCRIPTION_LIMIT, "RPC_SUBSCRIPTION_LIMIT"],
  [RPC_ERRORS.CONNECTION_LIMIT, "RPC_CONNECTION_LIMIT"],
  [RPC_ERRORS.RATE_LIMITED, "RPC_RATE_LIMITED"],
]);

/**
 * A protocol-level error that reaches the client as-is: JSON-RPC code `rpcCode`, message and
 * data. Its NexusError code is the symbolic name of rpcCode (RPC_INVALID_PARAMS …).
 */
export class RpcError extends RpcErrors<RpcPackageErrorCode> {
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(RPC_CODE_NAMES.get(rpcCode) ?? "RPC_NODE_ERROR", message);
  }
}

/** RPC code of a transaction rejection: -32000 minus its TX_ERRORS number. */
export function txErrorRpcCode(txErrorNumber: number): number {
  return RPC_ERRORS.TX_REJECTED_BASE - txErrorNumber;
}

/** The JSON-RPC code of a NexusError, by category: stable, documented in docs/rpc.md. */
export function rpcCodeOf(e: NexusError): number {
  if (e instanceof RpcError) return e.rpcCode;
  if (e instanceof TxError) return txErrorRpcCode(e.number);
  return RPC_ERRORS.NODE_ERROR;
}

/** What `data` of a NexusError's JSON-RPC error holds. */
export interface NexusErrorData {
  code: string;
  codespace: string;
  number?: number;
  context: Record<string, unknown>;
}

/** A context that cannot be serialised (a cycle, say) is dropped rather than failing the answer. */
function serialisableContext(context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    stringifyJson(context);
    return context;
  } catch {
    return {};
  }
}

export function nexusErrorData(e: NexusError): NexusErrorData {
  return { code: e.code, codespace: e.codespace, ...(e.number !== undefined ? { number: e.number } : {}), context: serialisableContext(e.context) };
}

/**
 * Map anything thrown by a handler to what the client sees, by type: an RpcError as it is,
 * any other NexusError with its category's code and data { code, codespace, number?, context }.
 * Anything else is a bare "internal error" (internal: true, the caller logs the original), so
 * stack traces and Node's own errors (ENOENT, ERR_*) never leave the node.
 */
export function toErrorObject(e: unknown): { error: JsonRpcErrorObject; internal: boolean } {
  if (e instanceof RpcError) return { error: { code: e.rpcCode, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) }, internal: false };
  if (e instanceof NexusError) return { error: { code: rpcCodeOf(e), message: e.message, data: nexusErrorData(e) }, internal: false };
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
