import { checkTree, type TreeCheckReport } from "./tree-check.ts";
import { StateError } from "./errors.ts";
import { MemoryKV } from "./memory-kv.ts";
import { EMPTY_ROOT, HASH_BYTES } from "./proof-format.ts";
import { keyBytes } from "./bytes.ts";
import { sha256Into } from "../crypto/hash.ts";
import { proveKey, sha256, updateTree, type NodeReader, type NodeWrites, type TreeChange } from "./tree.ts";
import type { AuthenticatedStore, Changeset, IterateOptions, StagedCommit, StateProof } from "./types.ts";

/** Longest key the store accepts (lmdb's compiled key limit); keys must be non-empty. */
export const MAX_STATE_KEY_BYTES = 1978;

/**
 * Where an AuthenticatedStore keeps its flat table, tree nodes and meta record. `persist`
 * must apply everything, plus `alsoWrite`, atomically, or nothing at all (and then throw).
 */
export interface StateBackend {
  readNode: NodeReader;
  get(key: Uint8Array): Uint8Array | undefined;
  /** get() by the key's latin1 string (bytes.ts keyString) when the caller has it: no second conversion. Optional. */
  getKeyed?(ks: string, key: Uint8Array): Uint8Array | undefined;
  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]>;
  readMeta(): { height: number; root: Uint8Array } | undefined;
  persist(batch: PersistBatch, alsoWrite?: () => void): void;
  /** Stored tree nodes (tests check that replaced nodes do not pile up). */
  countNodes(): number;
  /** Every committed value as of now, unaffected by later commits while it is iterated (TreeStore.snapshotView). */
  snapshotView(): { keys: number; entries: Iterable<readonly [Uint8Array, Uint8Array]>; close(): void };
  /** Whether a snapshot import was begun and not finished (the marker record survives a crash). */
  importing(): boolean;
  /** Record that an import is in progress (durably, before any imported data). */
  beginImport(): void;
  /** Persist imported flat values and tree node writes; neither the meta record nor the height moves. */
  importBatch(changes: Changeset, nodes: NodeWrites): void;
  /** Write the meta record at (height, root) and drop the import marker, atomically. */
  finishImport(height: number, root: Uint8Array): void;
  /** Remove every flat value and tree node and the marker: back to a never-used store. */
  abortImport(): void;
  /** Backends with a write-ahead journal: move journaled heights into the main tables. */
  applyPending?(opts?: ApplyOptions): ApplyReport;
  /** Backends with a write-ahead journal: the backlog the applier has left. */
  pending?(): PendingReport;
  close(): Promise<void>;
}

/** Limits for one `applyPending` call; without any, everything pending is applied. */
export interface ApplyOptions {
  /** Stop once this many journal entries (flat changes + node writes) were applied (at least one chunk runs). */
  maxEntries?: number;
  /** Stop starting new chunks after this many milliseconds (at least one chunk runs). */
  budgetMs?: number;
}

export interface PendingReport {
  /** Committed heights whose changes are still only in the journal (and the in-memory overlay). */
  readonly heights: number;
  /** Flat changes plus tree-node writes of those heights. */
  readonly entries: number;
}

export interface ApplyReport extends PendingReport {
  /** Entries written to the main tables by this call. */
  readonly applied: number;
}

export interface PersistBatch {
  readonly height: number;
  readonly root: Uint8Array;
  readonly changes: Changeset;
  readonly nodes: NodeWrites;
}

interface Prepared {
  readonly sortedChanges: Changeset;
  readonly treeChanges: TreeChange[];
}

interface Row extends TreeChange {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

function prepare(changes: Changeset): Prepared {
  // Every change's two digests in one buffer (key hash ‖ value hash), the rows holding views of
  // it: a block's rows live through the whole tree update, so an array per digest was promoted
  // to V8's old generation by the thousand.
  const digests = new Uint8Array(changes.length * 2 * HASH_BYTES);
  const rows: Row[] = new Array(changes.length);
  for (let i = 0; i < changes.length; i++) {
    const [key, value] = changes[i]!;
    if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_STATE_KEY_BYTES) {
      throw new StateError("STATE_INVALID_KEY", `state keys must be 1..${MAX_STATE_KEY_BYTES} bytes`, {
        length: key instanceof Uint8Array ? key.length : typeof key,
      });
    }
    if (value !== null && !(value instanceof Uint8Array)) {
      throw new StateError("STATE_INVALID_KEY", "state values must be Uint8Array or null (delete)");
    }
    const o = i * 2 * HASH_BYTES;
    sha256Into(digests, o, key);
    if (value !== null) sha256Into(digests, o + HASH_BYTES, value);
    rows[i] = { key, value, keyHash: digests.subarray(o, o + HASH_BYTES), valueHash: value === null ? null : digests.subarray(o + HASH_BYTES, o + 2 * HASH_BYTES) };
  }
  // keyHash order makes the tree walk sequential; the resulting root does not depend on it.
  rows.sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
  for (let i = 1; i < rows.length; i++) {
    if (Buffer.compare(rows[i - 1]!.keyHash, rows[i]!.keyHash) === 0) {
      throw new StateError("STATE_DUPLICATE_KEY", "changeset lists the same key twice", {
        key: Buffer.from(rows[i]!.key).toString("hex"),
      });
    }
  }
  // The rows are the tree changes (a copy of the array, in keyHash order) ...
  const treeChanges: TreeChange[] = rows.slice();
  // ... and, in key order, the flat table's: lmdb writes faster walking its B-tree in order.
  rows.sort((a, b) => Buffer.compare(a.key, b.key));
  return { sortedChanges: rows.map((r) => [r.key, r.value] as const), treeChanges };
}

/** The store over any backend: tracks the committed (height, root) and hands out stages. */
export class TreeStore implements AuthenticatedStore {
  private _height: number;
  private _root: Uint8Array;
  /** Bumped on every commit; a stage made at an older version is stale. */
  private version = 0;
  private closed = false;
  /** False until the first commit, which may be at height 0 (the genesis state). */
  private committed: boolean;
  /** A snapshot import is in progress (see beginImport). */
  private _importing: boolean;
  private readonly backend: StateBackend;

  constructor(backend: StateBackend) {
    this.backend = backend;
    const meta = backend.readMeta();
    this._height = meta?.height ?? 0;
    this.committed = meta !== undefined;
    this._importing = backend.importing();
    // An empty tree has no root node; recomputing from zero changes yields EMPTY_ROOT.
    this._root = meta?.root ?? updateTree(backend.readNode, []).root;
  }

  get height(): number {
    return this._height;
  }

  /** True once a first commit (the genesis state, at height 0 or above) has been made. */
  get initialised(): boolean {
    return this.committed;
  }

  get root(): Uint8Array {
    return this._root.slice();
  }

  /**
   * True while a snapshot import is unfinished, also after a crash (a marker record says so).
   * The node then wipes the store (`abortImport`) and starts the sync again.
   */
  get importing(): boolean {
    return this._importing;
  }

  /**
   * Start importing a snapshot (state sync): only into a store that never committed and holds
   * nothing. Durably marks the import as in progress before any data goes in.
   */
  beginImport(): void {
    this.checkOpen();
    if (this.committed) throw new StateError("STATE_IMPORT", `cannot import a snapshot into a store that has committed (height ${this._height})`, { height: this._height });
    if (this._importing) throw new StateError("STATE_IMPORT", "an import is already in progress (an earlier one was interrupted?): abortImport() first");
    if (Buffer.compare(this._root, EMPTY_ROOT) !== 0) throw new StateError("STATE_IMPORT", "cannot import a snapshot into a store that holds data");
    this.backend.beginImport();
    this._importing = true;
  }

  /**
   * Add entries of a verified chunk (any keys not imported before; chunks in any order). The
   * tree update and the flat values are persisted at once, so memory does not grow with the
   * state; the committed height does not move. Returns the root of everything imported so far.
   */
  importBatch(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
    this.checkOpen();
    if (!this._importing) throw new StateError("STATE_IMPORT", "importBatch without beginImport");
    const changes: Array<readonly [Uint8Array, Uint8Array]> = [];
    for (const [k, v] of entries) {
      if (!(v instanceof Uint8Array)) throw new StateError("STATE_IMPORT", "imported values must be Uint8Array");
      changes.push([k, v]);
    }
    const { sortedChanges, treeChanges } = prepare(changes);
    const { root, writes } = updateTree(this.backend.readNode, treeChanges);
    this.backend.importBatch(sortedChanges, writes);
    this._root = root;
    return root.slice();
  }

  /**
   * End the import: the imported state's root must be `expectedRoot` (the trusted header's);
   * then the meta record is written at `height` and the store continues like one that committed
   * `height` (the next commit is at height + 1). On a mismatch nothing changes and the store
   * stays importing (abortImport, then sync again).
   */
  finishImport(height: number, expectedRoot: Uint8Array): void {
    this.checkOpen();
    if (!this._importing) throw new StateError("STATE_IMPORT", "finishImport without beginImport");
    if (!Number.isSafeInteger(height) || height < 0) throw new StateError("STATE_BAD_HEIGHT", "import height must be a non-negative integer", { height });
    if (Buffer.compare(this._root, expectedRoot) !== 0) {
      throw new StateError(
        "STATE_IMPORT",
        `the imported state hashes to root ${Buffer.from(this._root).toString("hex")}, not the expected ${Buffer.from(expectedRoot).toString("hex")} at height ${height}`,
        { height },
      );
    }
    this.backend.finishImport(height, this._root);
    this._importing = false;
    this.committed = true;
    this._height = height;
    this.version++;
  }

  /** Drop an unfinished import's data and its marker: the store is empty and unused again. */
  abortImport(): void {
    this.checkOpen();
    if (this.committed) throw new StateError("STATE_IMPORT", "abortImport on a store that has committed: it would erase the state");
    this.backend.abortImport();
    this._importing = false;
    this._root = EMPTY_ROOT;
    this.version++;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.checkOpen();
    return this.backend.get(key);
  }

  getKeyed(ks: string, key?: Uint8Array): Uint8Array | undefined {
    this.checkOpen();
    const k = key ?? keyBytes(ks);
    return this.backend.getKeyed ? this.backend.getKeyed(ks, k) : this.backend.get(k);
  }

  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    this.checkOpen();
    return this.backend.iterate(start, end, opts);
  }

  stage(changes: Changeset): StagedCommit {
    this.checkOpen();
    if (this._importing) throw new StateError("STATE_IMPORT", "the store is importing a snapshot: finish (or abort) the import first");
    const { sortedChanges, treeChanges } = prepare(changes);
    const { root, writes } = updateTree(this.backend.readNode, treeChanges);
    const baseVersion = this.version;
    const baseHeight = this._height;
    return {
      root,
      commit: (height: number, alsoWrite?: () => void): void => {
        this.checkOpen();
        if (this.version !== baseVersion) {
          throw new StateError("STATE_STALE_STAGE", "state changed since this commit was staged: stage again", {
            stagedAtHeight: baseHeight,
            height: this._height,
          });
        }
        if (!Number.isSafeInteger(height) || height < this._height || (height === this._height && this.committed)) {
          throw new StateError("STATE_BAD_HEIGHT", `commit height must be an integer above ${this._height}${this.committed ? "" : " (or equal, for the first commit)"}`, { height });
        }
        this.backend.persist({ height, root, changes: sortedChanges, nodes: writes }, alsoWrite);
        this.version++;
        this.committed = true;
        this._height = height;
        this._root = root;
      },
    };
  }

  prove(key: Uint8Array): { value: Uint8Array | undefined; proof: StateProof } {
    this.checkOpen();
    return { value: this.backend.get(key), proof: proveKey(this.backend.readNode, sha256(key)) };
  }

  /**
   * Move journaled heights into the main tables (lmdb backend; a no-op in memory). Commit
   * never needs it for correctness: reads see journaled changes through the overlay, and a
   * commit applies synchronously whatever exceeds the backend's pending bound. Calling it
   * when idle (between blocks) keeps that work off the next commit.
   */
  applyPending(opts?: ApplyOptions): ApplyReport {
    this.checkOpen();
    return this.backend.applyPending?.(opts) ?? { applied: 0, heights: 0, entries: 0 };
  }

  /** Work the applier has left (zero for backends without a journal). */
  pending(): PendingReport {
    this.checkOpen();
    return this.backend.pending?.() ?? { heights: 0, entries: 0 };
  }

  /** Walk every node of the committed tree checking its hashes (`nexus verify-data`). */
  checkTree(opts?: { maxProblems?: number; onProgress?: (nodes: number) => void }): TreeCheckReport {
    return checkTree(this.backend.readNode, this._root, opts);
  }

  /**
   * The committed state pinned as it is now, to be read while later blocks commit (snapshots
   * for state sync): every key and value in key order, the height and root they hash to.
   * close() releases it (on lmdb, a read transaction that keeps old pages from reuse).
   */
  snapshotView(): { height: number; root: Uint8Array; keys: number; entries: Iterable<readonly [Uint8Array, Uint8Array]>; close(): void } {
    this.checkOpen();
    if (!this.committed || this._importing) throw new StateError("STATE_IMPORT", "no committed state to take a snapshot of");
    return { height: this._height, root: this._root.slice(), ...this.backend.snapshotView() };
  }

  /** Number of tree nodes held by the backend: one per leaf and internal node of the latest tree. */
  nodeCount(): number {
    this.checkOpen();
    return this.backend.countNodes();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StateError("STATE_CLOSED", "the state store is closed");
  }
}

/** Map-backed backend: same tree and semantics as the lmdb store, for fast tests. */
class MemoryBackend implements StateBackend {
  private readonly flat = new MemoryKV();
  private readonly nodes = new Map<string, Uint8Array>();
  private meta: { height: number; root: Uint8Array } | undefined;
  private importMarker = false;

  readNode: NodeReader = (path) => this.nodes.get(path);

  get(key: Uint8Array): Uint8Array | undefined {
    return this.flat.get(key);
  }

  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    return this.flat.iterate(start, end, opts);
  }

  readMeta(): { height: number; root: Uint8Array } | undefined {
    return this.meta;
  }

  persist(batch: PersistBatch, alsoWrite?: () => void): void {
    // Run the caller's part first: if it throws, nothing of ours has been applied.
    alsoWrite?.();
    this.writeAll(batch.changes, batch.nodes);
    this.meta = { height: batch.height, root: batch.root };
  }

  private writeAll(changes: Changeset, nodes: NodeWrites): void {
    for (const [k, v] of changes) {
      if (v === null) this.flat.delete(k);
      else this.flat.set(k, v);
    }
    for (const [p, enc] of nodes) {
      if (enc === null) this.nodes.delete(p);
      else this.nodes.set(p, enc.slice()); // own copy: `enc` is a view into a shared slab
    }
  }

  countNodes(): number {
    return this.nodes.size;
  }

  snapshotView(): { keys: number; entries: Iterable<readonly [Uint8Array, Uint8Array]>; close(): void } {
    const entries = [...this.flat.iterate(new Uint8Array(0), undefined)];
    return { keys: entries.length, entries, close: () => undefined };
  }

  importing(): boolean {
    return this.importMarker;
  }

  beginImport(): void {
    this.importMarker = true;
  }

  importBatch(changes: Changeset, nodes: NodeWrites): void {
    this.writeAll(changes, nodes);
  }

  finishImport(height: number, root: Uint8Array): void {
    this.meta = { height, root };
    this.importMarker = false;
  }

  abortImport(): void {
    for (const [k] of [...this.flat.iterate(new Uint8Array(0), undefined)]) this.flat.delete(k);
    this.nodes.clear();
    this.importMarker = false;
  }

  async close(): Promise<void> {}
}

/** An in-memory AuthenticatedStore with the same tree, roots and proofs as the lmdb one. */
export function openMemoryAuthenticatedStore(): TreeStore {
  return new TreeStore(new MemoryBackend());
}
