import { StateError } from "./errors.ts";
import { keyBytes, keyString, lowerBound, copyBytes } from "./bytes.ts";
import type { Changeset, IterateOptions, KVReader, KVStore } from "./types.ts";

/**
 * A write buffer over a parent reader: a block branch over the committed store, a tx branch
 * over the block branch, a governance branch over a tx branch. Reads fall through to the
 * parent; nothing reaches the parent until `write()`. Dropping the branch discards it.
 *
 * Hot path: set/get are one Map operation on a latin1 string of the key (keyString), and the
 * buffered entry is just the value (null for a deletion): key bytes are made back from the
 * string only when changes are collected or iterated, once per key, rather than copied on
 * every write. A transfer makes ~7 writes and ~10 reads; each Uint8Array is ~150 bytes of
 * heap, and a block branch's entries outlive young-generation collections (GC cost).
 * Sorting happens only when iterating or collecting changes, and the sorted key list is
 * cached until a new key is added. Values are copied on `set`, so callers may reuse buffers.
 */
/** The buffer of a branch that has not written yet (shared, never mutated): a transaction's branch is written once and dropped, so a fresh Map after write() was pure garbage. */
const NOTHING: ReadonlyMap<string, Uint8Array | null> = new Map();

export class Branch implements KVStore {
  readonly parent: KVReader;
  private pending: Map<string, Uint8Array | null> = NOTHING as Map<string, Uint8Array | null>;
  private sorted: string[] | null = [];

  constructor(parent: KVReader) {
    this.parent = parent;
  }

  /** A nested branch on top of this one. */
  branch(): Branch {
    return new Branch(this);
  }

  /** Number of buffered writes and deletions. */
  get size(): number {
    return this.pending.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(keyString(key), key);
  }

  getKeyed(ks: string, key?: Uint8Array): Uint8Array | undefined {
    const p = this.pending.get(ks);
    if (p !== undefined) return p ?? undefined;
    const parent = this.parent;
    return parent.getKeyed ? parent.getKeyed(ks, key) : parent.get(key ?? keyBytes(ks));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.put(keyString(key), copyBytes(value));
  }

  delete(key: Uint8Array): void {
    this.put(keyString(key), null);
  }

  setKeyed(ks: string, value: Uint8Array): void {
    this.put(ks, copyBytes(value));
  }

  deleteKeyed(ks: string): void {
    this.put(ks, null);
  }

  private put(ks: string, value: Uint8Array | null): void {
    if (this.pending === NOTHING) this.pending = new Map();
    if (this.sorted !== null && !this.pending.has(ks)) this.sorted = null;
    this.pending.set(ks, value);
  }

  private sortedKeys(): string[] {
    if (this.sorted === null) this.sorted = [...this.pending.keys()].sort();
    return this.sorted;
  }

  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    const reverse = opts?.reverse === true;
    const limit = opts?.limit ?? Infinity;
    // Snapshot the overlay slice now: writes made while iterating do not disturb the walk.
    const keys = this.sortedKeys();
    const lo = lowerBound(keys, keyString(start));
    const hi = end === undefined ? keys.length : lowerBound(keys, keyString(end));
    const overlay: { key: Uint8Array; value: Uint8Array | null }[] = [];
    for (let i = lo; i < hi; i++) overlay.push({ key: keyBytes(keys[i]!), value: this.pending.get(keys[i]!)! });
    if (reverse) overlay.reverse();
    return mergeIterate(overlay, this.parent.iterate(start, end, { reverse }), reverse, limit);
  }

  /** Net changes sorted by key (deletions as null). */
  changes(): Changeset {
    const out: Array<readonly [Uint8Array, Uint8Array | null]> = [];
    for (const ks of this.sortedKeys()) out.push([keyBytes(ks), this.pending.get(ks)!]);
    return out;
  }

  /** Flush the buffered writes into the parent (which must be writable), then start empty. */
  write(): void {
    const parent = this.parent;
    if (parent instanceof Branch) {
      for (const [ks, v] of this.pending) parent.put(ks, v);
    } else if (isKVStore(parent)) {
      // Sorted so a parent that logs or hashes its writes sees a deterministic order.
      for (const ks of this.sortedKeys()) {
        const v = this.pending.get(ks)!;
        if (v === null) parent.delete(keyBytes(ks));
        else parent.set(keyBytes(ks), v);
      }
    } else {
      throw new StateError("STATE_READ_ONLY_PARENT", "branch parent is read-only: stage branch.changes() on the store instead");
    }
    this.reset();
  }

  /** Drop every buffered write. */
  reset(): void {
    this.pending = NOTHING as Map<string, Uint8Array | null>;
    this.sorted = [];
  }
}

function isKVStore(r: KVReader): r is KVStore {
  const s = r as Partial<KVStore>;
  return typeof s.set === "function" && typeof s.delete === "function";
}

function cmp(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Merge a sorted overlay (null = deleted) with the parent's sorted stream; overlay wins ties. */
export function* mergeIterate(
  overlay: ReadonlyArray<{ readonly key: Uint8Array; readonly value: Uint8Array | null }>,
  parentIt: Iterable<[Uint8Array, Uint8Array]>,
  reverse: boolean,
  limit: number,
): Generator<[Uint8Array, Uint8Array]> {
  if (limit <= 0) return;
  const it = parentIt[Symbol.iterator]();
  const dir = reverse ? -1 : 1;
  let count = 0;
  let oi = 0;
  try {
    let next = it.next();
    while (true) {
      const o = oi < overlay.length ? overlay[oi]! : undefined;
      if (next.done) {
        if (o === undefined) return;
        oi++;
        if (o.value !== null) {
          yield [o.key, o.value];
          if (++count >= limit) return;
        }
        continue;
      }
      const [pk, pv] = next.value;
      const c = o === undefined ? -1 : cmp(pk, o.key) * dir;
      if (c < 0) {
        yield [pk, pv];
        if (++count >= limit) return;
        next = it.next();
        continue;
      }
      // Overlay entry comes first or shadows the parent's entry for the same key.
      if (c === 0) next = it.next();
      oi++;
      if (o!.value !== null) {
        yield [o!.key, o!.value];
        if (++count >= limit) return;
      }
    }
  } finally {
    it.return?.();
  }
}
