import { sha256 } from "../../crypto/hash.ts";
import { MAX_STATE_KEY_BYTES } from "../authenticated-store.ts";
import { StateError } from "../errors.ts";
import { slotOf, subtreeRef, type HashedEntry, type SnapshotManifest } from "./format.ts";

/**
 * Chunk codec: u32 count, then per entry u32 keyLen ‖ key ‖ u32 valueLen ‖ value (big-endian),
 * entries in ascending keyHash order. Given the entries the bytes are unique, so a manifest
 * can state a chunk's exact size.
 */

/** One state entry: key, value. */
export type SnapshotEntry = readonly [key: Uint8Array, value: Uint8Array];

/** Encoded size of one entry. */
export function entryBytes(key: Uint8Array, value: Uint8Array): number {
  return 8 + key.length + value.length;
}

/** Write one entry at `off` of `out`; returns the offset after it. */
export function writeEntry(out: Buffer, off: number, key: Uint8Array, value: Uint8Array): number {
  out.writeUInt32BE(key.length, off);
  out.set(key, off + 4);
  off += 4 + key.length;
  out.writeUInt32BE(value.length, off);
  out.set(value, off + 4);
  return off + 4 + value.length;
}

/** Encode entries that the caller has sorted by keyHash. */
export function encodeChunk(entries: readonly SnapshotEntry[]): Buffer {
  let size = 4;
  for (const [k, v] of entries) size += entryBytes(k, v);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(entries.length, 0);
  let off = 4;
  for (const [k, v] of entries) off = writeEntry(out, off, k, v);
  return out;
}

function bad(slot: number, why: string, context: Record<string, unknown> = {}): StateError {
  return new StateError("STATE_SNAPSHOT_INVALID", `snapshot chunk ${slot}: ${why}`, { slot, ...context });
}

/**
 * Decode `count` entries from bytes[off..end) (u32 keyLen ‖ key ‖ u32 valueLen ‖ value each),
 * checking every length against what is left; the entries are copies. Shared by the chunk
 * decoder and the writer's spill files (same layout without the count).
 */
export function decodeEntries(bytes: Uint8Array, off: number, end: number, count: number, fail: (why: string, ctx?: Record<string, unknown>) => Error): SnapshotEntry[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SnapshotEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    if (end - off < 4) throw fail("truncated: an entry's key length is missing", { entry: i });
    const kl = b.readUInt32BE(off);
    off += 4;
    if (kl < 1 || kl > MAX_STATE_KEY_BYTES) throw fail(`key length ${kl} is outside 1..${MAX_STATE_KEY_BYTES}`, { entry: i });
    if (end - off < kl + 4) throw fail("truncated inside an entry's key", { entry: i });
    const key = bytes.slice(off, off + kl);
    off += kl;
    const vl = b.readUInt32BE(off);
    off += 4;
    if (vl > end - off) throw fail("truncated inside an entry's value", { entry: i, valueLength: vl });
    out[i] = [key, bytes.slice(off, off + vl)];
    off += vl;
  }
  if (off !== end) throw fail(`${end - off} trailing bytes after the last entry`);
  return out;
}

/** Structural decode only (lengths, count, no trailing bytes); verifyChunk also checks the hashes. */
export function decodeChunk(bytes: Uint8Array, slot = 0): SnapshotEntry[] {
  if (bytes.length < 4) throw bad(slot, "shorter than its 4-byte entry count");
  const n = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(0);
  // Each entry is at least 9 bytes: refuse an absurd count before allocating for it.
  if (n > (bytes.length - 4) / 9) throw bad(slot, `count ${n} does not fit in ${bytes.length} bytes`, { count: n });
  return decodeEntries(bytes, 4, bytes.length, n, (why, ctx) => bad(slot, why, ctx));
}

/**
 * Check one chunk from an untrusted peer against a verified manifest and return its entries:
 * exact size, decodes exactly, the manifest's entry count, every keyHash in the slot's prefix,
 * strictly ascending keyHashes, and the subtree they form hashes to the slot's hash.
 * Throws STATE_SNAPSHOT_INVALID naming the slot and the problem.
 */
export function verifyChunk(manifest: SnapshotManifest, slot: number, bytes: Uint8Array): SnapshotEntry[] {
  if (!Number.isSafeInteger(slot) || slot < 0 || slot >= manifest.slots.length) throw bad(slot, `no such slot (0..${manifest.slots.length - 1})`);
  const ref = manifest.slots[slot];
  if (ref === null || ref === undefined) throw bad(slot, "the manifest lists no entries in this slot");
  if (bytes.length !== ref.bytes) throw bad(slot, `${bytes.length} bytes, the manifest says ${ref.bytes}`, { bytes: bytes.length, expected: ref.bytes });
  const entries = decodeChunk(bytes, slot);
  if (entries.length !== ref.entries) throw bad(slot, `${entries.length} entries, the manifest says ${ref.entries}`, { entries: entries.length, expected: ref.entries });
  const items: HashedEntry[] = new Array(entries.length);
  let prev: Uint8Array | undefined;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    const keyHash = sha256(k);
    if (slotOf(keyHash, manifest.depth) !== slot) throw bad(slot, `entry ${i} belongs to slot ${slotOf(keyHash, manifest.depth)}`, { entry: i });
    if (prev !== undefined && Buffer.compare(prev, keyHash) >= 0) throw bad(slot, `entry ${i} is not in ascending keyHash order (or repeats a key)`, { entry: i });
    prev = keyHash;
    items[i] = { keyHash, valueHash: sha256(v) };
  }
  const top = subtreeRef(manifest.depth, items)!;
  if (top.leaf !== ref.leaf || Buffer.compare(top.hash, ref.hash) !== 0) throw bad(slot, "the entries do not hash to the slot's hash in the manifest");
  return entries;
}
