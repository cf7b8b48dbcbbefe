import { StateError } from "./errors.ts";
import { HASH_BYTES } from "./proof-format.ts";
import type { CopiedChildren, NodeReader, NodeWrites } from "./tree.ts";
import type { Changeset } from "./types.ts";

/**
 * Binary layout of one journal record (one committed height), written in the commit's
 * transaction and deleted once the applier has moved it into the main tables:
 *
 *   version u8 ‖ height u64 ‖ root(32) ‖ nFlat u32 ‖ nFlat × (klen u16 ‖ key ‖ vlen u32 ‖ value)
 *   ‖ nNodes u32 ‖ nNodes × (plen u8 ‖ path ‖ node)
 *   node: 0 (deleted) | 1 ‖ elen u16 ‖ enc | 2 ‖ bitmap u16 ‖ leafmap u16 ‖ copied u16 ‖ hashes
 *
 * vlen 0xffffffff marks a deleted value. Flat entries are in key order; nodes in the stage's
 * order (sorting them is the applier's job, off the commit's path). Tag 2 is an internal node
 * stored as a delta: `hashes` holds the child hashes not in `copied`, in child order; the
 * copied ones are read from the node at the same path in the state before this height. That
 * base is the same whether or not this height was partly applied before a crash (a copied
 * child did not change), which is what makes replay correct. Most rewritten internal nodes
 * change one or two of their 16 children, so deltas make the record ~5× smaller at 1M keys.
 */
const JOURNAL_VERSION = 2;
const DELETED32 = 0xffffffff;
const NODE_DELETED = 0;
const NODE_FULL = 1;
const NODE_DELTA = 2;

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
  /** Written internal nodes that copy child hashes from the node they replace. */
  readonly copied?: CopiedChildren;
}

/**
 * Encode `rec`. The result is a view into `scratch.buf` when it is large enough (it is grown
 * otherwise): the caller reuses one buffer across commits, since lmdb copies what it writes,
 * rather than allocate megabytes of external memory per block (which also prompts V8 GCs).
 */
export function encodeJournal(rec: JournalRecord, scratch: { buf: Buffer } = { buf: Buffer.alloc(0) }): Buffer {
  const copied = rec.copied ?? new Map<string, number>();
  let size = 1 + 8 + HASH_BYTES + 4 + 4;
  for (const [k, v] of rec.changes) size += 2 + k.length + 4 + (v === null ? 0 : v.length);
  // Upper bound (full encodings); the delta form is never longer.
  rec.nodes.forEach((e, p) => {
    size += 1 + p.length + 1 + (e === null ? 0 : 2 + e.length);
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
  rec.nodes.forEach((e, p) => {
    b[o++] = p.length;
    for (let i = 0; i < p.length; i++) b[o++] = p.charCodeAt(i); // short: cheaper than a native call
    if (e === null) {
      b[o++] = NODE_DELETED;
      return;
    }
    const c = copied.get(p) ?? 0;
    if (c === 0) {
      b[o++] = NODE_FULL;
      b[o++] = e.length >> 8;
      b[o++] = e.length & 0xff;
      b.set(e, o);
      o += e.length;
      return;
    }
    // Internal node: 0x01 ‖ bitmap ‖ hashes ‖ leafmap (tree.ts).
    const bitmap = (e[1]! << 8) | e[2]!;
    b[o++] = NODE_DELTA;
    b[o++] = e[1]!;
    b[o++] = e[2]!;
    b[o++] = e[e.length - 2]!;
    b[o++] = e[e.length - 1]!;
    b[o++] = c >> 8;
    b[o++] = c & 0xff;
    let src = 3;
    for (let i = 0; i < 16; i++) {
      if ((bitmap & (1 << i)) === 0) continue;
      if ((c & (1 << i)) === 0) for (let j = 0; j < HASH_BYTES; j++) b[o++] = e[src + j]!;
      src += HASH_BYTES;
    }
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
    const nodes: NodeWrites = new Map();
    for (let i = 0; i < nNodes; i++) {
      const pl = b[o++]!;
      const p = b.toString("latin1", o, o + pl);
      o += pl;
      const tag = b[o++];
      if (tag === NODE_DELETED) {
        nodes.set(p, null);
      } else if (tag === NODE_FULL) {
        const el = b.readUInt16BE(o);
        nodes.set(p, b.subarray(o + 2, o + 2 + el));
        o += 2 + el;
      } else if (tag === NODE_DELTA) {
        const bitmap = b.readUInt16BE(o);
        const leafmap = b.readUInt16BE(o + 2);
        const c = b.readUInt16BE(o + 4);
        o += 6;
        const old = base(p);
        const oldBitmap = old !== undefined && old[0] === 0x01 ? (old[1]! << 8) | old[2]! : 0;
        if ((c & ~oldBitmap) !== 0 || (c & ~bitmap) !== 0) throw bad("delta node without its base node");
        const n = popcount16(bitmap);
        const enc = new Uint8Array(5 + HASH_BYTES * n);
        enc[0] = 0x01;
        enc[1] = bitmap >> 8;
        enc[2] = bitmap & 0xff;
        let dst = 3;
        for (let i = 0; i < 16; i++) {
          if ((bitmap & (1 << i)) === 0) continue;
          if ((c & (1 << i)) !== 0) {
            const src = 3 + HASH_BYTES * popcount16(oldBitmap & ((1 << i) - 1));
            enc.set(old!.subarray(src, src + HASH_BYTES), dst);
          } else {
            enc.set(b.subarray(o, o + HASH_BYTES), dst);
            o += HASH_BYTES;
          }
          dst += HASH_BYTES;
        }
        enc[dst] = leafmap >> 8;
        enc[dst + 1] = leafmap & 0xff;
        nodes.set(p, enc);
      } else {
        throw bad("unknown node tag");
      }
    }
    if (o !== b.length) throw bad("trailing bytes");
    return { height, root, changes, nodes };
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw bad("truncated");
  }
}
