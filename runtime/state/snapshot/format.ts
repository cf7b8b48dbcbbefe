import { sha256 } from "../../crypto/hash.ts";
import { StateError } from "../errors.ts";
import { EMPTY_ROOT, HASH_BYTES, INTERNAL_PREFIX, LEAF_PREFIX, MAX_DEPTH, nibbleAt } from "../proof-format.ts";

/**
 * State snapshots: the full state at one height, split into chunks by keyHash prefix, each
 * chunk verifiable on its own against the state root of a trusted header (see README
 * "Snapshots"). Pure: no I/O here (writer.ts and dir.ts do the files).
 *
 * Slot i at depth d holds every entry whose keyHash starts with the d nibbles of i. The
 * manifest lists, per slot, the hash of the tree's top node for that prefix (the lone leaf, or
 * the internal node at depth d); the tree's rules rebuild the root from those hashes, so the
 * manifest is checked against the root before any chunk is fetched, and each chunk against its
 * slot's hash.
 */

/** Manifest format number; append-only fields: a change old readers must understand bumps it. */
export const SNAPSHOT_FORMAT = 1;
/** Deepest split: 65 536 slots (enough for ~500M keys at the target chunk size). */
export const MAX_SNAPSHOT_DEPTH = 4;
/** Target average entries per chunk: the depth is the smallest with keys / 16^depth <= this. */
export const SNAPSHOT_CHUNK_TARGET_ENTRIES = 8000;
/**
 * Largest chunk file (bytes). Equal to the p2p protocol's MAX_SNAPSHOT_PART_BYTES (runtime/p2p
 * /transport.ts; not imported: the state layer does not depend on p2p). A writer goes one level
 * deeper when a slot would be larger.
 */
export const MAX_SNAPSHOT_CHUNK_BYTES = 16 * 1024 * 1024;
/** Largest manifest (bytes): 65 536 slots at ~130 bytes of JSON each fit with room to spare. */
export const MAX_SNAPSHOT_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Smallest encoded entry: u32 keyLen, a 1-byte key, u32 valueLen, empty value. */
export const MIN_ENTRY_BYTES = 9;

/** A tree node as its parent sees it: its hash, and whether it is a leaf (a lone leaf moves up). */
export interface NodeRef {
  readonly hash: Uint8Array;
  readonly leaf: boolean;
}

/** One non-empty slot of a manifest. */
export interface SlotRef {
  /** Hash of the slot's top node: its only leaf when entries = 1, else the internal node at depth `depth`. */
  readonly hash: Uint8Array;
  readonly leaf: boolean;
  readonly entries: number;
  /** Size of the slot's chunk file in bytes (the encoding is canonical, so this is exact). */
  readonly bytes: number;
}

/** A decoded manifest. `slots.length` = 16^depth; null = no key in that slot. */
export interface SnapshotManifest {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly height: number;
  readonly root: Uint8Array;
  readonly depth: number;
  readonly keys: number;
  readonly slots: ReadonlyArray<SlotRef | null>;
}

/** An entry's hashes, the only thing the tree sees. */
export interface HashedEntry {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
}

/** Smallest depth whose average chunk holds at most SNAPSHOT_CHUNK_TARGET_ENTRIES keys (capped at MAX_SNAPSHOT_DEPTH). */
export function snapshotDepthFor(keys: number): number {
  let d = 0;
  while (d < MAX_SNAPSHOT_DEPTH && keys > SNAPSHOT_CHUNK_TARGET_ENTRIES * 16 ** d) d++;
  return d;
}

/** Slot of `keyHash` at `depth` (<= 4): its first `depth` nibbles as a number. */
export function slotOf(keyHash: Uint8Array, depth: number): number {
  if (depth === 0) return 0;
  return ((keyHash[0]! << 8) | keyHash[1]!) >>> (16 - 4 * depth);
}

const LEAF_TAG = Uint8Array.of(LEAF_PREFIX);

/** leafHash = sha256(0x00 ‖ keyHash ‖ valueHash). */
export function leafRef(keyHash: Uint8Array, valueHash: Uint8Array): NodeRef {
  return { hash: sha256(LEAF_TAG, keyHash, valueHash), leaf: true };
}

/**
 * The node at a prefix over its 16 children (null = empty), by the tree's rules: no child →
 * no node; a lone child that is a LEAF moves up (a leaf sits at the shallowest depth where its
 * prefix is unique); otherwise an internal node, even over a single internal child.
 */
export function combineRefs(children: ReadonlyArray<NodeRef | null>): NodeRef | null {
  let bitmap = 0;
  let n = 0;
  let only: NodeRef | null = null;
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (c === null || c === undefined) continue;
    bitmap |= 1 << i;
    n++;
    only = c;
  }
  if (n === 0) return null;
  if (n === 1 && only!.leaf) return only;
  const enc = new Uint8Array(3 + HASH_BYTES * n);
  enc[0] = INTERNAL_PREFIX;
  enc[1] = bitmap >> 8;
  enc[2] = bitmap & 0xff;
  let off = 3;
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (c === null || c === undefined) continue;
    enc.set(c.hash, off);
    off += HASH_BYTES;
  }
  return { hash: sha256(enc), leaf: false };
}

/**
 * Top node of the subtree holding `items` (sorted by keyHash, unique, all sharing their first
 * `depth` nibbles) as the tree would place it at `depth`: null when empty, the leaf when one.
 */
export function subtreeRef(depth: number, items: readonly HashedEntry[], a = 0, b = items.length): NodeRef | null {
  if (b - a === 0) return null;
  if (b - a === 1) return leafRef(items[a]!.keyHash, items[a]!.valueHash);
  if (depth >= MAX_DEPTH) throw new StateError("STATE_DUPLICATE_KEY", "two entries with the same keyHash");
  const kids: Array<NodeRef | null> = new Array(16).fill(null);
  for (let i = a; i < b; ) {
    const nib = nibbleAt(items[i]!.keyHash, depth);
    let j = i + 1;
    while (j < b && nibbleAt(items[j]!.keyHash, depth) === nib) j++;
    kids[nib] = subtreeRef(depth + 1, items, i, j);
    i = j;
  }
  return combineRefs(kids);
}

/** The state root the slots commit to: fold 16 siblings at a time up to depth 0. */
export function rootFromSlots(depth: number, slots: ReadonlyArray<NodeRef | null>): Uint8Array {
  let level: Array<NodeRef | null> = [...slots];
  for (let d = depth; d > 0; d--) {
    const up: Array<NodeRef | null> = new Array(level.length / 16);
    for (let i = 0; i < up.length; i++) up[i] = combineRefs(level.slice(16 * i, 16 * i + 16));
    level = up;
  }
  return level[0]?.hash ?? EMPTY_ROOT;
}

/** The state root a manifest's slots commit to. */
export function rootFromManifest(manifest: SnapshotManifest): Uint8Array {
  return rootFromSlots(manifest.depth, manifest.slots);
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Canonical JSON bytes of a manifest (fixed field order; what the writer stores and peers hash). */
export function encodeManifest(m: SnapshotManifest): Uint8Array {
  const json = {
    format: m.format,
    height: m.height,
    root: toHex(m.root),
    depth: m.depth,
    keys: m.keys,
    slots: m.slots.map((s) => (s === null ? null : { hash: toHex(s.hash), leaf: s.leaf, entries: s.entries, bytes: s.bytes })),
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

/** sha256 of a manifest's bytes (the node puts it in its offer descriptor). */
export function manifestHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

function invalid(why: string, context: Record<string, unknown> = {}): StateError {
  return new StateError("STATE_SNAPSHOT_INVALID", `snapshot manifest: ${why}`, context);
}

const HEX32 = /^[0-9a-f]{64}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hash32(v: unknown, what: string, context: Record<string, unknown>): Uint8Array {
  if (typeof v !== "string" || !HEX32.test(v)) throw invalid(`${what} must be 64 lowercase hex digits`, context);
  return new Uint8Array(Buffer.from(v, "hex"));
}

function count(v: unknown, what: string, min: number, max: number, context: Record<string, unknown>): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) throw invalid(`${what} must be an integer in ${min}..${max}`, { ...context, value: v });
  return v;
}

/**
 * Decode and check a manifest from an untrusted peer against the trusted header's root and
 * height. Throws STATE_SNAPSHOT_INVALID naming the first problem. Unknown extra fields are
 * ignored (fields are append-only within a format number).
 */
export function verifyManifest(bytes: Uint8Array, expectedRoot: Uint8Array, expectedHeight: number): SnapshotManifest {
  if (bytes.length > MAX_SNAPSHOT_MANIFEST_BYTES) throw invalid(`larger than ${MAX_SNAPSHOT_MANIFEST_BYTES} bytes`, { bytes: bytes.length });
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw invalid(`not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw invalid("not a JSON object");
  if (raw.format !== SNAPSHOT_FORMAT) throw invalid(`format ${JSON.stringify(raw.format)} is not supported (this version reads format ${SNAPSHOT_FORMAT})`, { format: raw.format });
  const height = count(raw.height, "height", 0, Number.MAX_SAFE_INTEGER, {});
  if (height !== expectedHeight) throw invalid(`height ${height} is not the requested height ${expectedHeight}`, { height, expectedHeight });
  const root = hash32(raw.root, "root", {});
  if (Buffer.compare(root, expectedRoot) !== 0) throw invalid(`root ${toHex(root)} is not the trusted header's state root ${toHex(expectedRoot)}`, { height });
  const depth = count(raw.depth, "depth", 0, MAX_SNAPSHOT_DEPTH, {});
  const keys = count(raw.keys, "keys", 0, Number.MAX_SAFE_INTEGER, {});
  if (!Array.isArray(raw.slots)) throw invalid("slots must be an array");
  if (raw.slots.length !== 16 ** depth) throw invalid(`depth ${depth} needs ${16 ** depth} slots, found ${raw.slots.length}`, { depth, slots: raw.slots.length });
  const slots: Array<SlotRef | null> = new Array(raw.slots.length);
  let total = 0;
  for (let i = 0; i < raw.slots.length; i++) {
    const s: unknown = raw.slots[i];
    if (s === null) {
      slots[i] = null;
      continue;
    }
    const ctx = { slot: i };
    if (!isObject(s)) throw invalid(`slot ${i} must be null or an object`, ctx);
    const hash = hash32(s.hash, `slot ${i} hash`, ctx);
    if (typeof s.leaf !== "boolean") throw invalid(`slot ${i} leaf must be a boolean`, ctx);
    const entries = count(s.entries, `slot ${i} entries`, 1, Math.floor((MAX_SNAPSHOT_CHUNK_BYTES - 4) / MIN_ENTRY_BYTES), ctx);
    if (s.leaf !== (entries === 1)) throw invalid(`slot ${i}: leaf must be true exactly when the slot holds one entry`, { ...ctx, entries, leaf: s.leaf });
    const size = count(s.bytes, `slot ${i} bytes`, 4 + MIN_ENTRY_BYTES * entries, MAX_SNAPSHOT_CHUNK_BYTES, ctx);
    total += entries;
    slots[i] = { hash, leaf: s.leaf, entries, bytes: size };
  }
  if (total !== keys) throw invalid(`keys ${keys} is not the sum of the slots' entries (${total})`, { keys, total });
  const manifest: SnapshotManifest = { format: SNAPSHOT_FORMAT, height, root, depth, keys, slots };
  const computed = rootFromManifest(manifest);
  if (Buffer.compare(computed, root) !== 0) throw invalid(`the slots hash to root ${toHex(computed)}, not ${toHex(root)}`, { height });
  return manifest;
}
