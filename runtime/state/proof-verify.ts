import { sha256 } from "@noble/hashes/sha2.js";
import { EMPTY_ROOT, HASH_BYTES, INTERNAL_PREFIX, LEAF_PREFIX, MAX_DEPTH, STATE_PROOF_FORMAT, nibbleAt } from "./proof-format.ts";

/**
 * Client-side check of a state proof (portable: @noble/hashes only, no node or lmdb import).
 * `value` undefined asks for proof of absence. Returns false, never throws, on any malformed,
 * tampered or mismatching input.
 */
export function verifyStateProof(root: Uint8Array, key: Uint8Array, value: Uint8Array | undefined, proof: unknown): boolean {
  try {
    return verify(root, key, value, proof);
  } catch {
    return false;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

function hex32(s: unknown): Uint8Array | null {
  if (typeof s !== "string" || !HEX64.test(s)) return null;
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function verify(root: Uint8Array, key: Uint8Array, value: Uint8Array | undefined, proof: unknown): boolean {
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES || !(key instanceof Uint8Array)) return false;
  if (value !== undefined && !(value instanceof Uint8Array)) return false;
  if (!isPlainObject(proof) || proof.format !== STATE_PROOF_FORMAT) return false;
  for (const k of Object.keys(proof)) if (k !== "format" && k !== "levels" && k !== "leaf") return false;
  const levels = proof.levels;
  if (!Array.isArray(levels) || levels.length > MAX_DEPTH) return false;

  const keyHash = sha256(key);
  const depth = levels.length;

  // The node where the walk ends: a leaf, or nothing (empty slot / empty tree).
  let current: Uint8Array | null = null;
  const leafObj = proof.leaf;
  if (leafObj !== null) {
    if (!isPlainObject(leafObj) || Object.keys(leafObj).length !== 2) return false;
    const lkh = hex32(leafObj.keyHash);
    const lvh = hex32(leafObj.valueHash);
    if (lkh === null || lvh === null) return false;
    if (value !== undefined) {
      if (!equal(lkh, keyHash) || !equal(lvh, sha256(value))) return false;
    } else {
      if (equal(lkh, keyHash)) return false;
      // Another key's leaf can only sit on our path if it shares our first `depth` nibbles.
      for (let i = 0; i < depth; i++) if (nibbleAt(lkh, i) !== nibbleAt(keyHash, i)) return false;
    }
    const enc = new Uint8Array(1 + 2 * HASH_BYTES);
    enc[0] = LEAF_PREFIX;
    enc.set(lkh, 1);
    enc.set(lvh, 1 + HASH_BYTES);
    current = sha256(enc);
  } else if (value !== undefined) {
    return false;
  }

  for (let d = depth - 1; d >= 0; d--) {
    const level: unknown = levels[d];
    if (!Array.isArray(level) || level.length !== 16) return false;
    const nib = nibbleAt(keyHash, d);
    const children: Array<Uint8Array | null> = [];
    let count = 0;
    for (let i = 0; i < 16; i++) {
      const entry: unknown = level[i];
      if (i === nib) {
        if (entry !== null) return false;
        children.push(current);
      } else if (entry === null) {
        children.push(null);
      } else {
        const h = hex32(entry);
        if (h === null) return false;
        children.push(h);
      }
      if (children[i] !== null) count++;
    }
    // A stored internal node has at least two children, or one child that is internal: a
    // lone leaf would have moved up to its parent's place.
    if (count === 0 || (count === 1 && d === depth - 1 && leafObj !== null)) return false;
    let bitmap = 0;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 16; i++) {
      const c = children[i];
      if (c === null || c === undefined) continue;
      bitmap |= 1 << i;
      parts.push(c);
    }
    const pre = new Uint8Array(3 + HASH_BYTES * parts.length);
    pre[0] = INTERNAL_PREFIX;
    pre[1] = bitmap >> 8;
    pre[2] = bitmap & 0xff;
    parts.forEach((p, i) => pre.set(p, 3 + i * HASH_BYTES));
    current = sha256(pre);
  }

  return equal(current ?? EMPTY_ROOT, root);
}
