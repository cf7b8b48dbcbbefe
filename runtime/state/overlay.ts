import { keyString, lowerBound } from "./bytes.ts";
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
  /** Sorted by key; null = delete. */
  readonly changes: Changeset;
  /** Latin1 forms of `changes`' keys, in the same (sorted) order: range lookups. */
  readonly keyStrs: string[];
  readonly flat: Map<string, OverlayEntry>;
  /** The staged node writes themselves (no copy): path → encoding, null = delete. */
  readonly nodes: NodeWrites;
  /** Flat entries plus node writes: the work the applier has for this height. */
  readonly entries: number;
}

/**
 * Every journaled-but-not-applied change. One map pair per pending height, searched newest
 * first: adding a height costs one Map of its flat keys (the node map is the stage's own),
 * dropping one costs nothing, and lookups stay cheap because the pending heights are few
 * (bounded by the store).
 */
export class Overlay {
  /** Oldest first. */
  readonly heights: PendingHeight[] = [];
  private entryCount = 0;

  /** Flat entries plus node writes over all pending heights (the applier's backlog). */
  get pendingEntries(): number {
    return this.entryCount;
  }

  /**
   * Add a committed height. With `copy`, keys and values are copied into one slab first: the
   * caller's arrays were only borrowed for the commit (node encodings are the stage's own).
   */
  add(height: number, root: Uint8Array, changes: Changeset, nodes: NodeWrites, copy: boolean): void {
    if (copy) changes = copyChanges(changes);
    const keyStrs: string[] = new Array(changes.length);
    const flat = new Map<string, OverlayEntry>();
    for (let i = 0; i < changes.length; i++) {
      const [key, value] = changes[i]!;
      const ks = keyString(key);
      keyStrs[i] = ks;
      flat.set(ks, { key, value });
    }
    const entries = changes.length + nodes.size;
    this.heights.push({ height, root, changes, keyStrs, flat, nodes, entries });
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
    for (let i = hs.length - 1; i >= 0; i--) {
      const e = hs[i]!.flat.get(ks);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /** `undefined`: not in the overlay; `null`: deleted by a pending height. */
  getNode(path: string): Uint8Array | null | undefined {
    const hs = this.heights;
    for (let i = hs.length - 1; i >= 0; i--) {
      const e = hs[i]!.nodes.get(path);
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
    if (hs.length === 0) return [];
    const s = keyString(start);
    const e = end === undefined ? undefined : keyString(end);
    const slices = hs.map((ph) => {
      const lo = lowerBound(ph.keyStrs, s);
      const hi = e === undefined ? ph.keyStrs.length : lowerBound(ph.keyStrs, e);
      return ph.keyStrs.slice(lo, hi);
    });
    const nonEmpty = slices.filter((sl) => sl.length > 0);
    if (nonEmpty.length === 0) return [];
    // Each height's slice is sorted already; only several heights need a merge.
    const keys = nonEmpty.length === 1 ? nonEmpty[0]! : [...new Set(nonEmpty.flat())].sort();
    const out: OverlayEntry[] = new Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      for (let i = hs.length - 1; i >= 0; i--) {
        const entry = hs[i]!.flat.get(keys[k]!);
        if (entry !== undefined) {
          out[k] = entry;
          break;
        }
      }
    }
    return out;
  }
}

function copyChanges(changes: Changeset): Changeset {
  let size = 0;
  for (const [k, v] of changes) size += k.length + (v === null ? 0 : v.length);
  const slab = new Uint8Array(size);
  let o = 0;
  const view = (b: Uint8Array): Uint8Array => {
    slab.set(b, o);
    o += b.length;
    return slab.subarray(o - b.length, o);
  };
  return changes.map(([k, v]) => [view(k), v === null ? null : view(v)] as const);
}
