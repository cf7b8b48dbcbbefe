import { randomBytes } from "node:crypto";
import type { BlockView, EventView, NodeApi, NodeEvent } from "../node/node-api.ts";
import type { EventFilter } from "./methods.ts";
import { RpcError, RPC_ERRORS, stringifyJson } from "./protocol.ts";

export const DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET = 32;
/** A socket whose unsent data exceeds this is a subscriber that cannot keep up: closed. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
export const NOTIFICATION_METHOD = "nexus_subscription";

/** result of an "events" notification: one per matching event. */
export interface EventNotification {
  height: number;
  blockHash: string;
  txHash: string;
  /** Position of the transaction in its block. */
  txIndex: number;
  event: EventView;
}

export type NewBlockNotification = BlockView;

/** The part of a ws WebSocket a session needs (keeps tests and types simple). */
export interface Sink {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface Sub {
  topic: "newBlocks" | "events";
  filter?: EventFilter;
}

function matches(f: EventFilter | undefined, e: EventView): boolean {
  if (!f) return true;
  if (f.type !== undefined && f.type !== e.type) return false;
  if (f.attributes) for (const [k, v] of Object.entries(f.attributes)) if (e.attributes[k] !== v) return false;
  return true;
}

/** One WebSocket's subscriptions. */
export class WsSession {
  private readonly subs = new Map<string, Sub>();
  closed = false;

  constructor(
    private readonly sink: Sink,
    private readonly limits: { maxSubscriptions: number; maxBufferedBytes: number },
  ) {}

  get size(): number {
    return this.subs.size;
  }

  subscribe(topic: "newBlocks" | "events", filter: EventFilter | undefined): string {
    if (this.subs.size >= this.limits.maxSubscriptions) {
      throw new RpcError(RPC_ERRORS.SUBSCRIPTION_LIMIT, `this socket already has ${this.subs.size} subscriptions, the limit is ${this.limits.maxSubscriptions}; unsubscribe or open another socket`);
    }
    const id = `0x${randomBytes(8).toString("hex")}`;
    this.subs.set(id, { topic, ...(filter ? { filter } : {}) });
    return id;
  }

  unsubscribe(id: string): boolean {
    return this.subs.delete(id);
  }

  send(text: string): void {
    if (this.closed) return;
    if (this.sink.bufferedAmount > this.limits.maxBufferedBytes) {
      this.closed = true;
      this.sink.close(1013, "subscriber too slow: notification backlog over the limit");
      return;
    }
    this.sink.send(text);
  }

  private notify(subscription: string, result: unknown): void {
    this.send(stringifyJson({ jsonrpc: "2.0", method: NOTIFICATION_METHOD, params: { subscription, result } }));
  }

  deliver(e: NodeEvent): void {
    if (this.closed || this.subs.size === 0 || e.kind !== "block") return;
    for (const [id, sub] of this.subs) {
      if (sub.topic === "newBlocks") {
        this.notify(id, e.block satisfies NewBlockNotification);
        continue;
      }
      for (const r of e.receipts) {
        for (const ev of r.events) {
          if (!matches(sub.filter, ev)) continue;
          const n: EventNotification = { height: r.height, blockHash: e.block.hash, txHash: r.txHash, txIndex: r.index, event: ev };
          this.notify(id, n);
        }
      }
    }
  }
}

/** Fans node events out to every open session through one NodeApi listener. */
export class SubscriptionHub {
  private readonly sessions = new Set<WsSession>();
  private unsubscribeNode: (() => void) | undefined;

  constructor(
    private readonly api: NodeApi,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(s: WsSession): void {
    this.sessions.add(s);
    // Listen to the node only while someone might be subscribed.
    this.unsubscribeNode ??= this.api.subscribe((e) => {
      for (const sess of this.sessions) {
        try {
          sess.deliver(e);
        } catch (err) {
          // A broken socket must never disturb the node's block commit that called us.
          this.onError(err);
        }
      }
    });
  }

  remove(s: WsSession): void {
    s.closed = true;
    this.sessions.delete(s);
    if (this.sessions.size === 0) this.stop();
  }

  stop(): void {
    this.unsubscribeNode?.();
    this.unsubscribeNode = undefined;
  }
}
