import { keyString } from "./bytes.ts";
import { hashKeyString, SlabMap } from "./slab-map.ts";
import type { NodeWrites } from "./tree.ts";
import type { Changeset } from "./types.ts";

/** A flat entry of the overlay: the newest journaled value (null = deleted). */
export interface OverlayEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/** A journaled height, kept in memory until the applier has moved it into the main tables. */
export interface PendingHeight {
  readonly height: number;
  readonly root: Uint8Array;
  /** The height's flat changes, key → value (null = delete), in key order (slab-map.ts: no objects per entry). */
  readonly flat: SlabMap;
  /** The staged node writes themselves (no copy): path → encoding, null = delete. */
  readonly nodes: NodeWrites;
  /** Flat entries plus node writes: the work the applier has for this height. */
  readonly entries: number;
}

/**
 * Every journaled-but-not-applied change. One pair of slab maps per pending height, searched
 * newest first: adding a height copies its flat changes into slabs (the node writes are the
 * stage's own), dropping one costs nothing, and lookups stay cheap because the pending heights
 * are few (bounded by the store).
 */
export class Overlay {
  /** Oldest first. */
  readonly heights: PendingHeight[] = [];
  private entryCount = 0;

  /** Flat entries plus node writes over all pending heights (the applier's backlog). */
  get pendingEntries(): number {
    return this.entryCount;
  }

  /** Add a committed height; `changes` (sorted by key, unique) are copied: the caller's arrays were only borrowed. */
  add(height: number, root: Uint8Array, changes: Changeset, nodes: NodeWrites): void {
    const flat = new SlabMap(changes.length);
    for (const [key, value] of changes) flat.setBytes(key, value);
    const entries = flat.size + nodes.size;
    this.heights.push({ height, root, flat, nodes, entries });
    this.entryCount += entries;
  }

  /** Forget the oldest pending height (now in the main tables). */
  dropOldest(): void {
    const ph = this.heights.shift();
    if (ph !== undefined) this.entryCount -= ph.entries;
  }

  /** The newest pending entry for `key`, if a pending height wrote it. */
  getFlat(key: Uint8Array): OverlayEntry | undefined {
    return this.heights.length === 0 ? undefined : this.getFlatKs(keyString(key));
  }

  /** getFlat by the key's latin1 string (bytes.ts keyString). */
  getFlatKs(ks: string): OverlayEntry | undefined {
    const hs = this.heights;
    if (hs.length === 0) return undefined;
    const h = hashKeyString(ks);
    for (let i = hs.length - 1; i >= 0; i--) {
      const flat = hs[i]!.flat;
      const k = flat.indexOf(ks, h);
      if (k >= 0) return { key: flat.keyAt(k), value: flat.valueAt(k) };
    }
    return undefined;
  }

  /** `undefined`: not in the overlay; `null`: deleted by a pending height. */
  getNode(path: string): Uint8Array | null | undefined {
    const hs = this.heights;
    if (hs.length === 0) return undefined;
    const h = hashKeyString(path);
    for (let i = hs.length - 1; i >= 0; i--) {
      const e = hs[i]!.nodes.get(path, h);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /**
   * Newest entries with start <= key < end, ascending, as a snapshot array (deletions
   * included, so a merge can hide the main table's value).
   */
  range(start: Uint8Array, end: Uint8Array | undefined): OverlayEntry[] {
    const hs = this.heights;
    const spans: Array<{ flat: SlabMap; lo: number; hi: number }> = [];
    for (const ph of hs) {
      const lo = ph.flat.lowerBound(start);
      const hi = end === undefined ? ph.flat.size : ph.flat.lowerBound(end);
      if (hi > lo) spans.push({ flat: ph.flat, lo, hi });
    }
    const entry = (flat: SlabMap, k: number): OverlayEntry => ({ key: flat.keyAt(k), value: flat.valueAt(k) });
    if (spans.length === 0) return [];
    if (spans.length === 1) {
      const { flat, lo, hi } = spans[0]!;
      const out: OverlayEntry[] = new Array(hi - lo);
      for (let k = lo; k < hi; k++) out[k - lo] = entry(flat, k);
      return out;
    }
    // Several heights: newest wins per key (later spans are newer), then key order.
    const byKey = new Map<string, OverlayEntry>();
    for (const { flat, lo, hi } of spans) for (let k = lo; k < hi; k++) byKey.set(keyString(flat.keyAt(k)), entry(flat, k));
    return [...byKey.keys()].sort().map((ks) => byKey.get(ks)!);
  }
}
