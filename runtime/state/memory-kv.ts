import { keyString, lowerBound, copyBytes } from "./bytes.ts";
import type { IterateOptions, KVStore } from "./types.ts";

/**
 * A plain in-memory KVStore in byte order, for module unit tests (usually under a Branch).
 * Not authenticated; see openMemoryAuthenticatedStore for the in-memory store with a root.
 */
export class MemoryKV implements KVStore {
  private entries = new Map<string, readonly [Uint8Array, Uint8Array]>();
  private sorted: string[] | null = [];

  constructor(initial?: Iterable<readonly [Uint8Array, Uint8Array]>) {
    if (initial) for (const [k, v] of initial) this.set(k, v);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(keyString(key))?.[1];
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const ks = keyString(key);
    const prev = this.entries.get(ks);
    if (prev === undefined) this.sorted = null;
    this.entries.set(ks, [prev?.[0] ?? copyBytes(key), copyBytes(value)]);
  }

  delete(key: Uint8Array): void {
    const ks = keyString(key);
    if (this.entries.delete(ks) && this.sorted !== null) {
      // Keep the cache: removing one element keeps the array sorted.
      const i = lowerBound(this.sorted, ks);
      this.sorted.splice(i, 1);
    }
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Generator<[Uint8Array, Uint8Array]> {
    const limit = opts?.limit ?? Infinity;
    if (this.sorted === null) this.sorted = [...this.entries.keys()].sort();
    const keys = this.sorted;
    const lo = lowerBound(keys, keyString(start));
    const hi = end === undefined ? keys.length : lowerBound(keys, keyString(end));
    // Snapshot the slice so writes during iteration do not shift what we walk.
    const slice = keys.slice(lo, hi);
    if (opts?.reverse === true) slice.reverse();
    let n = 0;
    for (const ks of slice) {
      if (n >= limit) return;
      const e = this.entries.get(ks);
      if (e === undefined) continue;
      n++;
      yield [e[0], e[1]];
    }
  }
}
