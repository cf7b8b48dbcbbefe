import { StateError } from "./errors.ts";
import { HASH_BYTES } from "./proof-format.ts";
import { EMPTY_ROOT, INTERNAL_PREFIX, LEAF_PREFIX } from "./proof-format.ts";
import { SlabMap } from "./slab-map.ts";
import { ROOT_PATH, childPath, nodeHash, pathDepth, type NodeReader, type NodeWrites } from "./tree.ts";
import type { Changeset } from "./types.ts";

/**
 * Binary layout of one journal record (one committed height), written in the commit's
 * transaction and deleted once the applier has moved it into the main tables:
 *
 *   version u8 ‖ height u64 ‖ root(32) ‖ nFlat u32 ‖ nFlat × (klen u16 ‖ key ‖ vlen u32 ‖ value)
 *   ‖ nNodes u32 ‖ nNodes × (plen u8 ‖ path ‖ node)
 *   node: 0 (deleted) | 1 ‖ elen u16 ‖ leaf encoding | 2 ‖ bitmap u16 ‖ leafmap u16 (internal)
 *
 * vlen 0xffffffff marks a deleted value. Flat entries are in key order; nodes in the stage's
 * order (sorting them is the applier's job, off the commit's path).
 *
 * Internal nodes are journaled without their child hashes (4 bytes instead of up to 517):
 * a child whose hash changed in this height was rewritten in this height, so its hash is
 * the hash of its encoding in the same record; every other child kept its hash, which is
 * read from the node at the same path before this height. That base node is the same for
 * this purpose whether or not the height was partly applied before a crash (those children
 * did not change), which is what makes replay correct; the rebuilt root must hash to the
 * recorded root. Internal nodes are most of a block's node writes at 1M keys, so records
 * are ~1.8 MB there instead of ~8 MB, and cost about the same at 1k and 1M keys.
 */
const JOURNAL_VERSION = 3;

/** Journal row key: height u64 ‖ chunk u32 (big-endian, so rows sort by height, then chunk). */
export function journalKey(height: number, chunk: number): Buffer {
  const k = Buffer.alloc(12);
  k.writeBigUInt64BE(BigInt(height), 0);
  k.writeUInt32BE(chunk, 8);
  return k;
}
const DELETED32 = 0xffffffff;
const NODE_DELETED = 0;
const NODE_LEAF = 1;
const NODE_INTERNAL = 2;

function popcount16(x: number): number {
  let n = 0;
  for (; x !== 0; n++) x &= x - 1;
  return n;
}

export interface JournalRecord {
  readonly height: number;
  readonly root: Uint8Array;
  /** Sorted by key; null = delete. */
  readonly changes: Changeset;
  /** Path → encoding, null = delete (in no particular order: the applier sorts). */
  readonly nodes: NodeWrites;
}

/**
 * Encode `rec`. The result is a view into `scratch.buf` when it is large enough (it is grown
 * otherwise): the caller reuses one buffer across commits, since lmdb copies what it writes,
 * rather than allocate megabytes of external memory per block (which also prompts V8 GCs).
 */
export function encodeJournal(rec: JournalRecord, scratch: { buf: Buffer } = { buf: Buffer.alloc(0) }): Buffer {
  let size = 1 + 8 + HASH_BYTES + 4 + 4;
  for (const [k, v] of rec.changes) size += 2 + k.length + 4 + (v === null ? 0 : v.length);
  rec.nodes.forEachRaw((slab, _po, pl, eo, el) => {
    size += 1 + pl + 1 + (el < 0 ? 0 : slab[eo] === LEAF_PREFIX ? 2 + el : 4);
  });
  if (scratch.buf.length < size) scratch.buf = Buffer.allocUnsafe(Math.max(size, scratch.buf.length * 2));
  const b = scratch.buf;
  let o = 0;
  b[o++] = JOURNAL_VERSION;
  b.writeBigUInt64BE(BigInt(rec.height), o);
  o += 8;
  b.set(rec.root, o);
  o += HASH_BYTES;
  b.writeUInt32BE(rec.changes.length, o);
  o += 4;
  for (const [k, v] of rec.changes) {
    b[o] = k.length >> 8;
    b[o + 1] = k.length & 0xff;
    b.set(k, o + 2);
    o += 2 + k.length;
    b.writeUInt32BE(v === null ? DELETED32 : v.length, o);
    o += 4;
    if (v !== null) {
      b.set(v, o);
      o += v.length;
    }
  }
  b.writeUInt32BE(rec.nodes.size, o);
  o += 4;
  // Straight from the write set's slabs: no path string or view per node.
  rec.nodes.forEachRaw((slab, po, pl, eo, el) => {
    b[o++] = pl;
    for (let i = 0; i < pl; i++) b[o++] = slab[po + i]!; // short: cheaper than a native call
    if (el < 0) {
      b[o++] = NODE_DELETED;
      return;
    }
    if (slab[eo] === LEAF_PREFIX) {
      b[o++] = NODE_LEAF;
      b[o++] = el >> 8;
      b[o++] = el & 0xff;
      for (let i = 0; i < el; i++) b[o++] = slab[eo + i]!;
      return;
    }
    // Internal node: 0x01 ‖ bitmap ‖ hashes ‖ leafmap (tree.ts); the hashes are rebuilt.
    b[o++] = NODE_INTERNAL;
    b[o++] = slab[eo + 1]!;
    b[o++] = slab[eo + 2]!;
    b[o++] = slab[eo + el - 2]!;
    b[o++] = slab[eo + el - 1]!;
  });
  return b.subarray(0, o);
}

/**
 * Decode a record. `base` reads the tree as it was before this height (the main tables under
 * the overlay of the earlier pending heights): delta nodes take their copied children from it.
 */
export function decodeJournal(b: Buffer, base: NodeReader): JournalRecord {
  const bad = (why: string): StateError => new StateError("STATE_CORRUPT", `state journal record: ${why}`, { length: b.length });
  try {
    let o = 0;
    if (b[o++] !== JOURNAL_VERSION) throw bad("unknown version");
    const height = Number(b.readBigUInt64BE(o));
    o += 8;
    const root = new Uint8Array(b.subarray(o, o + HASH_BYTES));
    o += HASH_BYTES;
    const nFlat = b.readUInt32BE(o);
    o += 4;
    const changes: Array<readonly [Uint8Array, Uint8Array | null]> = [];
    for (let i = 0; i < nFlat; i++) {
      const kl = b.readUInt16BE(o);
      const k = b.subarray(o + 2, o + 2 + kl);
      o += 2 + kl;
      const vl = b.readUInt32BE(o);
      o += 4;
      if (vl === DELETED32) changes.push([k, null]);
      else {
        changes.push([k, b.subarray(o, o + vl)]);
        o += vl;
      }
    }
    const nNodes = b.readUInt32BE(o);
    o += 4;
    const nodes = new SlabMap();
    const internals: Array<{ path: string; bitmap: number; leafmap: number }> = [];
    for (let i = 0; i < nNodes; i++) {
      const pl = b[o++]!;
      const p = b.toString("latin1", o, o + pl);
      o += pl;
      const tag = b[o++];
      if (tag === NODE_DELETED) {
        nodes.set(p, null);
      } else if (tag === NODE_LEAF) {
        const el = b.readUInt16BE(o);
        nodes.set(p, b.subarray(o + 2, o + 2 + el));
        o += 2 + el;
      } else if (tag === NODE_INTERNAL) {
        internals.push({ path: p, bitmap: b.readUInt16BE(o), leafmap: b.readUInt16BE(o + 2) });
        o += 4;
      } else {
        throw bad("unknown node tag");
      }
    }
    if (o !== b.length) throw bad("trailing bytes");
    // Deepest first, so a rewritten child's encoding exists before its parent is rebuilt.
    internals.sort((x, y) => pathDepth(y.path) - pathDepth(x.path));
    for (const { path, bitmap, leafmap } of internals) nodes.set(path, rebuildInternal(path, bitmap, leafmap, nodes, base, bad));
    const top = nodes.get(ROOT_PATH);
    const rebuilt = top === undefined ? undefined : top === null ? EMPTY_ROOT : nodeHash(top);
    if (rebuilt !== undefined && Buffer.compare(rebuilt, root) !== 0) throw bad("rebuilt tree does not hash to the recorded root");
    return { height, root, changes, nodes };
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw bad("truncated");
  }
}

/** An internal node's encoding from its header, this height's rewritten children and the base. */
function rebuildInternal(path: string, bitmap: number, leafmap: number, nodes: NodeWrites, base: NodeReader, bad: (why: string) => StateError): Uint8Array {
  const n = popcount16(bitmap);
  if (n === 0 || (leafmap & ~bitmap) !== 0) throw bad("bad internal node header");
  const enc = new Uint8Array(5 + HASH_BYTES * n);
  enc[0] = INTERNAL_PREFIX;
  enc[1] = bitmap >> 8;
  enc[2] = bitmap & 0xff;
  let old: Uint8Array | undefined;
  let oldBitmap = -1;
  let dst = 3;
  for (let i = 0; i < 16; i++) {
    if ((bitmap & (1 << i)) === 0) continue;
    const child = nodes.get(childPath(path, i));
    if (child === null) throw bad("internal node refers to a child this height deleted");
    if (child !== undefined) {
      enc.set(nodeHash(child), dst);
    } else {
      // Unchanged child: its hash is in the node this one replaces.
      if (oldBitmap < 0) {
        old = base(path);
        oldBitmap = old !== undefined && old[0] === INTERNAL_PREFIX ? (old[1]! << 8) | old[2]! : 0;
      }
      if ((oldBitmap & (1 << i)) === 0) throw bad("internal node without the base node it extends");
      const src = 3 + HASH_BYTES * popcount16(oldBitmap & ((1 << i) - 1));
      enc.set(old!.subarray(src, src + HASH_BYTES), dst);
    }
    dst += HASH_BYTES;
  }
  enc[dst] = leafmap >> 8;
  enc[dst + 1] = leafmap & 0xff;
  return enc;
}
