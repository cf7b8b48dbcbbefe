import { keyString, lowerBound } from "./bytes.ts";
import type { JournalRecord } from "./journal.ts";

/** A flat entry of the overlay: the newest journaled value (null = deleted) and its height. */
export interface OverlayEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly height: number;
}

interface NodeEntry {
  readonly enc: Uint8Array | null;
  readonly height: number;
}

/** A journaled height, kept in memory until the applier has moved it into the main tables. */
export interface PendingHeight {
  readonly record: JournalRecord;
  /** Latin1 forms of record.changes' keys, in the same (sorted) order: range lookups. */
  readonly keyStrs: string[];
  /** Flat entries plus node writes: the work left for the applier. */
  readonly entries: number;
}

/**
 * Every journaled-but-not-applied change, newest per key. Reads consult it before the main
 * tables; an entry leaves when the height that wrote it (and no later one) is applied.
 */
export class Overlay {
  private readonly flat = new Map<string, OverlayEntry>();
  private readonly nodes = new Map<string, NodeEntry>();
  /** Oldest first. */
  readonly heights: PendingHeight[] = [];
  private entryCount = 0;

  /** Flat entries plus node writes over all pending heights (the applier's backlog). */
  get pendingEntries(): number {
    return this.entryCount;
  }

  add(record: JournalRecord): void {
    const h = record.height;
    const keyStrs: string[] = new Array(record.changes.length);
    record.changes.forEach(([k, v], i) => {
      const ks = keyString(k);
      keyStrs[i] = ks;
      this.flat.set(ks, { key: k, value: v, height: h });
    });
    for (const [p, enc] of record.nodes) this.nodes.set(p, { enc, height: h });
    const entries = record.changes.length + record.nodes.length;
    this.heights.push({ record, keyStrs, entries });
    this.entryCount += entries;
  }

  /** Forget the oldest pending height (now in the main tables); later heights' entries stay. */
  dropOldest(): void {
    const ph = this.heights.shift();
    if (ph === undefined) return;
    const h = ph.record.height;
    for (const ks of ph.keyStrs) if (this.flat.get(ks)?.height === h) this.flat.delete(ks);
    for (const [p] of ph.record.nodes) if (this.nodes.get(p)?.height === h) this.nodes.delete(p);
    this.entryCount -= ph.entries;
  }

  /** The overlay's entry for `key`, if a pending height wrote it. */
  getFlat(key: Uint8Array): OverlayEntry | undefined {
    return this.heights.length === 0 ? undefined : this.flat.get(keyString(key));
  }

  /** `undefined`: not in the overlay; `null`: deleted by a pending height. */
  getNode(path: string): Uint8Array | null | undefined {
    if (this.heights.length === 0) return undefined;
    const e = this.nodes.get(path);
    return e === undefined ? undefined : e.enc;
  }

  /**
   * Newest entries with start <= key < end, ascending, as a snapshot array (deletions
   * included, so a merge can hide the main table's value).
   */
  range(start: Uint8Array, end: Uint8Array | undefined): OverlayEntry[] {
    if (this.heights.length === 0) return [];
    const s = keyString(start);
    const e = end === undefined ? undefined : keyString(end);
    const seen = new Set<string>();
    const keys: string[] = [];
    for (const ph of this.heights) {
      const lo = lowerBound(ph.keyStrs, s);
      const hi = e === undefined ? ph.keyStrs.length : lowerBound(ph.keyStrs, e);
      for (let i = lo; i < hi; i++) {
        const ks = ph.keyStrs[i]!;
        if (!seen.has(ks)) {
          seen.add(ks);
          keys.push(ks);
        }
      }
    }
    // Each height's slice is sorted already; only several heights need a merge (rare: few pending).
    if (this.heights.length > 1) keys.sort();
    return keys.map((ks) => this.flat.get(ks)!);
  }
}
