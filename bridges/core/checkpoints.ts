import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { open as openLmdb, type Database, type RootDatabase } from "lmdb";
import { BridgeCoreError } from "./errors.ts";

/**
 * The durable state of a watcher or relayer: one lmdb environment (<dataDir>/checkpoints.lmdb).
 *
 * - `cursors`: per source chain, the last height fully processed: every transfer at or below it
 *   is recorded as work (below) or done. A scan step writes the transfers it found AND the new
 *   cursor in ONE transaction, so a crash loses neither: before the commit the step is done
 *   again, after it the work is there.
 * - `work`: per (chain, kind, seq), what remains to do, with the transaction this process last
 *   submitted for it (hash, time), written BEFORE the transaction is sent (write-ahead). After a
 *   restart an item recorded as "sent" is re-checked against NexusOS (or the destination)
 *   before anything is sent again.
 * - `done`: per (chain, kind, seq), how it ended (submitted by us, already done, skipped) and
 *   the transaction, moved from `work` in one transaction.
 * - `errors`: the last error per chain (status), `meta`: which chain and key own the store.
 *
 * Commits are synchronous and durable (lmdb's fsync) before the call returns. Other processes
 * may open the store read-only meanwhile (`nexus watcher status`): lmdb readers never block the
 * writer.
 */

/** attest: MsgAttestInbound; sign: MsgSignOutbound; result: MsgAttestOutboundResult; deliver: DestinationSubmitter.submit. */
export const WORK_KINDS = ["attest", "sign", "result", "deliver"] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** todo: nothing in flight; sent: a submission recorded (maybe in flight); failed: refused for good (kept for status). */
export type WorkState = "todo" | "sent" | "failed";

/** JSON-friendly payload of a work item (an ObservedTransfer with bigints as strings, a result…). */
export type Payload = Record<string, string | number | boolean>;

export interface WorkItem {
  chain: string;
  kind: WorkKind;
  seq: number;
  state: WorkState;
  payload: Payload;
  /** The last transaction submitted for it (NexusOS tx hash or destination tx hash); "" while a submit is in flight without a hash yet. */
  txHash?: string;
  /** When that submission was recorded, ms. */
  sentAt?: number;
  /** Submissions and failed attempts so far. */
  attempts: number;
  /** Not before, ms (backoff after an error). */
  nextAt: number;
  lastError?: string;
  createdAt: number;
}

export type DoneOutcome = "submitted" | "already" | "skipped";

export interface DoneRecord {
  chain: string;
  kind: WorkKind;
  seq: number;
  outcome: DoneOutcome;
  txHash?: string;
  /** Why, for "already" and "skipped" (e.g. "attested by us before a restart", "completed on NexusOS"). */
  note?: string;
  at: number;
  attempts: number;
}

export interface NewWork {
  kind: WorkKind;
  seq: number;
  payload: Payload;
}

export interface ChainSummary {
  chain: string;
  /** Last fully processed source height (watcher), or null. */
  cursor: string | null;
  cursorAt: number | null;
  work: Record<WorkKind, { todo: number; sent: number; failed: number }>;
  done: Record<WorkKind, number>;
  lastError: { at: number; message: string } | null;
}

type Key = [string, WorkKind, number];

/** Per-key byte budget of lmdb is 1978 bytes; chain names are ≤ 32 characters. */
const MAP_SIZE = 256 * 2 ** 20;

export class CheckpointStore {
  private readonly cursors: Database<{ height: string; at: number }, string>;
  private readonly workDb: Database<WorkItem, Key>;
  private readonly doneDb: Database<DoneRecord, Key>;
  private readonly errorsDb: Database<{ at: number; message: string }, string>;
  private readonly metaDb: Database<unknown, string>;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly root: RootDatabase,
    readonly readOnly: boolean,
    private readonly now: () => number,
  ) {
    const sub = <V, K extends string | Key>(name: string) => root.openDB<V, K>({ name, encoding: "json" });
    this.cursors = sub("cursors");
    this.workDb = sub("work");
    this.doneDb = sub("done");
    this.errorsDb = sub("errors");
    this.metaDb = sub("meta");
  }

  /** The store of `dataDir` (created unless readOnly). */
  static open(dataDir: string, opts: { readOnly?: boolean; now?: () => number } = {}): CheckpointStore {
    const path = join(dataDir, "checkpoints.lmdb");
    if (opts.readOnly && !existsSync(path)) {
      throw new BridgeCoreError("BRIDGECORE_STORE", `no checkpoint store at ${path}: has the process ever started with this dataDir?`, { path });
    }
    let root: RootDatabase;
    try {
      if (!opts.readOnly) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      root = openLmdb({ path, maxDbs: 8, mapSize: MAP_SIZE, overlappingSync: false, readOnly: opts.readOnly ?? false });
    } catch (e) {
      throw new BridgeCoreError("BRIDGECORE_STORE", `cannot open the checkpoint store ${path}: ${(e as Error).message}; set dataDir to a writable directory`, { path }, { cause: e });
    }
    return new CheckpointStore(path, root, opts.readOnly ?? false, opts.now ?? Date.now);
  }

  private write<T>(f: () => T): T {
    if (this.closed) throw new BridgeCoreError("BRIDGECORE_STORE", "the checkpoint store is closed");
    if (this.readOnly) throw new BridgeCoreError("BRIDGECORE_STORE", "the checkpoint store is open read-only");
    try {
      return this.root.transactionSync(f);
    } catch (e) {
      if (e instanceof BridgeCoreError) throw e;
      throw new BridgeCoreError("BRIDGECORE_STORE", `cannot write the checkpoint store ${this.path}: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  // ---- identity ------------------------------------------------------------------------------

  /**
   * Bind the store to a NexusOS chain id, a role and (watcher) an operator address on first use;
   * refuse another later (one store, one chain, one key: its records say what *this* key did).
   */
  bind(identity: { chainId: string; role: string; address?: string }): void {
    const prev = this.metaDb.get("identity") as typeof identity | undefined;
    if (!prev) {
      this.write(() => this.metaDb.putSync("identity", identity));
      return;
    }
    for (const k of ["chainId", "role", "address"] as const) {
      if ((prev[k] ?? "") !== (identity[k] ?? "")) {
        throw new BridgeCoreError(
          "BRIDGECORE_WRONG_CHAIN",
          `the checkpoint store ${this.path} belongs to ${k} "${prev[k] ?? ""}", not "${identity[k] ?? ""}": use another dataDir for another chain, role or key`,
          { field: k, stored: prev[k] ?? "", given: identity[k] ?? "" },
        );
      }
    }
  }

  identity(): { chainId: string; role: string; address?: string } | undefined {
    return this.metaDb.get("identity") as { chainId: string; role: string; address?: string } | undefined;
  }

  // ---- cursors -------------------------------------------------------------------------------

  cursor(chain: string): bigint | undefined {
    const c = this.cursors.get(chain);
    return c ? BigInt(c.height) : undefined;
  }

  /**
   * One scan step of `chain`: record `items` as work (unless already work or done) and move the
   * cursor to `toHeight`, in one durable transaction. The cursor never moves back.
   */
  advance(chain: string, toHeight: bigint, items: readonly NewWork[]): number {
    return this.write(() => {
      const prev = this.cursors.get(chain);
      if (prev && BigInt(prev.height) > toHeight) throw new BridgeCoreError("BRIDGECORE_STORE", `cursor of ${chain} is at ${prev.height}; refusing to move it back to ${toHeight}`);
      let added = 0;
      for (const it of items) if (this.putWork(chain, it, false)) added++;
      this.cursors.putSync(chain, { height: toHeight.toString(), at: this.now() });
      return added;
    });
  }

  /** Set a chain's cursor (first start: the configured start height). */
  setCursor(chain: string, height: bigint): void {
    this.write(() => this.cursors.putSync(chain, { height: height.toString(), at: this.now() }));
  }

  // ---- work ----------------------------------------------------------------------------------

  private putWork(chain: string, it: NewWork, overDone: boolean): boolean {
    const key: Key = [chain, it.kind, it.seq];
    if (this.workDb.get(key)) return false;
    if (!overDone && this.doneDb.get(key)) return false;
    const now = this.now();
    this.workDb.putSync(key, { chain, kind: it.kind, seq: it.seq, state: "todo", payload: it.payload, attempts: 0, nextAt: 0, createdAt: now });
    return true;
  }

  /**
   * Record work found by polling NexusOS (outbound signatures, results, deliveries): added unless
   * already work; `overDone` adds it even when a done record exists (NexusOS is the truth: e.g.
   * a signature to make again after a key rotation). Returns whether it was added.
   */
  addWork(chain: string, it: NewWork, opts: { overDone?: boolean } = {}): boolean {
    return this.write(() => this.putWork(chain, it, opts.overDone ?? false));
  }

  get(chain: string, kind: WorkKind, seq: number): WorkItem | undefined {
    return this.workDb.get([chain, kind, seq]);
  }

  doneRecord(chain: string, kind: WorkKind, seq: number): DoneRecord | undefined {
    return this.doneDb.get([chain, kind, seq]);
  }

  /** Work items, by chain, kind and seq (optionally one chain). */
  work(chain?: string): WorkItem[] {
    const range = chain ? { start: [chain] as unknown as Key, end: [chain + "\u0000"] as unknown as Key } : {};
    return [...this.workDb.getRange(range)].map((e) => e.value);
  }

  /** Items not failed whose backoff has passed. */
  due(now = this.now()): WorkItem[] {
    return this.work().filter((w) => w.state !== "failed" && w.nextAt <= now);
  }

  private update(chain: string, kind: WorkKind, seq: number, f: (w: WorkItem) => WorkItem): WorkItem {
    return this.write(() => {
      const w = this.workDb.get([chain, kind, seq]);
      if (!w) throw new BridgeCoreError("BRIDGECORE_STORE", `no work item ${chain}/${kind}/${seq}`);
      const next = f({ ...w });
      this.workDb.putSync([chain, kind, seq], next);
      return next;
    });
  }

  /** Write-ahead: the submission about to be made (txHash "" when the hash is known only after). */
  markSending(chain: string, kind: WorkKind, seq: number, txHash: string): WorkItem {
    return this.update(chain, kind, seq, (w) => ({ ...w, state: "sent", txHash, sentAt: this.now(), attempts: w.attempts + 1 }));
  }

  /** The hash of a submission in flight, once known. */
  setTxHash(chain: string, kind: WorkKind, seq: number, txHash: string): WorkItem {
    return this.update(chain, kind, seq, (w) => ({ ...w, txHash }));
  }

  /** Not done yet: try again after `nextAt`. A submission recorded stays recorded (re-checked first). */
  markRetry(chain: string, kind: WorkKind, seq: number, error: string, nextAt: number, opts: { countAttempt?: boolean; clearSubmission?: boolean } = {}): WorkItem {
    return this.update(chain, kind, seq, (w) => {
      const n: WorkItem = { ...w, lastError: error.slice(0, 500), nextAt, attempts: w.attempts + (opts.countAttempt ? 1 : 0) };
      if (opts.clearSubmission) {
        n.state = "todo";
        delete n.txHash;
        delete n.sentAt;
      }
      return n;
    });
  }

  /** Wait without an error (e.g. the destination's tx is still pending): just the next check time. */
  defer(chain: string, kind: WorkKind, seq: number, nextAt: number): WorkItem {
    return this.update(chain, kind, seq, (w) => ({ ...w, nextAt }));
  }

  /** Refused for good: kept (status shows it) and not retried. */
  markFailed(chain: string, kind: WorkKind, seq: number, error: string): WorkItem {
    return this.update(chain, kind, seq, (w) => ({ ...w, state: "failed", lastError: error.slice(0, 500) }));
  }

  /** Finished: moved from work to done in one transaction. */
  markDone(chain: string, kind: WorkKind, seq: number, d: { outcome: DoneOutcome; txHash?: string; note?: string }): DoneRecord {
    return this.write(() => {
      const w = this.workDb.get([chain, kind, seq]);
      const txHash = d.txHash ?? (w?.txHash || undefined);
      const rec: DoneRecord = { chain, kind, seq, outcome: d.outcome, at: this.now(), attempts: w?.attempts ?? 0, ...(txHash ? { txHash } : {}), ...(d.note ? { note: d.note } : {}) };
      this.doneDb.putSync([chain, kind, seq], rec);
      this.workDb.removeSync([chain, kind, seq]);
      return rec;
    });
  }

  /** Done records (newest last by key order), optionally one chain. */
  done(chain?: string): DoneRecord[] {
    const range = chain ? { start: [chain] as unknown as Key, end: [chain + "\u0000"] as unknown as Key } : {};
    return [...this.doneDb.getRange(range)].map((e) => e.value);
  }

  // ---- errors and status ---------------------------------------------------------------------

  setError(chain: string, message: string): void {
    this.write(() => this.errorsDb.putSync(chain, { at: this.now(), message: message.slice(0, 1000) }));
  }

  clearError(chain: string): void {
    if (this.errorsDb.get(chain)) this.write(() => this.errorsDb.removeSync(chain));
  }

  lastError(chain: string): { at: number; message: string } | undefined {
    return this.errorsDb.get(chain);
  }

  /** Per chain: cursor, work by kind and state, done counts, last error. Chains named in `chains` always appear. */
  summary(chains: readonly string[] = []): ChainSummary[] {
    const names = new Set(chains);
    for (const { key } of this.cursors.getRange({})) names.add(key);
    for (const { key } of this.errorsDb.getRange({})) names.add(key);
    const zero = () => Object.fromEntries(WORK_KINDS.map((k) => [k, { todo: 0, sent: 0, failed: 0 }])) as ChainSummary["work"];
    const byChain = new Map<string, ChainSummary>();
    const get = (chain: string): ChainSummary => {
      let s = byChain.get(chain);
      if (!s) {
        const c = this.cursors.get(chain);
        const e = this.errorsDb.get(chain);
        s = { chain, cursor: c?.height ?? null, cursorAt: c?.at ?? null, work: zero(), done: Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as ChainSummary["done"], lastError: e ?? null };
        byChain.set(chain, s);
      }
      return s;
    };
    for (const n of names) get(n);
    for (const { value: w } of this.workDb.getRange({})) get(w.chain).work[w.kind][w.state]++;
    for (const { value: d } of this.doneDb.getRange({})) get(d.chain).done[d.kind]++;
    return [...byChain.values()].sort((a, b) => a.chain.localeCompare(b.chain));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }
}
