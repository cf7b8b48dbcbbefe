import { sha256, sha256Into } from "../crypto/hash.ts";
import { Arena } from "./arena.ts";
import { StateError } from "./errors.ts";
import { SlabMap } from "./slab-map.ts";
import { EMPTY_ROOT, HASH_BYTES, INTERNAL_PREFIX, LEAF_PREFIX, MAX_DEPTH, STATE_PROOF_FORMAT, nibbleAt, type StateProofV1 } from "./proof-format.ts";

/**
 * The radix-16 tree's algorithms over a node source (see proof-format.ts for the hashing).
 *
 * Nodes are stored under their nibble path (`pathKey`), not under their hash: an update
 * overwrites a node in place and removes the paths it vacates, so the store holds exactly
 * the latest tree and never accumulates stale nodes. Encodings:
 *   leaf:     0x00 ‖ keyHash(32) ‖ valueHash(32)              hash = sha256(all 65 bytes)
 *   internal: 0x01 ‖ bitmap(u16) ‖ 32·n child hashes ‖ leafmap(u16)   hash = sha256(all but leafmap)
 * `leafmap` marks which children are leaves, so a parent left with a single leaf child can
 * pull it up without reading it first; it is not part of the hash.
 */

/** Reads an encoded node of the committed tree by path key; undefined when absent. */
export type NodeReader = (path: string) => Uint8Array | undefined;

/** Node writes of one staged update: path -> encoded node, or null to remove the path (slab-map.ts). */
export type NodeWrites = SlabMap;

/** One key's change, hashed: valueHash null means delete. */
export interface TreeChange {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array | null;
}

/** A node of the new tree: its encoding, and where its hash lies (hs[ho, ho + 32)): no digest array per node. */
interface NodeRef {
  readonly enc: Uint8Array;
  readonly hs: Uint8Array;
  readonly ho: number;
  readonly leaf: boolean;
}

export const ROOT_PATH = "\u0000";
const LEAF_BYTES = 1 + 2 * HASH_BYTES;

export { sha256 };

const scratch = new Uint8Array(1 + HASH_BYTES);
/** scratch's first n bytes, one view per length: pathKey runs for every node an update touches. */
const scratchViews = Array.from({ length: scratch.length + 1 }, (_, n) => scratch.subarray(0, n));

/**
 * Storage key of the node at `depth` on the path of `ref`: packed nibbles (ceil(depth/2)
 * bytes, a trailing half byte zeroed) ‖ depth byte. This sorts a node's subtree right after
 * it, so the nodes one key update rewrites share lmdb pages: fewer dirty pages per commit.
 * With `lastNib` >= 0, the nibble at index depth-1 is replaced (a sibling's path).
 */
export function pathKey(ref: Uint8Array, depth: number, lastNib = -1): string {
  const nbytes = (depth + 1) >> 1;
  for (let i = 0; i < nbytes; i++) scratch[i] = ref[i]!;
  if ((depth & 1) === 1) scratch[nbytes - 1] = scratch[nbytes - 1]! & 0xf0;
  if (lastNib >= 0) {
    const idx = depth - 1;
    const bi = idx >> 1;
    scratch[bi] = (idx & 1) === 0 ? (lastNib << 4) | (scratch[bi]! & 0x0f) : (scratch[bi]! & 0xf0) | lastNib;
  }
  scratch[nbytes] = depth;
  return String.fromCharCode.apply(null, scratchViews[nbytes + 1]! as unknown as number[]);
}

/** Path key of child `nib` of the node at path key `parent` (same layout as pathKey). */
export function childPath(parent: string, nib: number): string {
  const depth = pathDepth(parent);
  const nbytes = (depth + 1) >> 1; // bytes of the parent's packed nibbles
  let s = parent.slice(0, nbytes);
  if ((depth & 1) === 0) s += String.fromCharCode(nib << 4);
  else s = s.slice(0, nbytes - 1) + String.fromCharCode((s.charCodeAt(nbytes - 1) & 0xf0) | nib);
  return s + String.fromCharCode(depth + 1);
}

/** Depth of a path key (its last byte). */
export function pathDepth(path: string): number {
  return path.charCodeAt(path.length - 1);
}

function popcount16(x: number): number {
  let n = 0;
  while (x !== 0) {
    x &= x - 1;
    n++;
  }
  return n;
}

/** Checked view of an internal node's header. */
export function internalHeader(enc: Uint8Array, path: string): { bitmap: number; leafmap: number } {
  const bits = headerBits(enc);
  if (bits < 0) throw corrupt(path, "bad internal node encoding");
  return { bitmap: bits >>> 16, leafmap: bits & 0xffff };
}

/** internalHeader packed in one number (bitmap << 16 | leafmap), -1 for a bad encoding: no object per node on the update's path. */
function headerBits(enc: Uint8Array): number {
  const bitmap = (enc[1]! << 8) | enc[2]!;
  const n = popcount16(bitmap);
  const leafmap = enc.length === 5 + HASH_BYTES * n ? (enc[3 + HASH_BYTES * n]! << 8) | enc[4 + HASH_BYTES * n]! : -1;
  if (enc[0] !== INTERNAL_PREFIX || leafmap < 0 || (leafmap & ~bitmap) !== 0 || n === 0) return -1;
  return ((bitmap << 16) | leafmap) >>> 0;
}

/** Offset of child `nib`'s hash in an internal node encoding with `bitmap`. */
export function childOffset(bitmap: number, nib: number): number {
  return 3 + HASH_BYTES * popcount16(bitmap & ((1 << nib) - 1));
}

function corrupt(path: string, why: string): StateError {
  return new StateError("STATE_CORRUPT", `state tree node at path ${Buffer.from(path, "latin1").toString("hex")}: ${why}`);
}

function sameHash(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let i = 0; i < HASH_BYTES; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

function compareHash(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * Apply `changes` (sorted by keyHash, unique) to the committed tree read through `read`.
 * Returns the new root and the node writes; reads only, never mutates the source.
 * Cost: the nodes on the changed keys' paths, ~ |changes| · log16(state size).
 */
export function updateTree(read: NodeReader, changes: readonly TreeChange[]): { root: Uint8Array; writes: NodeWrites } {
  // About three node writes per changed key at 1M keys (the upper levels are shared).
  const writes = new SlabMap(changes.length * 3);
  const arena = new Arena();

  const load = (path: string): Uint8Array => {
    const enc = read(path);
    if (enc === undefined) throw corrupt(path, "missing node");
    return enc;
  };

  // Kids of the node being built at each depth, reused (cleared after use): no array per node.
  const buildKids: Array<Array<NodeRef | undefined>> = [];
  const applyKids: Array<Array<NodeRef | null | undefined>> = [];

  const leafRef = (keyHash: Uint8Array, valueHash: Uint8Array): NodeRef => {
    const enc = arena.alloc(LEAF_BYTES, HASH_BYTES);
    enc[0] = LEAF_PREFIX;
    enc.set(keyHash, 1);
    enc.set(valueHash, 1 + HASH_BYTES);
    const hs = arena.slab;
    const ho = enc.byteOffset + LEAF_BYTES;
    sha256Into(hs, ho, enc);
    return { enc, hs, ho, leaf: true };
  };

  /**
   * Encode an internal node; child i's hash comes from `kids[i]` when it is a NodeRef, else
   * from the old encoding `old` (laid out by `oldBitmap`).
   */
  const internalRef = (bitmap: number, leafmap: number, kids: ReadonlyArray<NodeRef | null | undefined>, old?: Uint8Array, oldBitmap = 0): NodeRef => {
    const n = popcount16(bitmap);
    const len = 5 + HASH_BYTES * n;
    const enc = arena.alloc(len, HASH_BYTES);
    // Same children (the usual case): the old encoding in one copy, then only the changed hashes.
    const same = old !== undefined && bitmap === oldBitmap;
    if (same) enc.set(old);
    else {
      enc[0] = INTERNAL_PREFIX;
      enc[1] = bitmap >> 8;
      enc[2] = bitmap & 0xff;
    }
    let off = 3;
    for (let i = 0; i < 16; i++) {
      if ((bitmap & (1 << i)) === 0) continue;
      const kid = kids[i];
      if (kid || !same) {
        const src = kid ? kid.hs : old!;
        const o = kid ? kid.ho : childOffset(oldBitmap, i);
        for (let b = 0; b < HASH_BYTES; b++) enc[off + b] = src[o + b]!;
      }
      off += HASH_BYTES;
    }
    enc[off] = leafmap >> 8;
    enc[off + 1] = leafmap & 0xff;
    const hs = arena.slab;
    const ho = enc.byteOffset + len;
    sha256Into(hs, ho, enc.subarray(0, off));
    return { enc, hs, ho, leaf: false };
  };

  /** Build the canonical subtree at `depth` of leaves specs[a..b) (sorted), writing its children. */
  const build = (depth: number, specs: readonly TreeChange[], a: number, b: number): NodeRef | null => {
    if (b - a === 0) return null;
    if (b - a === 1) return leafRef(specs[a]!.keyHash, specs[a]!.valueHash!);
    if (depth >= MAX_DEPTH) throw new StateError("STATE_DUPLICATE_KEY", "two keys with the same keyHash");
    const kids = (buildKids[depth] ??= new Array<NodeRef | undefined>(16).fill(undefined));
    let bitmap = 0;
    let leafmap = 0;
    for (let i = a; i < b; ) {
      const nib = nibbleAt(specs[i]!.keyHash, depth);
      let j = i + 1;
      while (j < b && nibbleAt(specs[j]!.keyHash, depth) === nib) j++;
      const child = build(depth + 1, specs, i, j)!;
      writes.set(pathKey(specs[i]!.keyHash, depth + 1), child.enc);
      kids[nib] = child;
      bitmap |= 1 << nib;
      if (child.leaf) leafmap |= 1 << nib;
      i = j;
    }
    const ref = internalRef(bitmap, leafmap, kids);
    kids.fill(undefined);
    return ref;
  };

  const apply = (depth: number, existing: Uint8Array | undefined, lo: number, hi: number): NodeRef | null => {
    if (existing === undefined || existing[0] === LEAF_PREFIX) {
      // The common case, one key set in an empty slot or over its own leaf: no rebuild needed.
      if (hi - lo === 1 && (existing === undefined || (existing.length === LEAF_BYTES && sameHash(existing, 1, changes[lo]!.keyHash, 0)))) {
        const c = changes[lo]!;
        return c.valueHash === null ? null : leafRef(c.keyHash, c.valueHash);
      }
      // Empty slot or a single leaf: the subtree's new key set is small, rebuild it.
      const specs: TreeChange[] = [];
      let old: TreeChange | null = null;
      if (existing !== undefined) {
        if (existing.length !== LEAF_BYTES) throw corrupt(pathKey(changes[lo]!.keyHash, depth), "bad leaf encoding");
        old = { keyHash: existing.subarray(1, 1 + HASH_BYTES), valueHash: existing.subarray(1 + HASH_BYTES) };
      }
      for (let i = lo; i < hi; i++) {
        const c = changes[i]!;
        if (old !== null) {
          const cmp = compareHash(old.keyHash, c.keyHash);
          if (cmp < 0) {
            specs.push(old);
            old = null;
          } else if (cmp === 0) {
            old = null; // replaced or deleted by this change
          }
        }
        if (c.valueHash !== null) specs.push(c);
      }
      if (old !== null) specs.push(old);
      return build(depth, specs, 0, specs.length);
    }

    const bits = headerBits(existing);
    if (bits < 0) throw corrupt(pathKey(changes[lo]!.keyHash, depth), "bad internal node encoding");
    const bitmap0 = bits >>> 16;
    let bitmap = bitmap0;
    let leafmap = bits & 0xffff;
    const kids = (applyKids[depth] ??= new Array<NodeRef | null | undefined>(16).fill(undefined));
    for (let i = lo; i < hi; ) {
      const ref = changes[i]!.keyHash;
      const nib = nibbleAt(ref, depth);
      let j = i + 1;
      while (j < hi && nibbleAt(changes[j]!.keyHash, depth) === nib) j++;
      const bit = 1 << nib;
      const cp = pathKey(ref, depth + 1);
      const had = (bitmap0 & bit) !== 0;
      const child = apply(depth + 1, had ? load(cp) : undefined, i, j);
      kids[nib] = child;
      if (child === null) {
        if (had) writes.set(cp, null);
        bitmap &= ~bit;
        leafmap &= ~bit;
      } else {
        if (!had || !sameHash(existing, childOffset(bitmap0, nib), child.hs, child.ho)) writes.set(cp, child.enc);
        bitmap |= bit;
        if (child.leaf) leafmap |= bit;
        else leafmap &= ~bit;
      }
      i = j;
    }
    let ref: NodeRef | null;
    if (bitmap === 0) ref = null;
    else if (popcount16(bitmap) === 1 && leafmap === bitmap) {
      // A lone leaf child moves up to this path (keeps the shape canonical).
      const nib = 31 - Math.clz32(bitmap);
      const cp = pathKey(changes[lo]!.keyHash, depth + 1, nib);
      ref = kids[nib] ?? { enc: load(cp), hs: existing, ho: childOffset(bitmap0, nib), leaf: true };
      writes.set(cp, null);
    } else ref = internalRef(bitmap, leafmap, kids, existing, bitmap0);
    kids.fill(undefined);
    return ref;
  };

  const rootEnc = read(ROOT_PATH);
  if (changes.length === 0) {
    return { root: rootEnc === undefined ? EMPTY_ROOT : nodeHash(rootEnc), writes };
  }
  const top = apply(0, rootEnc, 0, changes.length);
  if (top === null) {
    if (rootEnc !== undefined) writes.set(ROOT_PATH, null);
    return { root: EMPTY_ROOT, writes };
  }
  writes.set(ROOT_PATH, top.enc);
  return { root: top.hs.slice(top.ho, top.ho + HASH_BYTES), writes };
}

/** Hash of an encoded node. */
export function nodeHash(enc: Uint8Array): Uint8Array {
  return sha256(enc[0] === LEAF_PREFIX ? enc : enc.subarray(0, enc.length - 2));
}

/** Walk the committed tree along keyHash and collect the proof. */
export function proveKey(read: NodeReader, keyHash: Uint8Array): StateProofV1 {
  const levels: Array<Array<string | null>> = [];
  let enc = read(ROOT_PATH);
  let depth = 0;
  while (enc !== undefined && enc[0] === INTERNAL_PREFIX) {
    const { bitmap } = internalHeader(enc, pathKey(keyHash, depth));
    const nib = nibbleAt(keyHash, depth);
    const level: Array<string | null> = [];
    for (let i = 0; i < 16; i++) {
      const present = (bitmap & (1 << i)) !== 0;
      const o = childOffset(bitmap, i);
      level.push(i === nib || !present ? null : Buffer.from(enc.subarray(o, o + HASH_BYTES)).toString("hex"));
    }
    levels.push(level);
    depth++;
    if ((bitmap & (1 << nib)) === 0) {
      enc = undefined;
      break;
    }
    const cp = pathKey(keyHash, depth);
    enc = read(cp);
    if (enc === undefined) throw corrupt(cp, "missing node");
  }
  const leaf =
    enc === undefined
      ? null
      : {
          keyHash: Buffer.from(enc.subarray(1, 1 + HASH_BYTES)).toString("hex"),
          valueHash: Buffer.from(enc.subarray(1 + HASH_BYTES, 1 + 2 * HASH_BYTES)).toString("hex"),
        };
  return { format: STATE_PROOF_FORMAT, levels, leaf };
}
