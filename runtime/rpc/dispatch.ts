import type { Logger } from "pino";
import type { NodeApi } from "../node/node-api.ts";
import { compileMethods, METHOD_NAMES, type CallContext, type CompiledMethod } from "./methods.ts";
import { RPC_ERRORS, toErrorObject, type JsonRpcId, type JsonRpcResponse } from "./protocol.ts";

export const DEFAULT_MAX_BATCH = 1000;

export type Transport = "http" | "ws";

/** What one HTTP body or WebSocket message produces: nothing for notifications only. */
export type DispatchResult = JsonRpcResponse | JsonRpcResponse[] | undefined;

function errorResponse(id: JsonRpcId, code: number, message: string): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function isId(x: unknown): x is JsonRpcId {
  return x === null || typeof x === "string" || (typeof x === "number" && Number.isFinite(x));
}

/** Transport-independent JSON-RPC 2.0 processing shared by HTTP and WebSocket. */
export class RpcDispatcher {
  private readonly methods: Map<string, CompiledMethod>;

  constructor(
    private readonly api: NodeApi,
    private readonly opts: { maxBatch?: number; logger?: Logger } = {},
  ) {
    this.methods = compileMethods();
  }

  async handleText(text: string, transport: Transport, ctx: CallContext = {}): Promise<DispatchResult> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      return errorResponse(null, RPC_ERRORS.PARSE_ERROR, `parse error: ${(e as Error).message}`);
    }
    return this.handleMessage(msg, transport, ctx);
  }

  async handleMessage(msg: unknown, transport: Transport, ctx: CallContext = {}): Promise<DispatchResult> {
    if (!Array.isArray(msg)) return this.handleOne(msg, transport, ctx);
    const max = this.opts.maxBatch ?? DEFAULT_MAX_BATCH;
    if (msg.length === 0) return errorResponse(null, RPC_ERRORS.INVALID_REQUEST, "invalid request: empty batch");
    if (msg.length > max) return errorResponse(null, RPC_ERRORS.INVALID_REQUEST, `invalid request: batch has ${msg.length} requests, the limit is ${max}; split it`);
    // Members run concurrently: a batch of transactions is checked in parallel by the node.
    const all = await Promise.all(msg.map((m) => this.handleOne(m, transport, ctx)));
    const out = all.filter((r): r is JsonRpcResponse => r !== undefined);
    return out.length ? out : undefined;
  }

  private async handleOne(req: unknown, transport: Transport, ctx: CallContext): Promise<JsonRpcResponse | undefined> {
    if (typeof req !== "object" || req === null || Array.isArray(req)) {
      return errorResponse(null, RPC_ERRORS.INVALID_REQUEST, "invalid request: expected a JSON-RPC 2.0 request object");
    }
    const r = req as Record<string, unknown>;
    const hasId = "id" in r;
    const id = hasId && isId(r.id) ? r.id : null;
    if (r.jsonrpc !== "2.0") return errorResponse(id, RPC_ERRORS.INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"');
    if (typeof r.method !== "string") return errorResponse(id, RPC_ERRORS.INVALID_REQUEST, 'invalid request: "method" must be a string');
    if (hasId && !isId(r.id)) return errorResponse(null, RPC_ERRORS.INVALID_REQUEST, 'invalid request: "id" must be a string, a number or null');
    if (r.params !== undefined && (typeof r.params !== "object" || r.params === null)) {
      return errorResponse(id, RPC_ERRORS.INVALID_REQUEST, 'invalid request: "params" must be an array or an object');
    }
    const m = this.methods.get(r.method);
    let response: JsonRpcResponse;
    if (!m) {
      response = errorResponse(id, RPC_ERRORS.METHOD_NOT_FOUND, `method "${r.method.slice(0, 64)}" not found; available: ${METHOD_NAMES.join(", ")}`);
    } else if (m.def.wsOnly && transport !== "ws") {
      response = errorResponse(id, RPC_ERRORS.METHOD_NOT_FOUND, `method "${r.method}" is available only over WebSocket (GET /ws)`);
    } else {
      try {
        response = { jsonrpc: "2.0", id, result: (await m.call(this.api, r.params, ctx)) ?? null };
      } catch (e) {
        const { error, internal } = toErrorObject(e);
        if (internal) this.opts.logger?.error({ err: e, method: r.method }, "RPC handler failed");
        response = { jsonrpc: "2.0", id, error };
      }
    }
    // A notification (no id) gets no response, even on error (JSON-RPC 2.0 §4.1).
    return hasId ? response : undefined;
  }
}
