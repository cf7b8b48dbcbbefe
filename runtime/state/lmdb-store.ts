import type { Database, RootDatabase } from "lmdb";
import { StateError } from "./errors.ts";
import { TreeStore, type PersistBatch, type StateBackend } from "./authenticated-store.ts";
import { EMPTY_ROOT, HASH_BYTES } from "./proof-format.ts";
import { ROOT_PATH, nodeHash, pathDepth, type NodeReader } from "./tree.ts";
import type { IterateOptions } from "./types.ts";

export interface LmdbStateOptions {
  /** Prefix of the sub-database names: `<name>.flat` and `<name>.tree`. Default "state". */
  name?: string;
  /**
   * Tree nodes at depth <= cacheDepth stay in memory (raw encodings). Depth 4 is
   * at most 69 905 nodes (≈ 40 MB when full at ~1M keys) and saves most lmdb reads per
   * update; the rest of the tree is read through lmdb's memory map. Default 4.
   */
  cacheDepth?: number;
  /** Close the root database when the store is closed. Default false (the caller owns it). */
  closeRoot?: boolean;
}

/** Meta record key in the tree database: no path key is the single byte 0xff (a 1-byte path key is the root, 0x00). */
const META_KEY = Buffer.from([0xff]);
const META_VERSION = 1;

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

class LmdbBackend implements StateBackend {
  private readonly root: RootDatabase;
  private readonly flat: Database<Buffer, Buffer>;
  private readonly tree: Database<Buffer, Buffer>;
  private readonly cache = new Map<string, Uint8Array>();
  private readonly cacheDepth: number;
  private readonly closeRoot: boolean;

  constructor(root: RootDatabase, opts: LmdbStateOptions) {
    const name = opts.name ?? "state";
    this.root = root;
    this.flat = root.openDB<Buffer, Buffer>({ name: `${name}.flat`, keyEncoding: "binary", encoding: "binary" });
    this.tree = root.openDB<Buffer, Buffer>({ name: `${name}.tree`, keyEncoding: "binary", encoding: "binary" });
    this.cacheDepth = opts.cacheDepth ?? 4;
    this.closeRoot = opts.closeRoot ?? false;
  }

  readNode: NodeReader = (path) => {
    const cacheable = pathDepth(path) <= this.cacheDepth;
    if (cacheable) {
      const hit = this.cache.get(path);
      if (hit !== undefined) return hit;
    }
    const v = this.tree.get(Buffer.from(path, "latin1"));
    if (v !== undefined && cacheable) this.cache.set(path, v);
    return v;
  };

  get(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0) return undefined; // lmdb rejects empty keys; none is ever stored
    return this.flat.get(buf(key));
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Generator<[Uint8Array, Uint8Array]> {
    const limit = opts?.limit ?? Infinity;
    if (limit <= 0) return;
    let n = 0;
    if (opts?.reverse !== true) {
      const range = this.flat.getRange({ start: buf(start), end: end === undefined ? undefined : buf(end), limit: Number.isFinite(limit) ? limit : undefined });
      for (const { key, value } of range) yield [key, value];
      return;
    }
    // lmdb's reverse range starts at `start` inclusive; ours excludes `end` and includes `start`.
    const s = buf(start);
    const range = this.flat.getRange({ start: end === undefined ? undefined : buf(end), reverse: true });
    for (const { key, value } of range) {
      if (end !== undefined && Buffer.compare(key, end) >= 0) continue;
      if (Buffer.compare(key, s) < 0) return;
      yield [key, value];
      if (++n >= limit) return;
    }
  }

  readMeta(): { height: number; root: Uint8Array } | undefined {
    const m = this.tree.get(META_KEY);
    if (m === undefined) return undefined;
    const meta = decodeMeta(m);
    const top = this.readNode(ROOT_PATH);
    const actual = top === undefined ? EMPTY_ROOT : nodeHash(top);
    if (Buffer.compare(actual, meta.root) !== 0) {
      throw new StateError("STATE_CORRUPT", "stored state root does not match the stored tree", { height: meta.height });
    }
    return meta;
  }

  persist(batch: PersistBatch, alsoWrite?: () => void): void {
    const { flat, tree } = this;
    this.root.transactionSync(() => {
      for (const [k, v] of batch.changes) {
        if (v === null) flat.removeSync(buf(k));
        else flat.putSync(buf(k), buf(v));
      }
      // Path order: neighbouring nodes share pages, and lmdb writes faster walking in order.
      const paths = [...batch.nodes.keys()].sort();
      for (const p of paths) {
        const enc = batch.nodes.get(p)!;
        if (enc === null) tree.removeSync(Buffer.from(p, "latin1"));
        else tree.putSync(Buffer.from(p, "latin1"), buf(enc));
      }
      tree.putSync(META_KEY, encodeMeta(batch.height, batch.root));
      alsoWrite?.();
    });
    // Only after a successful commit: the cache mirrors committed nodes.
    for (const [p, enc] of batch.nodes) {
      if (pathDepth(p) > this.cacheDepth) continue;
      if (enc === null) this.cache.delete(p);
      else this.cache.set(p, enc.slice()); // own copy: `enc` is a view into a shared slab
    }
  }

  countNodes(): number {
    const stats = this.tree.getStats() as { entryCount?: number };
    const entries = stats.entryCount ?? 0;
    return this.tree.get(META_KEY) === undefined ? entries : entries - 1;
  }

  async close(): Promise<void> {
    this.cache.clear();
    if (this.closeRoot) await this.root.close();
  }
}

/**
 * The authenticated state store on an lmdb root (see tree.ts for the tree). The flat table
 * `<name>.flat` serves get/iterate; `<name>.tree` holds the tree nodes by path and the meta
 * record (height, root). A commit writes all three, plus the caller's `alsoWrite`, in one
 * lmdb transaction.
 */
export function openAuthenticatedStore(root: RootDatabase, opts: LmdbStateOptions = {}): TreeStore {
  return new TreeStore(new LmdbBackend(root, opts));
}
