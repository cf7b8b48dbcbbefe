import { StateError } from "./errors.ts";
import { HASH_BYTES } from "./proof-format.ts";
import type { NodeWrites } from "./tree.ts";
import type { Changeset } from "./types.ts";

/**
 * Binary layout of one journal record (one committed height), written in the commit's
 * transaction and deleted once the applier has moved it into the main tables:
 *
 *   version u8 ‖ height u64 ‖ root(32) ‖ nFlat u32 ‖ nFlat × (klen u16 ‖ key ‖ vlen u32 ‖ value)
 *   ‖ nNodes u32 ‖ nNodes × (plen u8 ‖ path ‖ elen u16 ‖ enc)
 *
 * vlen 0xffffffff / elen 0xffff mark a deletion. Flat entries are in key order; nodes in the
 * stage's order (sorting them is the applier's job, off the commit's path).
 */
const JOURNAL_VERSION = 1;
const DELETED32 = 0xffffffff;
const DELETED16 = 0xffff;

export interface JournalRecord {
  readonly height: number;
  readonly root: Uint8Array;
  /** Sorted by key; null = delete. */
  readonly changes: Changeset;
  /** Path → encoding, null = delete (in no particular order: the applier sorts). */
  readonly nodes: NodeWrites;
}

export function encodeJournal(rec: JournalRecord): Buffer {
  let size = 1 + 8 + HASH_BYTES + 4 + 4;
  for (const [k, v] of rec.changes) size += 2 + k.length + 4 + (v === null ? 0 : v.length);
  for (const [p, e] of rec.nodes) size += 1 + p.length + 2 + (e === null ? 0 : e.length);
  const b = Buffer.allocUnsafe(size);
  let o = 0;
  b[o++] = JOURNAL_VERSION;
  b.writeBigUInt64BE(BigInt(rec.height), o);
  o += 8;
  b.set(rec.root, o);
  o += HASH_BYTES;
  b.writeUInt32BE(rec.changes.length, o);
  o += 4;
  for (const [k, v] of rec.changes) {
    b.writeUInt16BE(k.length, o);
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
  for (const [p, e] of rec.nodes) {
    b[o++] = p.length;
    o += b.write(p, o, "latin1");
    if (e !== null && e.length >= DELETED16) throw new StateError("STATE_CORRUPT", "tree node encoding too long for the journal", { length: e.length });
    b.writeUInt16BE(e === null ? DELETED16 : e.length, o);
    o += 2;
    if (e !== null) {
      b.set(e, o);
      o += e.length;
    }
  }
  return b;
}

export function decodeJournal(b: Buffer): JournalRecord {
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
      const el = b.readUInt16BE(o);
      o += 2;
      if (el === DELETED16) nodes.set(p, null);
      else {
        nodes.set(p, b.subarray(o, o + el));
        o += el;
      }
    }
    if (o !== b.length) throw bad("trailing bytes");
    return { height, root, changes, nodes };
  } catch (e) {
    if (e instanceof StateError) throw e;
    throw bad("truncated");
  }
}
