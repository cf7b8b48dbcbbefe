import { randomBytes } from "node:crypto";
import type { BlockView, EventView, NodeApi, NodeEvent } from "../node/node-api.ts";
import type { EventFilter } from "./methods.ts";
import { RpcError, RPC_ERRORS, stringifyJson } from "./protocol.ts";

export const DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET = 32;
/** Subscriptions over all sockets. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100_000;
/** A socket whose unsent data would exceed this is a client that cannot keep up: closed. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Unsent data over all sockets: what slow readers may cost the node's memory at most. */
export const DEFAULT_MAX_BUFFERED_BYTES_TOTAL = 256 * 1024 * 1024;
/** Close code for a client dropped for not reading (RFC 6455 "try again later"). */
export const SLOW_CLIENT_CLOSE_CODE = 1013;
/** A dropped client gets this long to take its close frame before its socket is destroyed. */
const TERMINATE_AFTER_MS = 1000;
export const NOTIFICATION_METHOD = "nexus_subscription";

/** result of an "events" notification: one per matching event. */
export interface EventNotification {
  height: number;
  blockHash: string;
  /** "" for an event of the block's own hooks (begin/end block), which belongs to no transaction. */
  txHash: string;
  /** Position of the transaction in its block; -1 for a block hook's event. */
  txIndex: number;
  event: EventView;
}

export type NewBlockNotification = BlockView;

/** The part of a ws WebSocket a session needs (keeps tests and types simple). */
export interface Sink {
  /** `done` runs once the data has left the process (or failed to). */
  send(data: string, done: (err?: Error) => void): void;
  /**
   * One text message in two frames, `head` then `body` (RFC 6455 fragmentation): a notification
   * whose body many sockets share goes out without a per-socket copy of it. Optional: without
   * it the session sends head + body as one string.
   */
  sendFragments?(head: Buffer, body: Buffer, done: (err?: Error) => void): void;
  /** Hold writes until uncork (net.Socket cork): a block's notifications to one socket go out in one write. Optional. */
  cork?(): void;
  uncork?(): void;
  close(code?: number, reason?: string): void;
  /** Destroys the socket at once. */
  terminate(): void;
}

/**
 * Bytes handed to sockets and not yet written out, over all sessions: the memory slow readers
 * hold. ws's bufferedAmount sees one socket only, so each session counts its own sends and
 * their completions, and this sums them.
 */
export class SendBudget {
  total = 0;
  subscriptions = 0;
  constructor(
    readonly maxBytes: number = DEFAULT_MAX_BUFFERED_BYTES_TOTAL,
    readonly maxSubscriptions: number = DEFAULT_MAX_SUBSCRIPTIONS,
  ) {}
}

/**
 * A notification's result, serialised once for every socket it goes to: one Buffer that the
 * sockets' second frames all point at. The node's send total counts it once, while any socket
 * has not yet written it out (each socket's own backlog counts it in full: that is what a slow
 * reader of that socket costs).
 */
export class SharedPayload {
  /** `<result JSON>}}`: what follows a socket's own `{"jsonrpc":…,"subscription":"0x…","result":`. */
  readonly bytes: Buffer;
  private refs = 0;
  private charged = false;
  constructor(
    readonly text: string,
    private readonly budget: SendBudget,
  ) {
    this.bytes = Buffer.from(text);
  }

  /** Bytes a new holder adds to the node's total: the whole body for the first one, nothing after. */
  get chargeForNext(): number {
    return this.charged ? 0 : this.bytes.length;
  }

  hold(): void {
    if (!this.charged) {
      this.budget.total += this.bytes.length;
      this.charged = true;
    }
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0 || !this.charged) return;
    this.charged = false;
    this.budget.total -= this.bytes.length;
  }
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

/** One WebSocket's subscriptions, and what it has been sent and not yet taken. */
export class WsSession {
  private readonly subs = new Map<string, Sub>();
  closed = false;
  /** Bytes sent on this socket and not yet written out. */
  pending = 0;
  /** Of those, what this session added to the node's total (shared bodies are counted there once). */
  private charged = 0;
  /** Shared bodies this socket has not written out yet, released if the session ends first. */
  private readonly holding = new Set<{ payload: SharedPayload }>();
  private released = false;

  /** Set by the hub that delivers to this session: it indexes the subscriptions. */
  index: SubscriptionIndex | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly limits: { maxSubscriptions: number; maxBufferedBytes: number },
    private readonly budget: SendBudget = new SendBudget(),
  ) {}

  get size(): number {
    return this.subs.size;
  }

  subscribe(topic: "newBlocks" | "events", filter: EventFilter | undefined): string {
    if (this.subs.size >= this.limits.maxSubscriptions) {
      throw new RpcError(RPC_ERRORS.SUBSCRIPTION_LIMIT, `this socket already has ${this.subs.size} subscriptions, the limit is ${this.limits.maxSubscriptions}; unsubscribe or open another socket`);
    }
    if (this.budget.subscriptions >= this.budget.maxSubscriptions) {
      throw new RpcError(RPC_ERRORS.SUBSCRIPTION_LIMIT, `the node holds ${this.budget.subscriptions} subscriptions, its limit (rpc.maxSubscriptions); try again later or use another node`);
    }
    const id = `0x${randomBytes(8).toString("hex")}`;
    const sub: Sub = { topic, ...(filter ? { filter } : {}) };
    this.subs.set(id, sub);
    this.budget.subscriptions++;
    this.index?.add(this, id, sub);
    return id;
  }

  unsubscribe(id: string): boolean {
    const sub = this.subs.get(id);
    if (!sub) return false;
    this.subs.delete(id);
    this.budget.subscriptions--;
    this.index?.remove(this, id, sub);
    return true;
  }

  cork(): void {
    this.sink.cork?.();
  }

  uncork(): void {
    this.sink.uncork?.();
  }

  /** A notification whose result is already JSON (the hub serialises each block or event once). */
  sendNotification(subscription: string, result: SharedPayload): void {
    const head = `{"jsonrpc":"2.0","method":"${NOTIFICATION_METHOD}","params":{"subscription":${JSON.stringify(subscription)},"result":`;
    if (!this.sink.sendFragments) {
      this.send(head + result.text);
      return;
    }
    if (this.closed) return;
    const headBytes = Buffer.from(head);
    const n = headBytes.length + result.bytes.length;
    const charge = headBytes.length + result.chargeForNext;
    if (!this.fits(n, charge)) return;
    const held = { payload: result };
    this.holding.add(held);
    result.hold();
    this.pending += n;
    this.charged += headBytes.length;
    this.budget.total += headBytes.length;
    this.sink.sendFragments(headBytes, result.bytes, () => {
      if (this.holding.delete(held)) result.release();
      if (this.released) return;
      this.pending -= n;
      this.charged -= headBytes.length;
      this.budget.total -= headBytes.length;
    });
  }

  /** Whether n more bytes on this socket (charging `charge` to the node's total) stay in bounds; else the client is dropped. */
  private fits(n: number, charge: number): boolean {
    if (this.pending + n > this.limits.maxBufferedBytes) {
      this.drop(`client too slow: ${this.pending + n} bytes unsent on this socket, the limit is ${this.limits.maxBufferedBytes}`);
      return false;
    }
    if (this.budget.total + charge > this.budget.maxBytes) {
      this.drop(`node send buffer full: ${this.budget.total} bytes unsent to slow clients (rpc.maxBufferedBytesTotal); reconnect and read your socket`);
      return false;
    }
    return true;
  }

  /**
   * Sends unless this socket's backlog, or all sockets' together, would pass its bound: then
   * the client is dropped (close 1013, destroyed a second later) and its backlog freed.
   */
  send(text: string): void {
    if (this.closed) return;
    const n = Buffer.byteLength(text);
    if (!this.fits(n, n)) return;
    this.pending += n;
    this.charged += n;
    this.budget.total += n;
    this.sink.send(text, () => {
      if (this.released) return;
      this.pending -= n;
      this.charged -= n;
      this.budget.total -= n;
    });
  }

  private drop(reason: string): void {
    this.closed = true;
    this.release();
    // A close reason is at most 123 bytes (RFC 6455).
    this.sink.close(SLOW_CLIENT_CLOSE_CODE, reason.slice(0, 123));
    // A client that does not read will not take the close frame either.
    setTimeout(() => this.sink.terminate(), TERMINATE_AFTER_MS).unref();
  }

  /** Gives back this session's backlog and subscriptions to the node's totals (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.closed = true;
    this.budget.total -= this.charged;
    this.charged = 0;
    this.pending = 0;
    for (const h of this.holding) h.payload.release();
    this.holding.clear();
    this.budget.subscriptions -= this.subs.size;
    for (const [id, sub] of this.subs) this.index?.remove(this, id, sub);
    this.subs.clear();
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
      for (const ev of e.blockEvents ?? []) {
        if (matches(sub.filter, ev)) this.notify(id, { height: e.block.header.height, blockHash: e.block.hash, txHash: "", txIndex: -1, event: ev } satisfies EventNotification);
      }
    }
  }
}

interface Entry {
  readonly session: WsSession;
  readonly id: string;
  readonly filter: EventFilter | undefined;
}

/**
 * Subscriptions by what they wait for, so a block costs work in proportion to its events and
 * the subscriptions they match, not events × subscriptions: a block goes once to the set of
 * newBlocks subscribers; an events filter is filed under its type ("*" for none) and its first
 * attribute (key=value), and an event looks up only its own type and attributes.
 */
export class SubscriptionIndex {
  readonly blocks = new Set<Entry>();
  private readonly byType = new Map<string, { plain: Set<Entry>; byAttr: Map<string, Set<Entry>> }>();
  private readonly entries = new Map<string, Entry>();
  events = 0;

  private static attrKey(k: string, v: string): string {
    return `${k}\u0000${v}`;
  }

  add(session: WsSession, id: string, sub: Sub): void {
    const e: Entry = { session, id, filter: sub.filter };
    this.entries.set(id, e);
    if (sub.topic === "newBlocks") {
      this.blocks.add(e);
      return;
    }
    this.events++;
    const type = sub.filter?.type ?? "*";
    let t = this.byType.get(type);
    if (!t) this.byType.set(type, (t = { plain: new Set(), byAttr: new Map() }));
    const first = Object.entries(sub.filter?.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))[0];
    if (!first) t.plain.add(e);
    else {
      const k = SubscriptionIndex.attrKey(first[0], first[1]);
      let set = t.byAttr.get(k);
      if (!set) t.byAttr.set(k, (set = new Set()));
      set.add(e);
    }
  }

  remove(_session: WsSession, id: string, sub: Sub): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    if (sub.topic === "newBlocks") {
      this.blocks.delete(e);
      return;
    }
    this.events--;
    const type = sub.filter?.type ?? "*";
    const t = this.byType.get(type);
    if (!t) return;
    t.plain.delete(e);
    const first = Object.entries(sub.filter?.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))[0];
    if (first) {
      const k = SubscriptionIndex.attrKey(first[0], first[1]);
      t.byAttr.get(k)?.delete(e);
      if (t.byAttr.get(k)?.size === 0) t.byAttr.delete(k);
    }
    if (t.plain.size === 0 && t.byAttr.size === 0) this.byType.delete(type);
  }

  /** Calls `hit` for every events subscription whose filter matches `ev`. */
  matching(ev: EventView, hit: (e: Entry) => void): void {
    for (const type of [ev.type, "*"]) {
      const t = this.byType.get(type);
      if (!t) continue;
      for (const e of t.plain) if (matches(e.filter, ev)) hit(e);
      for (const [k, v] of Object.entries(ev.attributes)) {
        const set = t.byAttr.get(SubscriptionIndex.attrKey(k, v));
        if (set) for (const e of set) if (matches(e.filter, ev)) hit(e);
      }
    }
  }
}

/** Fans node events out to every open session through one NodeApi listener. */
export class SubscriptionHub {
  private readonly sessions = new Set<WsSession>();
  private readonly index = new SubscriptionIndex();
  private unsubscribeNode: (() => void) | undefined;

  constructor(
    private readonly api: NodeApi,
    private readonly onError: (err: unknown) => void,
    private readonly budget: SendBudget = new SendBudget(),
  ) {}

  /** A result for every subscriber it matches: closes the notification's object (`}}`) once. */
  private shared(resultJson: string): SharedPayload {
    return new SharedPayload(`${resultJson}}}`, this.budget);
  }

  add(s: WsSession): void {
    this.sessions.add(s);
    s.index = this.index;
    // Listen to the node only while someone might be subscribed.
    this.unsubscribeNode ??= this.api.subscribe((e) => this.deliver(e));
  }

  /** Each block and each event is serialised once, however many subscribers it reaches. */
  private deliver(e: NodeEvent): void {
    if (e.kind !== "block") return;
    // What this block sends each socket, gathered first, then written socket by socket in one
    // write each (a system call per socket, not per notification: with 10 000 subscribers to
    // a block's events that was most of its delivery), the first sockets' while the hub goes on.
    const out = new Map<WsSession, { id: string; json: SharedPayload }[]>();
    const send = (entry: Entry, json: SharedPayload): void => {
      const list = out.get(entry.session);
      if (list) list.push({ id: entry.id, json });
      else out.set(entry.session, [{ id: entry.id, json }]);
    };
    if (this.index.blocks.size > 0) {
      const json = this.shared(stringifyJson(e.block satisfies NewBlockNotification));
      for (const entry of this.index.blocks) send(entry, json);
    }
    if (this.index.events > 0) {
      for (const r of e.receipts) {
        for (const ev of r.events) {
          let json: SharedPayload | undefined;
          this.index.matching(ev, (entry) => {
            json ??= this.shared(stringifyJson({ height: r.height, blockHash: e.block.hash, txHash: r.txHash, txIndex: r.index, event: ev } satisfies EventNotification));
            send(entry, json);
          });
        }
      }
      // The block's own hooks' events (governance ending a proposal, economy's epoch transition…).
      for (const ev of e.blockEvents ?? []) {
        let json: SharedPayload | undefined;
        this.index.matching(ev, (entry) => {
          json ??= this.shared(stringifyJson({ height: e.block.header.height, blockHash: e.block.hash, txHash: "", txIndex: -1, event: ev } satisfies EventNotification));
          send(entry, json);
        });
      }
    }
    for (const [session, list] of out) {
      try {
        session.cork();
        try {
          for (const n of list) session.sendNotification(n.id, n.json);
        } finally {
          session.uncork();
        }
      } catch (err) {
        // A broken socket must never disturb the node's block commit that called us.
        this.onError(err);
      }
    }
  }

  remove(s: WsSession): void {
    s.release();
    this.sessions.delete(s);
    if (this.sessions.size === 0) this.stop();
  }

  stop(): void {
    this.unsubscribeNode?.();
    this.unsubscribeNode = undefined;
  }
}
