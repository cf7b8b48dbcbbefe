import type { Database, RootDatabase } from "lmdb";
import { StateError } from "./errors.ts";
import { TreeStore, type ApplyOptions, type ApplyReport, type PendingReport, type PersistBatch, type StateBackend } from "./authenticated-store.ts";
import { EMPTY_ROOT, HASH_BYTES } from "./proof-format.ts";
import { ROOT_PATH, nodeHash, pathDepth, type NodeReader } from "./tree.ts";
import { decodeJournal, encodeJournal, journalKey } from "./journal.ts";
import { Overlay } from "./overlay.ts";
import { Arena } from "./arena.ts";
import { keyString } from "./bytes.ts";
import { GenerationalMap } from "../collections/generational-map.ts";
import { mergeIterate } from "./branch.ts";
import type { IterateOptions } from "./types.ts";
import { DATA_FORMAT, ensureFormat, seal, unseal } from "./record-seal.ts";
import { ApplyThread, type ApplyThreadOptions } from "./apply-thread.ts";

export interface LmdbStateOptions {
  /** Prefix of the sub-database names: `<name>.flat`, `<name>.tree`, `<name>.journal`. Default "state". */
  name?: string;
  /**
   * Tree nodes at depth <= cacheDepth stay in memory (raw encodings). Depth 4 is
   * at most 69 905 nodes (≈ 40 MB when full at ~1M keys) and saves most lmdb reads per
   * update; the rest of the tree is read through lmdb's memory map. Default 4.
   */
  cacheDepth?: number;
  /** Close the root database when the store is closed. Default false (the caller owns it). */
  closeRoot?: boolean;
  /**
   * Bound on journaled-but-unapplied work: after a commit, oldest heights are applied
   * synchronously until at most `maxPendingHeights` heights and `maxPendingEntries` entries
   * (flat changes + node writes) remain. Defaults 4 and 200 000 (~4 transfer blocks of 12k
   * keys at 1M keys in state, ~40k entries and ~9 MB each).
   */
  maxPendingHeights?: number;
  maxPendingEntries?: number;
  /**
   * Entries per apply transaction, here (one per event-loop turn) or in the applier thread.
   * Small transactions keep lmdb's dirty pages, held in memory until the commit, few: 10 000
   * made BHLS claim re-runs at 1M citizens ~6% faster but the node's RSS at 1M accounts
   * 80–120 MiB bigger, past its 1 GiB budget (runtime/state/README.md). Default 2 000.
   */
  applyChunkEntries?: number;
  /**
   * Snapshot import: imported chunks are held in memory and written together once this many
   * entries (flat values + node writes) are held. Chunks of a snapshot spread over the whole key
   * space, so a transaction per chunk rewrote most flat-table pages every time (measured at
   * 1M keys: ~35 s of transactions in 256 chunks). Default 200 000 (~20–40 MB held).
   */
  importFlushEntries?: number;
  /**
   * A commit of at most this many entries (flat changes + node writes), made when nothing is
   * pending, goes straight into the main tables in the commit transaction instead of the
   * journal: as cheap as journaling it at that size, and it saves the applier's separate
   * (durable, so fsynced) transaction. Most blocks of a live chain are this small; block
   * sync of such blocks is bound by those syncs. 0 journals every commit. Default 512.
   */
  directApplyMaxEntries?: number;
  /**
   * A bigger commit with nothing pending also goes straight in when the applier's measured
   * speed says it takes at most this long. Journaling pays off when applying is slow (a big
   * state whose pages are not in memory: ~800 ms for a 12k-key block at 1M keys); when applying
   * is fast, the journal only adds work (encode, write, overlay, then apply anyway), which a
   * CPU-bound validator pays on every block. 0 keeps only the entry-count rule. Default 20 ms.
   */
  directApplyBudgetMs?: number;
  /**
   * Values read from the main flat table are remembered, two generations of this many keys
   * (0: none), until a commit changes them. A transaction's sender nonce and balance are read
   * when it is admitted and again when its block runs; the second read is then a Map lookup,
   * not an lmdb read, a checksum and a copy. Committed keys are forgotten at once, so under
   * load the cache holds little more than the queued transactions' reads.
   */
  readCacheEntries?: number;
  /** Milliseconds clock for the apply-speed measurement (tests inject one). Default performance.now. */
  clock?: () => number;
  /** Apply in the background after each commit, one chunk per `setImmediate` turn. Default true. */
  autoApply?: boolean;
  /**
   * Bytes per journal row. Default 2 000: with its 12-byte key and 4-byte seal a row fits in an
   * lmdb leaf page (values over ~2 020 bytes go to overflow pages, which need a run of
   * contiguous free pages). With 256 KiB rows (64-page runs) and the applier thread freeing
   * pages between commits, lmdb found no such run in a fragmented free list and searched it at
   * every row: a 1M-citizen fill left 140 000 free pages and claims ran at ~2 000/s instead of
   * ~4 500/s.
   */
  journalChunkBytes?: number;
  /** What the files are called in error messages (the node passes "data/state.lmdb"). Default "state store". */
  label?: string;
  /**
   * Rewrite files of on-disk format 1 (values without checksums) to the current format when
   * opened, in one transaction. Default true; false refuses them with STATE_FORMAT (a
   * read-only scan must not write).
   */
  upgradeFormat?: boolean;
  /** Called after an upgrade of the on-disk format (the node logs it). */
  onFormatUpgrade?: (info: { from: number; to: number; records: number; ms: number }) => void;
  /**
   * Apply the journal in a thread of its own (apply-thread.ts) that opens the same file:
   * `path` and the lmdb options the caller opened `root` with. The main thread then only packs
   * each height and hands it over; it waits for the thread only when the journal bound
   * (maxPendingHeights / maxPendingEntries) is reached, or to drain it (snapshots, imports,
   * applyPending). The node uses it: its main thread executes blocks. autoApply,
   * applyChunkEntries and the bound keep their meaning; onApplyStep is not called.
   */
  applyThread?: ApplyThreadOptions;
  /** Test hook: called inside each applier transaction (`in-txn`) and after it commits (`committed`). */
  onApplyStep?: (step: { phase: "in-txn" | "committed"; height: number; final: boolean }) => void;
}

/** Meta record key in the tree database: no path key is the single byte 0xff (a 1-byte path key is the root, 0x00). */
const META_KEY = Buffer.from([0xff]);
const META_VERSION = 1;
/** On-disk format record, also a 1-byte key no node path uses: u8 format number (record-seal.ts). */
const FORMAT_KEY = Buffer.from([0xfe]);
/**
 * Snapshot import in progress (TreeStore.beginImport .. finishImport): another 1-byte key no
 * node path uses; empty value. Present on open = an import was interrupted.
 */
const IMPORT_KEY = Buffer.from([0xfd]);

function buf(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function encodeMeta(height: number, root: Uint8Array): Buffer {
  const b = Buffer.alloc(1 + 8 + HASH_BYTES);
  b[0] = META_VERSION;
  b.writeBigUInt64BE(BigInt(height), 1);
  b.set(root, 9);
  return b;
}

function decodeMeta(b: Uint8Array): { height: number; root: Uint8Array } {
  if (b.length !== 1 + 8 + HASH_BYTES || b[0] !== META_VERSION) {
    throw new StateError("STATE_CORRUPT", "state meta record has an unknown layout", { length: b.length, version: b[0] });
  }
  const height = Number(buf(b).readBigUInt64BE(1));
  return { height, root: new Uint8Array(b.subarray(9)) };
}

/**
 * Write-ahead journal over the main tables. A commit writes one journal record (the block's
 * flat changes and node writes), the meta record and the caller's writes in ONE transaction,
 * so its cost does not depend on the state's size; the overlay serves those changes to reads
 * until the applier has copied them into `<name>.flat`/`<name>.tree` in small transactions
 * (oldest height first) and deleted the record. Re-applying a partly applied height is
 * harmless (same writes), so a crash anywhere leaves exactly the committed state.
 */
class LmdbBackend implements StateBackend {
  private readonly root: RootDatabase;
  private readonly flat: Database<Buffer, Buffer>;
  private readonly tree: Database<Buffer, Buffer>;
  private readonly journal: Database<Buffer, Buffer>;
  /**
   * Nodes at depth <= cacheDepth as the main table holds them (the overlay is consulted
   * first, so a stale entry is never seen); the applier keeps it in step.
   */
  private readonly cache = new Map<string, Uint8Array>();
  private readonly overlay = new Overlay();
  /** Copies of tree nodes read from lmdb below the cached depths (read once per update, then garbage). */
  private readonly nodeArena = new Arena();
  /** Main-table flat reads by key string (null: absent), dropped for every key a commit writes; see readCacheEntries. */
  private readonly reads: GenerationalMap<string, Buffer | null> | undefined;
  /** Journal rows per pending height, to delete them with the height's last chunk. */
  private readonly journalRows = new Map<number, number>();
  /** Entries of the oldest pending height already in the main tables (in-memory only). */
  private cursor = 0;
  /** Measured applier speed (ms per entry, moving average); undefined until a big enough write was timed. */
  private msPerEntry: number | undefined;
  /** The oldest pending height's node writes in path order (sorted once, by the applier). */
  private applyNodes: Array<readonly [string, Uint8Array | null]> | undefined;
  private timer: NodeJS.Immediate | undefined;
  /** Reused journal encoding buffer (lmdb copies what it writes). */
  private readonly encodeScratch = { buf: Buffer.alloc(0) };
  private closed = false;
  /** Imported but not yet written (see importFlushEntries); reads of nodes consult it first, reads of values flush it. */
  private importFlat: Array<readonly [Uint8Array, Uint8Array | null]> = [];
  private importNodes = new Map<string, Uint8Array | null>();
  private readonly opts: Required<Omit<LmdbStateOptions, "name" | "onApplyStep" | "onFormatUpgrade" | "applyThread">> & Pick<LmdbStateOptions, "onApplyStep" | "onFormatUpgrade">;
  /** LmdbStateOptions.applyThread, when the journal is applied in a thread (and autoApply is on). */
  private readonly threadOpts: (ApplyThreadOptions & { name: string }) | undefined;
  /** The applier thread (started when the store opens); every pending height has been handed to it. */
  private thread: ApplyThread | undefined;
  /** Heights the thread has applied that this thread has dropped from the overlay. */
  private threadDone = 0;

  constructor(root: RootDatabase, opts: LmdbStateOptions) {
    const name = opts.name ?? "state";
    this.root = root;
    this.flat = root.openDB<Buffer, Buffer>({ name: `${name}.flat`, keyEncoding: "binary", encoding: "binary" });
    this.tree = root.openDB<Buffer, Buffer>({ name: `${name}.tree`, keyEncoding: "binary", encoding: "binary" });
    this.journal = root.openDB<Buffer, Buffer>({ name: `${name}.journal`, keyEncoding: "binary", encoding: "binary" });
    this.opts = {
      cacheDepth: opts.cacheDepth ?? 4,
      closeRoot: opts.closeRoot ?? false,
      maxPendingHeights: Math.max(0, opts.maxPendingHeights ?? 4),
      maxPendingEntries: Math.max(0, opts.maxPendingEntries ?? 200_000),
      applyChunkEntries: Math.max(1, opts.applyChunkEntries ?? 2_000),
      importFlushEntries: Math.max(1, opts.importFlushEntries ?? 200_000),
      directApplyMaxEntries: Math.max(0, opts.directApplyMaxEntries ?? 512),
      directApplyBudgetMs: Math.max(0, opts.directApplyBudgetMs ?? 20),
      readCacheEntries: Math.max(0, opts.readCacheEntries ?? 32_768),
      clock: opts.clock ?? (() => performance.now()),
      autoApply: opts.autoApply ?? true,
      journalChunkBytes: Math.max(1024, opts.journalChunkBytes ?? 2_000),
      onApplyStep: opts.onApplyStep,
      label: opts.label ?? "state store",
      upgradeFormat: opts.upgradeFormat ?? true,
      onFormatUpgrade: opts.onFormatUpgrade,
    };
    this.threadOpts = opts.applyThread !== undefined && this.opts.autoApply ? { ...opts.applyThread, name } : undefined;
    this.reads = this.opts.readCacheEntries > 0 ? new GenerationalMap(this.opts.readCacheEntries) : undefined;
    this.checkFormat();
    this.replayJournal();
    if (this.threadOpts !== undefined) {
      // Started with the store, so the node's memory at start already holds it.
      const thread = this.startThread();
      for (const ph of this.overlay.heights) thread.send(ph.height, this.journalRows.get(ph.height) ?? 0, ph.flat, ph.nodes);
    } else if (this.opts.autoApply) this.schedule();
  }

  private startThread(): ApplyThread {
    this.thread ??= new ApplyThread({ ...this.threadOpts!, chunkEntries: this.opts.applyChunkEntries, onApplied: () => this.takeApplied() });
    return this.thread;
  }

  /**
   * The files' on-disk format: a new store records the current one; format 1 (no format
   * record, but data) is upgraded in one transaction, so a crash leaves it all old or all new.
   */
  private checkFormat(): void {
    const label = this.opts.label;
    const found = ensureFormat(this.root, [this.flat, this.tree, this.journal], this.tree, FORMAT_KEY, this.opts.upgradeFormat);
    switch (found.kind) {
      case "unknown":
        throw new StateError("STATE_FORMAT", `${label} is in on-disk format ${found.format}, which this version of NexusOS does not read (it reads format ${DATA_FORMAT}): run the NexusOS version that wrote it`, { format: found.format });
      case "old":
        throw new StateError("STATE_FORMAT", `${label} is in on-disk format 1 (no checksums): start the node once to upgrade it`, { format: 1 });
      case "damaged":
        throw new StateError("STATE_CORRUPT", `${label}: the format record fails its checksum: the file is damaged. Run \`nexus verify-data\`, then restore the data directory from a backup or resync it from peers`, { table: "tree" });
      case "upgraded":
        this.opts.onFormatUpgrade?.({ from: found.from, to: DATA_FORMAT, records: found.records, ms: found.ms });
        break;
    }
  }

  /** A record's value after its checksum check; a mismatch is STATE_CORRUPT naming the table and key. */
  private unsealed(table: string, key: Uint8Array, sealed: Uint8Array): Buffer {
    const v = unseal(key, sealed);
    if (v === undefined) {
      throw new StateError(
        "STATE_CORRUPT",
        `${this.opts.label}: the record under key ${Buffer.from(key).toString("hex")} in table ${table} fails its checksum: the file is damaged. Stop the node, run \`nexus verify-data\`, then restore the data directory from a backup or resync it from peers`,
        { table, key: Buffer.from(key).toString("hex") },
      );
    }
    return v;
  }

  /** Rebuild the overlay from the journal rows left by the last run (heights not yet applied). */
  private replayJournal(): void {
    let height = -1;
    let parts: Buffer[] = [];
    const flush = (): void => {
      if (parts.length === 0) return;
      const rec = decodeJournal(parts.length === 1 ? parts[0]! : Buffer.concat(parts), this.readNode);
      if (rec.height !== height) throw new StateError("STATE_CORRUPT", "journal record filed under another height", { height, recorded: rec.height });
      this.overlay.add(rec.height, rec.root, rec.changes, rec.nodes);
      this.journalRows.set(height, parts.length);
      parts = [];
    };
    for (const { key, value } of this.journal.getRange({})) {
      const h = Number(key.readBigUInt64BE(0));
      if (h !== height) {
        flush();
        height = h;
      }
      if (key.readUInt32BE(8) !== parts.length) throw new StateError("STATE_CORRUPT", "journal record has a missing row", { height: h });
      parts.push(this.unsealed("journal", key, value));
    }
    flush();
  }

  readNode: NodeReader = (path) => {
    const o = this.overlay.getNode(path);
    if (o !== undefined) return o ?? undefined;
    if (this.importNodes.size > 0) {
      const n = this.importNodes.get(path);
      if (n !== undefined) return n ?? undefined;
    }
    const cacheable = pathDepth(path) <= this.opts.cacheDepth;
    if (cacheable) {
      const hit = this.cache.get(path);
      if (hit !== undefined) return hit;
    }
    const key = Buffer.from(path, "latin1");
    // lmdb's reused read buffer (no ArrayBuffer per read), copied before the next lmdb call.
    const raw = this.tree.getBinaryFast(key);
    if (raw === undefined) return undefined;
    const v = this.unsealed("tree", key, raw);
    if (cacheable) {
      const own = new Uint8Array(v); // a copy (Buffer#slice would be a view of lmdb's buffer)
      this.cache.set(path, own);
      return own;
    }
    const out = this.nodeArena.alloc(v.length);
    out.set(v);
    return out;
  };

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(keyString(key), key);
  }

  getKeyed(ks: string, key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0) return undefined; // lmdb rejects empty keys; none is ever stored
    if (this.importFlat.length > 0) this.flushImport();
    const o = this.overlay.getFlatKs(ks);
    if (o !== undefined) return o.value ?? undefined;
    const reads = this.reads;
    const hit = reads?.get(ks);
    if (hit !== undefined) return hit ?? undefined;
    const k = buf(key);
    const raw = this.flat.get(k);
    const v = raw === undefined ? undefined : this.unsealed("flat", k, raw);
    reads?.set(ks, v ?? null);
    return v;
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Generator<[Uint8Array, Uint8Array]> {
    if (this.importFlat.length > 0) this.flushImport();
    const reverse = opts?.reverse === true;
    // Overlay snapshot and lmdb snapshot are taken in the same synchronous step (the first
    // next()), so an apply in between cannot drop entries the lmdb snapshot lacks.
    const over = this.overlay.range(start, end);
    if (over.length === 0) {
      yield* this.iterateMain(start, end, opts);
      return;
    }
    if (reverse) over.reverse();
    yield* mergeIterate(over, this.iterateMain(start, end, { reverse }), reverse, opts?.limit ?? Infinity);
  }

  private *iterateMain(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Generator<[Uint8Array, Uint8Array]> {
    const limit = opts?.limit ?? Infinity;
    if (limit <= 0) return;
    let n = 0;
    if (opts?.reverse !== true) {
      const range = this.flat.getRange({ start: buf(start), end: end === undefined ? undefined : buf(end), limit: Number.isFinite(limit) ? limit : undefined });
      for (const { key, value } of range) yield [key, this.unsealed("flat", key, value)];
      return;
    }
    // lmdb's reverse range starts at `start` inclusive; ours excludes `end` and includes `start`.
    const s = buf(start);
    // An explicit empty `end`: without one, lmdb-js 3.5.6's reverse range stops before key 0x00.
    const range = this.flat.getRange({ start: end === undefined ? undefined : buf(end), end: Buffer.alloc(0), reverse: true });
    for (const { key, value } of range) {
      if (end !== undefined && Buffer.compare(key, end) >= 0) continue;
      if (Buffer.compare(key, s) < 0) return;
      yield [key, this.unsealed("flat", key, value)];
      if (++n >= limit) return;
    }
  }

  readMeta(): { height: number; root: Uint8Array } | undefined {
    const raw = this.tree.get(META_KEY);
    const m = raw === undefined ? undefined : this.unsealed("tree", META_KEY, raw);
    if (m === undefined) {
      if (this.overlay.heights.length > 0) throw new StateError("STATE_CORRUPT", "state journal without a meta record");
      return undefined;
    }
    const meta = decodeMeta(m);
    const last = this.overlay.heights.at(-1);
    if (last !== undefined && (last.height !== meta.height || Buffer.compare(last.root, meta.root) !== 0)) {
      throw new StateError("STATE_CORRUPT", "newest journal record does not match the meta record", { height: meta.height, journalHeight: last.height });
    }
    const top = this.readNode(ROOT_PATH);
    const actual = top === undefined ? EMPTY_ROOT : nodeHash(top);
    if (Buffer.compare(actual, meta.root) !== 0) {
      throw new StateError("STATE_CORRUPT", "stored state root does not match the stored tree", { height: meta.height });
    }
    return meta;
  }

  persist(batch: PersistBatch, alsoWrite?: () => void): void {
    // Before the write: if it fails, a forgotten read costs one lmdb read later, never a stale value.
    const reads = this.reads;
    if (reads !== undefined) for (const [k] of batch.changes) reads.delete(keyString(k));
    if (this.threadOpts !== undefined) {
      this.persistThreaded(batch, alsoWrite);
      return;
    }
    const record = { height: batch.height, root: batch.root, changes: batch.changes, nodes: batch.nodes };
    // The bound, enforced before this height is written (so an apply failure fails the commit
    // cleanly): apply oldest heights until this one fits, rather than let the journal grow.
    const adding = record.changes.length + record.nodes.size;
    while (
      this.overlay.heights.length > 0 &&
      (this.overlay.heights.length + 1 > this.opts.maxPendingHeights || this.overlay.pendingEntries + adding > this.opts.maxPendingEntries)
    ) {
      this.applyChunk();
    }
    // Under load the next block often commits before the background applier has caught up:
    // when what is pending is cheap to apply, apply it now and commit this block directly,
    // rather than journal every block behind it from then on (encode, write, overlay, apply).
    if (this.overlay.heights.length > 0 && this.applyIsCheap(this.overlay.pendingEntries - this.cursor + adding, false)) {
      while (this.overlay.heights.length > 0) this.applyChunk();
    }
    if (this.overlay.heights.length === 0 && this.applyIsCheap(adding)) {
      this.persistDirect(batch, alsoWrite);
      return;
    }
    this.journalCommit(batch, alsoWrite);
    if (this.opts.autoApply) this.schedule();
  }

  /** The height's journal record, the meta record and the caller's writes in one transaction; then the overlay. */
  private journalCommit(batch: PersistBatch, alsoWrite?: () => void): void {
    const record = { height: batch.height, root: batch.root, changes: batch.changes, nodes: batch.nodes };
    const bytes = encodeJournal(record, this.encodeScratch);
    const size = this.opts.journalChunkBytes;
    const rows = Math.max(1, Math.ceil(bytes.length / size));
    const { journal, tree } = this;
    this.root.transactionSync(() => {
      for (let i = 0; i < rows; i++) {
        const key = journalKey(batch.height, i);
        journal.putSync(key, seal(key, bytes.subarray(i * size, (i + 1) * size)));
      }
      tree.putSync(META_KEY, seal(META_KEY, encodeMeta(batch.height, batch.root)));
      alsoWrite?.();
    });
    // Only after a successful commit: the overlay mirrors committed state. It keeps the
    // stage's own node writes (a slab map: no per-node copies, which keeps commit cheap) and
    // copies the flat changes into slabs of its own.
    this.overlay.add(batch.height, batch.root, batch.changes, batch.nodes);
    this.journalRows.set(batch.height, rows);
  }

  /**
   * persist() with the applier thread: the main tables are the thread's while it has heights,
   * so this thread writes them only when it has none (a cheap commit goes straight in, as
   * without the thread); otherwise it journals and hands the height over. At the bound it
   * waits for the thread to finish the oldest heights.
   */
  private persistThreaded(batch: PersistBatch, alsoWrite?: () => void): void {
    this.throwIfApplyFailed();
    this.takeApplied();
    const adding = batch.changes.length + batch.nodes.size;
    while (
      this.overlay.heights.length > 0 &&
      (this.overlay.heights.length + 1 > this.opts.maxPendingHeights || this.overlay.pendingEntries + adding > this.opts.maxPendingEntries)
    ) {
      this.waitForThread(this.threadDone + 1);
    }
    if (this.overlay.heights.length === 0 && this.applyIsCheap(adding)) {
      this.persistDirect(batch, alsoWrite);
      return;
    }
    this.journalCommit(batch, alsoWrite);
    const ph = this.overlay.heights.at(-1)!;
    this.startThread().send(ph.height, this.journalRows.get(ph.height)!, ph.flat, ph.nodes);
  }

  /**
   * Drop from the overlay the heights the thread has applied (oldest first), after renewing
   * this thread's lmdb read snapshot so that reads falling through to the main tables see
   * them. The node cache follows, as after an apply on this thread.
   */
  private takeApplied(): number {
    const thread = this.thread;
    if (thread === undefined || this.closed) return 0;
    const done = thread.applied();
    if (done === this.threadDone) return 0;
    (this.root as unknown as { resetReadTxn(): void }).resetReadTxn();
    let entries = 0;
    while (this.threadDone < done) {
      const ph = this.overlay.heights[0];
      if (ph === undefined) throw new StateError("STATE_CORRUPT", "the applier thread applied a height this store does not hold", { applied: done });
      // Only the cached depths become a path and a view (tens of thousands of nodes per height).
      const depth = this.opts.cacheDepth;
      ph.nodes.forEachRaw((slab, po, pl, eo, el) => {
        if (slab[po + pl - 1]! <= depth) this.cacheNode(Buffer.from(slab.buffer, slab.byteOffset + po, pl).toString("latin1"), el < 0 ? null : slab.subarray(eo, eo + el));
      });
      entries += ph.entries;
      this.overlay.dropOldest();
      this.journalRows.delete(ph.height);
      this.threadDone++;
    }
    return entries;
  }

  /** Block until the thread has applied `count` heights in all (since it started); STATE_APPLY_FAILED if it cannot. */
  private waitForThread(count: number, timeoutMs?: number): boolean {
    const reached = this.thread!.waitApplied(count, timeoutMs);
    this.throwIfApplyFailed();
    this.takeApplied();
    if (!reached && timeoutMs === undefined) {
      throw new StateError("STATE_APPLY_FAILED", `${this.opts.label}: the state applier thread did not finish its heights in time. Committed blocks are safe in the journal: restart the node`);
    }
    return reached;
  }

  /** Everything the thread holds applied (the main tables are then this thread's to write or scan). */
  private drainThread(): void {
    if (this.thread !== undefined && this.overlay.heights.length > 0) this.waitForThread(this.threadDone + this.overlay.heights.length);
  }

  private throwIfApplyFailed(): void {
    const why = this.thread?.failed();
    if (why !== undefined) {
      throw new StateError("STATE_APPLY_FAILED", `${this.opts.label}: the state applier thread failed (${why}). Committed blocks are safe in the journal: restart the node to apply them again`, { reason: why });
    }
  }

  /** Whether `entries` can go straight into the main tables (see directApplyMaxEntries / directApplyBudgetMs). */
  private applyIsCheap(entries: number, byCount = true): boolean {
    const o = this.opts;
    if (o.directApplyMaxEntries === 0) return false;
    if (byCount && entries <= o.directApplyMaxEntries) return true;
    return this.msPerEntry !== undefined && entries * this.msPerEntry <= o.directApplyBudgetMs;
  }

  /** Fold one timed write of `entries` entries into the applier speed (moving average). */
  private noteApplySpeed(entries: number, ms: number): void {
    if (entries < 64) return; // dominated by the transaction's fixed cost (the fsync)
    const per = ms / entries;
    this.msPerEntry = this.msPerEntry === undefined ? per : 0.7 * this.msPerEntry + 0.3 * per;
  }

  /** A commit with nothing pending, small or cheap: changes, nodes and meta in one transaction, no journal. */
  private persistDirect(batch: PersistBatch, alsoWrite?: () => void): void {
    const { flat, tree } = this;
    const nodes = [...batch.nodes.keys()].sort();
    const started = this.opts.clock();
    this.root.transactionSync(() => {
      for (const [k, v] of batch.changes) {
        if (v === null) flat.removeSync(buf(k));
        else flat.putSync(buf(k), seal(k, v));
      }
      for (const p of nodes) {
        const enc = batch.nodes.get(p)!;
        const key = Buffer.from(p, "latin1");
        if (enc === null) tree.removeSync(key);
        else tree.putSync(key, seal(key, enc));
      }
      tree.putSync(META_KEY, seal(META_KEY, encodeMeta(batch.height, batch.root)));
      alsoWrite?.();
    });
    this.noteApplySpeed(batch.changes.length + nodes.length, this.opts.clock() - started);
    for (const p of nodes) this.cacheNode(p, batch.nodes.get(p)!);
  }

  /** Keep the upper-level cache in step with the main table (own copies: encodings may be views into shared slabs). */
  private cacheNode(p: string, enc: Uint8Array | null): void {
    if (pathDepth(p) > this.opts.cacheDepth) return;
    if (enc === null) {
      this.cache.delete(p);
      return;
    }
    // Rewritten in place when the size is unchanged (the usual case: full internal nodes), so
    // the cache's arrays, old-generation objects, are not replaced by new ones every block.
    // Safe: readNode's callers copy what they keep (tree.ts builds new encodings).
    const held = this.cache.get(p);
    if (held !== undefined && held.length === enc.length) held.set(enc);
    else this.cache.set(p, new Uint8Array(enc)); // a copy even of a Buffer (whose slice() is a view)
  }

  pending(): PendingReport {
    return { heights: this.overlay.heights.length, entries: this.overlay.pendingEntries - this.cursor };
  }

  applyPending(opts: ApplyOptions = {}): ApplyReport {
    if (this.threadOpts !== undefined) {
      // The thread applies whole heights: wait for them within the budget (all without one).
      const before = this.overlay.pendingEntries;
      const bounded = opts.budgetMs !== undefined || opts.maxEntries !== undefined;
      if (this.overlay.heights.length > 0) this.waitForThread(this.threadDone + this.overlay.heights.length, bounded ? (opts.budgetMs ?? 0) : undefined);
      return { applied: before - this.overlay.pendingEntries, ...this.pending() };
    }
    const maxEntries = opts.maxEntries ?? Infinity;
    const deadline = opts.budgetMs === undefined ? Infinity : performance.now() + opts.budgetMs;
    let applied = 0;
    while (this.overlay.heights.length > 0) {
      applied += this.applyChunk(Math.min(this.opts.applyChunkEntries, Math.max(1, maxEntries - applied)));
      if (applied >= maxEntries || performance.now() >= deadline) break;
    }
    return { applied, ...this.pending() };
  }

  /** One applier transaction: up to `max` entries of the oldest pending height. Returns entries written. */
  private applyChunk(max = this.opts.applyChunkEntries): number {
    const ph = this.overlay.heights[0];
    if (ph === undefined) return 0;
    const { flat: changes, height } = ph;
    // Path order: neighbouring nodes share pages, and lmdb writes faster walking in order.
    const nodes = (this.applyNodes ??= [...ph.nodes.keys()].sort().map((p) => [p, ph.nodes.get(p)!] as const));
    const from = this.cursor;
    const to = Math.min(from + max, ph.entries);
    const final = to === ph.entries;
    const { flat, tree, journal } = this;
    const hook = this.opts.onApplyStep;
    const started = this.opts.clock();
    this.root.transactionSync(() => {
      for (let i = from; i < to; i++) {
        if (i < changes.size) {
          const k = changes.keyAt(i);
          const v = changes.valueAt(i);
          if (v === null) flat.removeSync(buf(k));
          else flat.putSync(buf(k), seal(k, v));
        } else {
          const [p, enc] = nodes[i - changes.size]!;
          const key = Buffer.from(p, "latin1");
          if (enc === null) tree.removeSync(key);
          else tree.putSync(key, seal(key, enc));
        }
      }
      hook?.({ phase: "in-txn", height, final });
      if (final) {
        const rows = this.journalRows.get(height) ?? 0;
        for (let i = 0; i < rows; i++) journal.removeSync(journalKey(height, i));
      }
    });
    hook?.({ phase: "committed", height, final });
    this.noteApplySpeed(to - from, this.opts.clock() - started);
    for (let i = Math.max(from, changes.size); i < to; i++) {
      const [p, enc] = nodes[i - changes.size]!;
      this.cacheNode(p, enc);
    }
    if (final) {
      this.overlay.dropOldest();
      this.journalRows.delete(height);
      this.cursor = 0;
      this.applyNodes = undefined;
    } else {
      this.cursor = to;
    }
    return to - from;
  }

  /** Background applier: one chunk per event-loop turn, so timers and I/O run in between. */
  private schedule(): void {
    if (this.timer !== undefined || this.closed || this.overlay.heights.length === 0) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      if (this.closed) return;
      try {
        this.applyChunk();
      } catch {
        // Stop here (e.g. the caller closed the root first). Nothing is lost: the journal
        // still holds the height, and the next commit applies synchronously, and throws, if
        // the failure persists.
        return;
      }
      this.schedule();
    });
  }

  snapshotView(): { keys: number; entries: Iterable<readonly [Uint8Array, Uint8Array]>; close(): void } {
    // The main table must hold the committed state: apply what is journaled first.
    this.drainThread();
    while (this.overlay.heights.length > 0) this.applyChunk();
    const keys = (this.flat.getStats() as { entryCount?: number }).entryCount ?? 0;
    // A snapshot range holds one read transaction for the whole iteration (lmdb's MVCC): later
    // commits do not show in it. The first step opens it now, before any later commit.
    const it = this.flat.getRange({ snapshot: true })[Symbol.iterator]();
    const first = it.next();
    let closed = false;
    const self = this;
    function* entries(): Generator<readonly [Uint8Array, Uint8Array]> {
      for (let r = first; !r.done && !closed; r = it.next()) yield [r.value.key, self.unsealed("flat", r.value.key, r.value.value)];
    }
    return {
      keys,
      entries: entries(),
      close: () => {
        closed = true;
        it.return?.();
      },
    };
  }

  countNodes(): number {
    this.applyPending(); // the main table is the count only once nothing is pending
    this.flushImport();
    const stats = this.tree.getStats() as { entryCount?: number };
    const entries = stats.entryCount ?? 0;
    const records = [META_KEY, FORMAT_KEY, IMPORT_KEY].filter((k) => this.tree.get(k) !== undefined).length;
    return entries - records;
  }

  importing(): boolean {
    const raw = this.tree.get(IMPORT_KEY);
    if (raw === undefined) return false;
    this.unsealed("tree", IMPORT_KEY, raw);
    return true;
  }

  beginImport(): void {
    this.drainThread();
    const { tree } = this;
    this.root.transactionSync(() => {
      tree.putSync(IMPORT_KEY, seal(IMPORT_KEY, Buffer.alloc(0)));
    });
  }

  /**
   * Imported chunks are held (see importFlushEntries) and written several at a time. Not
   * journaled and not durable one by one: an unfinished import is restarted from scratch
   * anyway (the marker says so), so only finishImport's transaction must be all-or-nothing.
   */
  importBatch(changes: PersistBatch["changes"], nodes: PersistBatch["nodes"]): void {
    this.reads?.clear();
    for (const c of changes) this.importFlat.push(c);
    for (const [p, enc] of nodes) this.importNodes.set(p, enc);
    if (this.importFlat.length + this.importNodes.size >= this.opts.importFlushEntries) this.flushImport();
  }

  /** Write the held import in one transaction (values in key order, nodes in path order: lmdb walks its B-trees forward), plus `also`. */
  private flushImport(also?: () => void): void {
    if (this.importFlat.length === 0 && this.importNodes.size === 0 && also === undefined) return;
    this.drainThread();
    const { flat, tree } = this;
    const changes = this.importFlat.sort((a, b) => Buffer.compare(a[0], b[0]));
    const nodes = this.importNodes;
    const paths = [...nodes.keys()].sort();
    this.root.transactionSync(() => {
      for (const [k, v] of changes) {
        if (v === null) flat.removeSync(buf(k));
        else flat.putSync(buf(k), seal(k, v));
      }
      for (const p of paths) {
        const enc = nodes.get(p)!;
        const key = Buffer.from(p, "latin1");
        if (enc === null) tree.removeSync(key);
        else tree.putSync(key, seal(key, enc));
      }
      also?.();
    });
    for (const p of paths) this.cacheNode(p, nodes.get(p)!);
    this.importFlat = [];
    this.importNodes = new Map();
  }

  finishImport(height: number, root: Uint8Array): void {
    this.reads?.clear();
    const { tree } = this;
    // The rest of the import, the meta record and the marker's removal in one transaction.
    this.flushImport(() => {
      tree.putSync(META_KEY, seal(META_KEY, encodeMeta(height, root)));
      tree.removeSync(IMPORT_KEY);
    });
  }

  abortImport(): void {
    this.reads?.clear();
    this.drainThread();
    this.importFlat = [];
    this.importNodes = new Map();
    const { flat, tree } = this;
    // Values first, the tree (and with it the marker) last: a crash in between still shows
    // the import marker, so the node wipes again.
    this.root.transactionSync(() => {
      flat.clearSync();
    });
    this.root.transactionSync(() => {
      tree.clearSync();
      tree.putSync(FORMAT_KEY, seal(FORMAT_KEY, Buffer.from([DATA_FORMAT])));
    });
    this.cache.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    // The thread stops at its next chunk; what it has not applied stays journaled for the next open.
    await this.thread?.close();
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    this.cache.clear();
    if (this.opts.closeRoot) await this.root.close();
  }
}

/**
 * The authenticated state store on an lmdb root (see tree.ts for the tree). The flat table
 * `<name>.flat` serves get/iterate; `<name>.tree` holds the tree nodes by path and the meta
 * record (height, root); `<name>.journal` holds committed heights not yet applied to those
 * two. A commit writes its journal record and the meta record, plus the caller's `alsoWrite`,
 * in one lmdb transaction; see LmdbBackend for the applier.
 */
export function openAuthenticatedStore(root: RootDatabase, opts: LmdbStateOptions = {}): TreeStore {
  return new TreeStore(new LmdbBackend(root, opts));
}
