/**
 * The state tree's hashing rules and proof layout, shared by the store and by clients. No
 * node-only imports here: proof-verify.ts (which a browser or light client may bundle)
 * depends on this file.
 *
 * Tree: a radix-16 Merkle tree (Jellyfish-style) over keyHash = sha256(key). A leaf sits at
 * the shallowest nibble depth where its keyHash prefix is unique; an internal node exists at
 * every nibble prefix shared by two or more keys. The shape therefore depends only on the
 * set of keys, never on insertion order or history.
 *
 *   leafHash     = sha256(0x00 ‖ keyHash ‖ sha256(value))
 *   internalHash = sha256(0x01 ‖ bitmap (u16 big-endian, bit i = child i present) ‖ child hashes in nibble order)
 *   empty tree root = 32 zero bytes
 */
export const LEAF_PREFIX = 0x00;
export const INTERNAL_PREFIX = 0x01;
export const HASH_BYTES = 32;
/** 64 nibbles of a 32-byte keyHash: no path is longer. */
export const MAX_DEPTH = 64;
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_BYTES);

/** Format tag of StateProofV1; bump it if the layout or hashing ever changes. */
export const STATE_PROOF_FORMAT = "nexus.state.jmt16-sha256.v1";

/**
 * Inclusion or exclusion proof. `levels[d]` lists the 16 child hashes (hex, null = empty) of
 * the internal node at depth d on the key's nibble path, with the entry on the path itself
 * set to null (the verifier computes it). The walk ends at `leaf`: the key's own leaf
 * (inclusion), another key's leaf that occupies the key's path (exclusion), or null when the
 * path ends in an empty slot or the tree is empty (exclusion).
 */
export interface StateProofV1 {
  readonly format: typeof STATE_PROOF_FORMAT;
  readonly levels: ReadonlyArray<ReadonlyArray<string | null>>;
  readonly leaf: { readonly keyHash: string; readonly valueHash: string } | null;
  readonly [field: string]: unknown;
}

/** Nibble i (0 = high half of byte 0) of a 32-byte hash. */
export function nibbleAt(hash: Uint8Array, i: number): number {
  const b = hash[i >> 1]!;
  return (i & 1) === 0 ? b >> 4 : b & 0x0f;
}
