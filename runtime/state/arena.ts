/**
 * Small byte arrays carved from shared 256 KiB slabs: tree node encodings (most 65..520 bytes)
 * that a tree update writes (tree.ts) or reads from lmdb (lmdb-store.ts readNode). One malloc'd
 * ArrayBuffer each would dominate the update's cost in allocation and GC. A view keeps its
 * whole slab alive, so holders that outlive the update (the memory backend, the node cache)
 * copy what they keep.
 */
export class Arena {
  private current = new Uint8Array(0);
  private off = 0;

  /** The slab the last alloc() carved from (its views' byteOffset is their offset in it). */
  get slab(): Uint8Array {
    return this.current;
  }

  /** n bytes, followed in the same slab by `tail` bytes of room the caller may write through `slab` (tree.ts: a node's hash). */
  alloc(n: number, tail = 0): Uint8Array {
    if (this.off + n + tail > this.current.length) {
      this.current = new Uint8Array(Math.max(256 * 1024, n + tail));
      this.off = 0;
    }
    const v = this.current.subarray(this.off, this.off + n);
    this.off += n + tail;
    return v;
  }
}
