/** The state layer's public surface. */
export type * from "./types.ts";
export { Branch } from "./branch.ts";
export { MemoryKV } from "./memory-kv.ts";
export { StateError, type StateErrorCode } from "./errors.ts";
export { TreeStore, openMemoryAuthenticatedStore, MAX_STATE_KEY_BYTES, type StateBackend, type PersistBatch } from "./authenticated-store.ts";
export { openAuthenticatedStore, type LmdbStateOptions } from "./lmdb-store.ts";
export { verifyStateProof } from "./proof-verify.ts";
export { STATE_PROOF_FORMAT, EMPTY_ROOT, type StateProofV1 } from "./proof-format.ts";
