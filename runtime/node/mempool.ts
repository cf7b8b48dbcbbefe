import type { CheckedTx, PendingView } from "../app/application.ts";
import type { DecodedTx } from "../tx/envelope.ts";
import { TxError } from "../tx/errors.ts";
import { oneTimePendingError } from "../app/ante.ts";

export interface MempoolLimits {
  readonly maxTxs: number;
  readonly maxBytes: number;
  /** A transaction still queued this many blocks after it arrived is dropped. */
  readonly ttlBlocks: number;
}

interface Entry {
  readonly tx: CheckedTx;
  readonly addedAt: number;
  /** Wall-clock ms of admission, for transactions from this node's own clients; undefined for those from peers. */
  readonly localAt?: number;
}

/** Who gave us a transaction, and when (node clock): proposals prefer what peers surely hold. */
export interface Arrival {
  /** ms; set for transactions from this node's clients (peers get them only after gossip). */
  readonly localAt?: number;
}

/**
 * Pending transactions: per-sender queues in nonce order (always contiguous from the
 * sender's committed nonce), block selection by tip across senders, bounded in count and
 * bytes, and eviction on commit and on expiry.
 */
export class Mempool implements PendingView {
  private readonly bySender = new Map<string, Entry[]>();
  private readonly byHash = new Map<string, Entry>();
  /** Nonce-free transactions (one-time messages only), per sender in arrival order: no nonce orders them. */
  private readonly freeBySender = new Map<string, Entry[]>();
  /** One-time action key → the pending transaction (hash, hex) that does it. */
  private readonly oneTimeKeys = new Map<string, string>();
  private bytes = 0;
  /** Lowest height at which some entry expires (TTL or its timeout height); Infinity when none. */
  private nextExpiry = Infinity;

  private expiresAt(e: Entry): number {
    const t = e.tx.decoded.tx.body.timeoutHeight;
    const ttl = e.addedAt + this.limits.ttlBlocks;
    return t !== 0 && t < ttl ? t : ttl;
  }

  constructor(private readonly limits: MempoolLimits) {}

  get size(): number {
    return this.byHash.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  /** When a pending transaction from this node's own clients was admitted (ms); undefined for others. */
  localAt(hashHex: string): number | undefined {
    return this.byHash.get(hashHex)?.localAt;
  }

  /** A pending transaction's bytes, by hash (hex). */
  get(hashHex: string): Uint8Array | undefined {
    return this.byHash.get(hashHex)?.tx.decoded.bytes;
  }

  nextNonce(sender: string): bigint | undefined {
    const q = this.bySender.get(sender);
    return q && q.length ? q[q.length - 1]!.tx.nonce + 1n : undefined;
  }

  reservedFees(sender: string): bigint {
    let s = 0n;
    for (const e of this.bySender.get(sender) ?? []) s += e.tx.fee;
    for (const e of this.freeBySender.get(sender) ?? []) s += e.tx.fee;
    return s;
  }

  oneTimeHolder(key: string): string | undefined {
    return this.oneTimeKeys.get(key);
  }

  /** Reject what cannot be queued; the caller has already run the application's checks. */
  precheck(hashHex: string, size: number): void {
    if (this.byHash.has(hashHex)) throw new TxError("TX_DUPLICATE", `transaction ${hashHex} is already in the mempool`);
    if (this.byHash.size >= this.limits.maxTxs || this.bytes + size > this.limits.maxBytes) {
      throw new TxError("TX_MEMPOOL_FULL", `mempool is full (${this.byHash.size} transactions, ${this.bytes} bytes); retry after the next block`);
    }
  }

  add(tx: CheckedTx, height: number, arrival: Arrival = {}): void {
    this.precheck(tx.hashHex, tx.decoded.bytes.length);
    if (tx.oneTime) {
      this.addNonceFree(tx, height, arrival);
      return;
    }
    const q = this.bySender.get(tx.sender) ?? [];
    const expected = q.length ? q[q.length - 1]!.tx.nonce + 1n : tx.nonce;
    if (tx.nonce !== expected) throw new TxError("TX_NONCE_GAP", `nonce ${tx.nonce}, the mempool expects ${expected} next for ${tx.sender}`);
    const e: Entry = { tx, addedAt: height, localAt: arrival.localAt };
    this.nextExpiry = Math.min(this.nextExpiry, this.expiresAt(e));
    q.push(e);
    this.bySender.set(tx.sender, q);
    this.byHash.set(tx.hashHex, e);
    this.bytes += tx.decoded.bytes.length;
  }

  private addNonceFree(tx: CheckedTx, height: number, arrival: Arrival): void {
    const keys = tx.oneTime!;
    for (const k of keys) {
      const holder = this.oneTimeKeys.get(k);
      if (holder !== undefined) throw oneTimePendingError(k, holder);
    }
    const e: Entry = { tx, addedAt: height, localAt: arrival.localAt };
    this.nextExpiry = Math.min(this.nextExpiry, this.expiresAt(e));
    const q = this.freeBySender.get(tx.sender);
    if (q) q.push(e);
    else this.freeBySender.set(tx.sender, [e]);
    for (const k of keys) this.oneTimeKeys.set(k, tx.hashHex);
    this.byHash.set(tx.hashHex, e);
    this.bytes += tx.decoded.bytes.length;
  }

  private dropNonceFree(e: Entry): void {
    this.byHash.delete(e.tx.hashHex);
    this.bytes -= e.tx.decoded.bytes.length;
    for (const k of e.tx.oneTime!) if (this.oneTimeKeys.get(k) === e.tx.hashHex) this.oneTimeKeys.delete(k);
  }

  /**
   * Transactions for the next block: senders' queues merged by the tip of each queue's head
   * (highest first, then arrival), so nonce order within a sender always holds.
   * `localBefore`: leave out this node's own clients' transactions admitted after it (ms),
   * with their senders' later nonces: peers may not have them yet.
   */
  reap(maxTxs: number, maxBytes: number, localBefore = Infinity): DecodedTx[] {
    const heads = new MaxHeap<{ q: Entry[]; i: number }>((a, b) => {
      const ta = a.q[a.i]!.tx.tip;
      const tb = b.q[b.i]!.tx.tip;
      if (ta !== tb) return ta > tb;
      return a.q[a.i]!.addedAt < b.q[b.i]!.addedAt;
    });
    for (const q of this.bySender.values()) if (q.length) heads.push({ q, i: 0 });
    // A sender's nonce-free transactions do not depend on each other; in arrival order they merge like a queue.
    for (const q of this.freeBySender.values()) if (q.length) heads.push({ q, i: 0 });
    const out: DecodedTx[] = [];
    let bytes = 0;
    while (out.length < maxTxs && heads.size) {
      const h = heads.pop()!;
      const e = h.q[h.i]!;
      if (e.localAt !== undefined && e.localAt > localBefore) continue;
      const d = e.tx.decoded;
      if (bytes + d.bytes.length > maxBytes) continue; // this sender's later txs wait too
      out.push(d);
      bytes += d.bytes.length;
      if (h.i + 1 < h.q.length) heads.push({ q: h.q, i: h.i + 1 });
    }
    return out;
  }

  /**
   * After a commit: drop included transactions, those whose nonce is now used, those past
   * their timeout height, and those older than the TTL. `committedNonce` reads state.
   */
  update(height: number, included: readonly string[], committedNonce: (sender: string) => bigint): number {
    const inc = new Set(included);
    const touched = new Set<string>();
    const touchedFree = new Set<string>();
    for (const h of included) {
      const e = this.byHash.get(h);
      if (e) (e.tx.oneTime ? touchedFree : touched).add(e.tx.sender);
    }
    let evicted = 0;
    const sweep = height >= this.nextExpiry;
    // Nonce-free transactions leave when included or expired (one that another transaction's
    // action made void fails its check in a block, without a fee, and leaves then).
    for (const [sender, q] of sweep ? this.freeBySender : [...touchedFree].map((t) => [t, this.freeBySender.get(t)] as const)) {
      if (!q) continue;
      const keep: Entry[] = [];
      for (const e of q) {
        if (inc.has(e.tx.hashHex) || this.expiresAt(e) <= height) {
          this.dropNonceFree(e);
          if (!inc.has(e.tx.hashHex)) evicted++;
        } else keep.push(e);
      }
      if (keep.length) this.freeBySender.set(sender, keep);
      else this.freeBySender.delete(sender);
    }
    // Only the senders of included transactions change, unless something expires now: a
    // sweep of every queue (the whole mempool, each block) runs only from the first height at
    // which an entry can expire.
    if (sweep) {
      this.nextExpiry = Infinity;
      for (const q of this.freeBySender.values()) for (const e of q) this.nextExpiry = Math.min(this.nextExpiry, this.expiresAt(e));
    }
    for (const [sender, q] of sweep ? this.bySender : [...touched].map((t) => [t, this.bySender.get(t)] as const)) {
      if (!q) continue;
      if (sweep) {
        const expired = q.some((e) => this.expiresAt(e) <= height);
        if (!touched.has(sender) && !expired) {
          for (const e of q) this.nextExpiry = Math.min(this.nextExpiry, this.expiresAt(e));
          continue;
        }
      }
      const next = committedNonce(sender);
      const keep: Entry[] = [];
      for (const e of q) {
        const t = e.tx.decoded.tx.body.timeoutHeight;
        const stale = e.tx.nonce < next || height - e.addedAt >= this.limits.ttlBlocks || (t !== 0 && t <= height);
        // Keep the queue contiguous: once one entry goes for expiry, later nonces cannot execute.
        if (stale || (keep.length === 0 && e.tx.nonce !== next) || (keep.length && e.tx.nonce !== keep[keep.length - 1]!.tx.nonce + 1n)) {
          this.byHash.delete(e.tx.hashHex);
          this.bytes -= e.tx.decoded.bytes.length;
          if (!inc.has(e.tx.hashHex)) evicted++;
          continue;
        }
        keep.push(e);
        this.nextExpiry = Math.min(this.nextExpiry, this.expiresAt(e));
      }
      if (keep.length) this.bySender.set(sender, keep);
      else this.bySender.delete(sender);
    }
    return evicted;
  }
}

/** Minimal binary heap; `higher(a, b)` says a comes out before b. */
class MaxHeap<T> {
  private readonly a: T[] = [];
  constructor(private readonly higher: (x: T, y: T) => boolean) {}
  get size(): number {
    return this.a.length;
  }
  push(v: T): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.higher(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.higher(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.higher(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
