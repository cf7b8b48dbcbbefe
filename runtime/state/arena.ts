/**
 * Small byte arrays carved from shared 256 KiB slabs: tree node encodings (most 65..520 bytes)
 * that a tree update writes (tree.ts) or reads from lmdb (lmdb-store.ts readNode). One malloc'd
 * ArrayBuffer each would dominate the update's cost in allocation and GC. A view keeps its
 * whole slab alive, so holders that outlive the update (the memory backend, the node cache)
 * copy what they keep.
 */
export class Arena {
  private slab = new Uint8Array(0);
  private off = 0;
  alloc(n: number): Uint8Array {
    if (this.off + n > this.slab.length) {
      this.slab = new Uint8Array(Math.max(256 * 1024, n));
      this.off = 0;
    }
    const v = this.slab.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
}
