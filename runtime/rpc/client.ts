import WebSocket from "ws";
import { toHex } from "../crypto/hash.ts";
import type { AccountView, BlockView, ChainStatus, CoinView, ProofView, ReceiptView, TxStatusView } from "../node/node-api.ts";
import type { EventFilter } from "./methods.ts";
import type { JsonRpcErrorObject, JsonRpcResponse } from "./protocol.ts";
import type { EventNotification, NewBlockNotification } from "./subscriptions.ts";

export { buildTx, type BuildTxOptions } from "./tx-builder.ts";
export { Amounts, AmountError } from "./amounts.ts";
export type { EventFilter, EventNotification, NewBlockNotification };

export const DEFAULT_RPC_URL = "http://127.0.0.1:7700";

/**
 * A JSON-RPC error from the node, or a transport failure (code CLIENT_*). Not a NexusError:
 * its `code` is the JSON-RPC number clients switch on; the node's NexusError arrives as
 * `codeName` and `data` = { code, codespace, number?, context } (docs/rpc.md).
 */
export class RpcClientError extends Error {
  /** JSON-RPC error code (negative), or 0 for a transport failure. */
  readonly code: number;
  readonly data: unknown;
  /** Symbolic code: data.code from the node ("TX_BAD_SIGNATURE" ...), or CLIENT_UNREACHABLE / CLIENT_TIMEOUT / CLIENT_BAD_RESPONSE / CLIENT_BAD_URL. */
  readonly codeName: string;
  constructor(code: number, message: string, data?: unknown, codeName?: string) {
    super(message);
    this.name = "RpcClientError";
    this.code = code;
    this.data = data;
    const dc = data && typeof data === "object" ? (data as { code?: unknown }).code : undefined;
    this.codeName = codeName ?? (typeof dc === "string" ? dc : `RPC_${-code}`);
  }
  static from(e: JsonRpcErrorObject): RpcClientError {
    return new RpcClientError(e.code, e.message, e.data);
  }
}

export type BatchItem<T> = { ok: true; result: T } | { ok: false; error: RpcClientError };

/** Typed HTTP client of the NexusOS JSON-RPC API (docs/rpc.md). */
export class NexusClient {
  private nextId = 1;
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(url: string = DEFAULT_RPC_URL, opts: { timeoutMs?: number } = {}) {
    // A malformed URL is the caller's mistake, not an unreachable node: say which.
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new RpcClientError(0, `"${url}" is not a node URL: write it like http://127.0.0.1:7700 (http or https, host and port)`, undefined, "CLIENT_BAD_URL");
    }
    this.url = url;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private async post(payload: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === "TimeoutError") throw new RpcClientError(0, `node at ${this.url} did not answer within ${this.timeoutMs} ms`, undefined, "CLIENT_TIMEOUT");
      const why = err.cause?.code ?? err.message;
      throw new RpcClientError(0, `cannot reach a node at ${this.url} (${why}); is it running? start one with \`nexus start --dev\` or pass --node <url>`, undefined, "CLIENT_UNREACHABLE");
    }
    const text = await res.text();
    if (res.status === 204) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new RpcClientError(0, `node at ${this.url} answered HTTP ${res.status} with a body that is not JSON`, undefined, "CLIENT_BAD_RESPONSE");
    }
  }

  /** Call any method; throws RpcClientError on a JSON-RPC error. */
  async call<T>(method: string, params: unknown[] | Record<string, unknown> = []): Promise<T> {
    const r = (await this.post({ jsonrpc: "2.0", id: this.nextId++, method, params })) as JsonRpcResponse;
    if (!r || typeof r !== "object") throw new RpcClientError(0, "empty response", undefined, "CLIENT_BAD_RESPONSE");
    if ("error" in r) throw RpcClientError.from(r.error);
    return r.result as T;
  }

  /** One HTTP request carrying many calls; results come back in call order. */
  async batch<T = unknown>(calls: { method: string; params?: unknown[] | Record<string, unknown> }[]): Promise<BatchItem<T>[]> {
    if (calls.length === 0) return [];
    const base = this.nextId;
    this.nextId += calls.length;
    const rs = await this.post(calls.map((c, i) => ({ jsonrpc: "2.0", id: base + i, method: c.method, params: c.params ?? [] })));
    if (!Array.isArray(rs)) {
      const e = rs as { error?: JsonRpcErrorObject };
      throw e?.error ? RpcClientError.from(e.error) : new RpcClientError(0, "batch answer is not an array", undefined, "CLIENT_BAD_RESPONSE");
    }
    const byId = new Map<unknown, JsonRpcResponse>();
    for (const r of rs as JsonRpcResponse[]) byId.set(r.id, r);
    return calls.map((_, i) => {
      const r = byId.get(base + i);
      if (!r) return { ok: false, error: new RpcClientError(0, "no answer for this call in the batch", undefined, "CLIENT_BAD_RESPONSE") };
      return "error" in r ? { ok: false, error: RpcClientError.from(r.error) } : { ok: true, result: r.result as T };
    });
  }

  status(): Promise<ChainStatus> {
    return this.call("nexus_status");
  }
  sendTx(tx: Uint8Array): Promise<{ hash: string }> {
    return this.call("nexus_sendTx", [toHex(tx)]);
  }
  /** Submit many transactions in batches of `chunk` (default 500) per HTTP request. */
  async sendTxs(txs: Uint8Array[], chunk = 500): Promise<BatchItem<{ hash: string }>[]> {
    const out: BatchItem<{ hash: string }>[] = [];
    for (let i = 0; i < txs.length; i += chunk) {
      out.push(...(await this.batch<{ hash: string }>(txs.slice(i, i + chunk).map((t) => ({ method: "nexus_sendTx", params: [toHex(t)] })))));
    }
    return out;
  }
  getTx(hash: string): Promise<TxStatusView> {
    return this.call("nexus_getTx", [hash]);
  }
  getBlock(ref: number | string): Promise<BlockView | null> {
    return this.call("nexus_getBlock", [ref]);
  }
  getAccount(address: string): Promise<AccountView> {
    return this.call("nexus_getAccount", [address]);
  }
  getBalance(address: string, denom = "nxt"): Promise<CoinView> {
    return this.call("nexus_getBalance", [address, denom]);
  }
  getProof(keyHex: string): Promise<ProofView> {
    return this.call("nexus_getProof", [keyHex]);
  }
  proveBalance(address: string, denom = "nxt"): Promise<ProofView> {
    return this.call("nexus_proveBalance", [address, denom]);
  }
  query<T = unknown>(path: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.call("nexus_query", [path, params]);
  }
  params(): Promise<Record<string, unknown>> {
    return this.call("nexus_params");
  }

  /**
   * Poll until the transaction is committed; throws CLIENT_TIMEOUT after timeoutMs. Given the
   * transaction's sender and nonce, a transaction the node no longer knows whose nonce the account
   * has already used (another transaction of the same account took it, and the mempool dropped
   * this one) throws TX_DROPPED at once instead of waiting out the timeout.
   */
  async waitForTx(hash: string, opts: { timeoutMs?: number; intervalMs?: number; sender?: string; nonce?: bigint } = {}): Promise<ReceiptView> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const interval = opts.intervalMs ?? 200;
    for (;;) {
      const s = await this.getTx(hash);
      if (s.status === "committed") return s.receipt;
      if (s.status === "unknown" && opts.sender !== undefined && opts.nonce !== undefined) {
        const next = BigInt((await this.getAccount(opts.sender)).nonce);
        if (next > opts.nonce) {
          // Read again: the transaction may have committed between the two calls.
          const again = await this.getTx(hash);
          if (again.status === "committed") return again.receipt;
          throw new RpcClientError(
            0,
            `transaction ${hash} was dropped: another transaction of ${opts.sender} used nonce ${opts.nonce} (the account's next nonce is now ${next}); sign and send it again`,
            { nonce: opts.nonce.toString(), accountNonce: next.toString() },
            "TX_DROPPED",
          );
        }
      }
      if (Date.now() + interval > deadline) {
        throw new RpcClientError(0, `transaction ${hash} is still ${s.status} after ${opts.timeoutMs ?? 30_000} ms`, { status: s.status }, "CLIENT_TIMEOUT");
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

export interface Subscription {
  readonly id: string;
  unsubscribe(): Promise<boolean>;
}

/** JSON-RPC over WebSocket, with subscriptions (nexus_subscribe / nexus_unsubscribe). */
export class NexusWsClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, (result: unknown) => void>();
  /** Notifications that arrived before their subscribe call resolved (same TCP read). */
  private readonly early = new Map<string, unknown[]>();

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => this.onMessage(String(data)));
    ws.on("close", () => {
      for (const p of this.pending.values()) p.reject(new RpcClientError(0, "WebSocket closed", undefined, "CLIENT_UNREACHABLE"));
      this.pending.clear();
    });
  }

  /** Connect to ws://host:port/ws. */
  static connect(url = "ws://127.0.0.1:7700/ws"): Promise<NexusWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new NexusWsClient(ws)));
      ws.once("error", (e) => reject(new RpcClientError(0, `cannot open WebSocket ${url}: ${e.message}`, undefined, "CLIENT_UNREACHABLE")));
    });
  }

  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      const r = m as { id?: number; method?: string; params?: { subscription: string; result: unknown }; error?: JsonRpcErrorObject; result?: unknown };
      if (r.method === "nexus_subscription" && r.params) {
        const l = this.listeners.get(r.params.subscription);
        if (l) l(r.params.result);
        else if (this.early.size < 64) {
          const q = this.early.get(r.params.subscription) ?? [];
          if (q.length < 1000) q.push(r.params.result);
          this.early.set(r.params.subscription, q);
        }
      } else if (typeof r.id === "number" && this.pending.has(r.id)) {
        const p = this.pending.get(r.id)!;
        this.pending.delete(r.id);
        if (r.error) p.reject(RpcClientError.from(r.error));
        else p.resolve(r.result);
      }
    }
  }

  call<T>(method: string, params: unknown[] | Record<string, unknown> = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  subscribeNewBlocks(onBlock: (b: NewBlockNotification) => void): Promise<Subscription> {
    return this.subscribe("newBlocks", undefined, onBlock as (r: unknown) => void);
  }

  subscribeEvents(filter: EventFilter, onEvent: (e: EventNotification) => void): Promise<Subscription> {
    return this.subscribe("events", filter, onEvent as (r: unknown) => void);
  }

  private async subscribe(topic: string, filter: EventFilter | undefined, cb: (r: unknown) => void): Promise<Subscription> {
    const id = await this.call<string>("nexus_subscribe", filter ? [topic, filter] : [topic]);
    this.listeners.set(id, cb);
    for (const r of this.early.get(id) ?? []) cb(r);
    this.early.delete(id);
    return {
      id,
      unsubscribe: async (): Promise<boolean> => {
        this.listeners.delete(id);
        return this.call<boolean>("nexus_unsubscribe", [id]);
      },
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}
