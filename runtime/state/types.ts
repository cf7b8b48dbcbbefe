/**
 * State access contracts. Modules see only KVStore (through a Branch); the runtime owns the
 * AuthenticatedStore, which commits a block's changes atomically and proves values against
 * the state root written into each block header.
 */

/** Keys and values are opaque bytes; iteration is in ascending unsigned byte order. */
export interface KVReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /**
   * `get` with the key's latin1 string (keyString) already made: layered readers (branches
   * over a read cache over the store) each key a Map by it, and passing it down saves making
   * and hashing the same string at every layer. `key` may be left out when the caller has
   * only the string (a layer that needs bytes makes them with keyBytes). Optional; callers
   * fall back to `get`.
   */
  getKeyed?(ks: string, key?: Uint8Array): Uint8Array | undefined;
  /**
   * Entries with start <= key < end (end undefined: no upper bound), ascending unless
   * `reverse`. At most `limit` entries when given.
   */
  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]>;
}

export interface IterateOptions {
  reverse?: boolean;
  limit?: number;
}

export interface KVStore extends KVReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** `set` by the key's latin1 string (see getKeyed): no key bytes made at all. Optional. */
  setKeyed?(ks: string, value: Uint8Array): void;
  /** `delete` by the key's latin1 string. Optional, present whenever setKeyed is. */
  deleteKeyed?(ks: string): void;
}

/** One block's net effect on state: value bytes, or null for a deletion. Keys unique. */
export type Changeset = ReadonlyArray<readonly [key: Uint8Array, value: Uint8Array | null]>;

/** A changeset whose new root is computed but not yet persisted (see AuthenticatedStore.stage). */
export interface StagedCommit {
  /** State root after applying the changes. */
  readonly root: Uint8Array;
  /**
   * Persist the changes and the tree in ONE database transaction together with whatever
   * `alsoWrite` writes (the block store writes the block, receipts and indexes there), so a
   * crash leaves either all of it or none of it.
   */
  commit(height: number, alsoWrite?: () => void): void;
}

/** An inclusion or exclusion proof; plain JSON so it can travel over RPC unchanged. */
export interface StateProof {
  /** Format tag, so clients can reject a proof layout they do not understand. */
  readonly format: string;
  readonly [field: string]: unknown;
}

export interface AuthenticatedStore extends KVReader {
  /** Height of the last commit (0 before the first). */
  readonly height: number;
  /** Root after the last commit; the empty tree's root before the first. */
  readonly root: Uint8Array;
  /** True once a first commit (the genesis state) has been made. */
  readonly initialised: boolean;
  /** Compute the root `changes` would give on top of the committed state. Cost ~ |changes| · log(state size). */
  stage(changes: Changeset): StagedCommit;
  /** Proof that `key` has its current value (inclusion) or is absent (exclusion), against `root`. */
  prove(key: Uint8Array): { value: Uint8Array | undefined; proof: StateProof };
  close(): Promise<void>;
}
