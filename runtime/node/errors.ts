import { defineErrors } from "../errors.ts";

/**
 * Error codes of the node package (home, config, genesis file, devnet, the node itself).
 * Append only: numbers reach RPC errors; a retired code stays here as a comment.
 */
export const NODE_ERRORS = {
  NODE_GENESIS_MISMATCH: 1,
  NODE_STORE_INCONSISTENT: 2,
  NODE_NOT_FOUND: 3,
  NODE_BAD_REQUEST: 4,
  NODE_NO_TRANSPORT: 5,
  RUN_NOT_INITIALISED: 6,
  HOME_EXISTS: 7,
  DEVNET_EXISTS: 8,
  CONFIG_INVALID: 9,
  GENESIS_INVALID: 10,
  NODE_NO_PRODUCER: 11, // consensus "bft" without a block producer from the composition root
  HOME_LOCKED: 12, // another node runs on this home (home-lock.ts)
  HOME_DAMAGED: 13, // the home holds chain data but not the genesis.json it was made with
  RPC_LISTEN_FAILED: 14, // the RPC server could not listen (port in use, host unknown)
  NODE_HALTED: 15, // the node halted: it refuses transactions until restarted
  NODE_DATA_DAMAGED: 16, // a damaged data file: lmdb meta pages lmdb-js would crash on (lmdb-file-check.ts), a record failing its checksum (record-seal.ts)
  NODE_DATA_FORMAT: 17, // a data file in an on-disk format this version does not read
  STATE_SYNC_FAILED: 18, // state sync found no usable snapshot, or peers served data that does not verify (state-sync/)
  STATE_SYNC_UNTRUSTED: 19, // the snapshot's block is not signed by enough of the trusted validator set (state-sync/trust.ts)
} as const;

export type NodeErrorCode = keyof typeof NODE_ERRORS;

/** Base of the node package's errors (codespace "node"). */
export const NodeErrors = defineErrors("node", NODE_ERRORS);
