import type { SlabMap } from "./slab-map.ts";
import type { NodeWrites } from "./tree.ts";
import { SEAL_BYTES } from "./record-seal.ts";

/**
 * One journaled height's work for the applier thread (apply-thread.ts), packed into a single
 * ArrayBuffer that is transferred, not cloned:
 *
 *   u32 nFlat ‖ u32 nTree ‖ entries (flat first, then tree), each:
 *   u32 key length ‖ u32 value length (DELETED: remove the key) ‖ key ‖ value ‖ SEAL_BYTES of room
 *
 * (the room only after a value). Flat keys are the state keys; tree keys are the node paths'
 * latin1 bytes (tree.ts). The thread writes each record's checksum into its room
 * (record-seal.ts sealInPlace) and hands lmdb a view of the packed buffer: no per-record
 * allocation or copy on either side, and the checksums cost the main thread nothing. Native
 * byte order: both ends are threads of one process.
 */
const DELETED = 0xffff_ffff;

/** A packed entry: the key, and the value followed by SEAL_BYTES of room for its checksum (null: delete the key). */
export type PackedEntry = readonly [key: Buffer, record: Buffer | null];

export interface UnpackedApply {
  /** In the order packed (the flat changes arrive sorted by key). */
  readonly flat: PackedEntry[];
  /** In the order packed (the stage's order: the thread sorts them by path). */
  readonly tree: PackedEntry[];
}

export function packApply(flat: SlabMap, nodes: NodeWrites): ArrayBuffer {
  let size = 8;
  // Straight from the slab maps: no key string or view per entry (tens of thousands per height).
  const measure = (_s: Uint8Array, _ko: number, kl: number, _vo: number, vl: number): void => void (size += 8 + kl + (vl < 0 ? 0 : vl + SEAL_BYTES));
  flat.forEachRaw(measure);
  nodes.forEachRaw(measure);
  const ab = new ArrayBuffer(size);
  const bytes = new Uint8Array(ab);
  const view = new DataView(ab);
  view.setUint32(0, flat.size, true);
  view.setUint32(4, nodes.size, true);
  let off = 8;
  const write = (slab: Uint8Array, ko: number, kl: number, vo: number, vl: number): void => {
    view.setUint32(off, kl, true);
    view.setUint32(off + 4, vl < 0 ? DELETED : vl, true);
    off += 8;
    for (let i = 0; i < kl; i++) bytes[off + i] = slab[ko + i]!;
    off += kl;
    if (vl >= 0) {
      bytes.set(slab.subarray(vo, vo + vl), off);
      off += vl + SEAL_BYTES;
    }
  };
  flat.forEachRaw(write);
  nodes.forEachRaw(write);
  return ab;
}

/** The entries of a packed height, as views into `ab` (no copies); each record view ends with its SEAL_BYTES of room. */
export function unpackApply(ab: ArrayBuffer): UnpackedApply {
  const view = new DataView(ab);
  const buf = Buffer.from(ab);
  const nFlat = view.getUint32(0, true);
  const nTree = view.getUint32(4, true);
  let off = 8;
  const read = (): PackedEntry => {
    const klen = view.getUint32(off, true);
    const vlen = view.getUint32(off + 4, true);
    const key = buf.subarray(off + 8, off + 8 + klen);
    off += 8 + klen;
    if (vlen === DELETED) return [key, null];
    const record = buf.subarray(off, off + vlen + SEAL_BYTES);
    off += vlen + SEAL_BYTES;
    if (off > ab.byteLength) throw new Error(`packed apply: an entry runs ${off - ab.byteLength} bytes past the end`);
    return [key, record];
  };
  const flat: PackedEntry[] = new Array(nFlat);
  for (let i = 0; i < nFlat; i++) flat[i] = read();
  const tree: PackedEntry[] = new Array(nTree);
  for (let i = 0; i < nTree; i++) tree[i] = read();
  if (off !== ab.byteLength) throw new Error(`packed apply: ${ab.byteLength - off} bytes past the last entry`);
  return { flat, tree };
}
