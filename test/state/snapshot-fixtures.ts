import { sha256 } from "@noble/hashes/sha2.js";
import { encodeChunk, encodeManifest, slotOf, subtreeRef, type HashedEntry, type SlotRef, type SnapshotManifest } from "../../runtime/state/snapshot/index.ts";
import { bytes, referenceRoot } from "./reference-tree.ts";

/** Snapshot fixtures shared by the snapshot format tests. */
export type Entry = readonly [Uint8Array, Uint8Array];

export function kvs(n: number, tag = "v"): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) out.push([bytes(`acct/${i}`), bytes(`${tag}${i}`)]);
  return out;
}

/** The manifest and chunks of `entries` at `depth`, built in memory (no writer). */
export function build(entries: readonly Entry[], depth: number, height = 7): { manifest: SnapshotManifest; bytes: Uint8Array; chunks: Map<number, Uint8Array> } {
  const groups = new Map<number, Array<{ e: Entry; h: HashedEntry }>>();
  for (const e of entries) {
    const h = { keyHash: sha256(e[0]), valueHash: sha256(e[1]) };
    const s = slotOf(h.keyHash, depth);
    if (!groups.has(s)) groups.set(s, []);
    groups.get(s)!.push({ e, h });
  }
  const slots: Array<SlotRef | null> = new Array(16 ** depth).fill(null);
  const chunks = new Map<number, Uint8Array>();
  for (const [s, g] of groups) {
    g.sort((a, b) => Buffer.compare(a.h.keyHash, b.h.keyHash));
    const enc = encodeChunk(g.map((x) => x.e));
    const ref = subtreeRef(depth, g.map((x) => x.h))!;
    slots[s] = { hash: ref.hash, leaf: ref.leaf, entries: g.length, bytes: enc.length };
    chunks.set(s, enc);
  }
  const root = referenceRoot(entries).root;
  const manifest: SnapshotManifest = { format: 1, height, root, depth, keys: entries.length, slots };
  return { manifest, bytes: encodeManifest(manifest), chunks };
}
