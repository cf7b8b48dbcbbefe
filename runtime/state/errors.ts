import { defineErrors } from "../errors.ts";

/**
 * Error codes of the state layer. Stable strings: callers and logs match on them; the numbers
 * are append-only (a retired code stays here as a comment).
 */
export const STATE_ERRORS = {
  STATE_READ_ONLY_PARENT: 1,
  STATE_INVALID_KEY: 2,
  STATE_DUPLICATE_KEY: 3,
  STATE_STALE_STAGE: 4,
  STATE_BAD_HEIGHT: 5,
  STATE_CLOSED: 6,
  STATE_CORRUPT: 7,
  STATE_FORMAT: 8, // the files were written in an on-disk format this version does not read (newer, or older without upgrade)
  STATE_SNAPSHOT_INVALID: 9, // a snapshot manifest or chunk (from a peer) fails its checks against the trusted root
  STATE_IMPORT: 10, // importing a snapshot into the store: misuse (not empty, not importing) or a root mismatch
  STATE_SNAPSHOT_WRITE: 11, // this node could not produce a snapshot (exists already, root mismatch, chunk too large)
  STATE_APPLY_FAILED: 12, // the applier thread failed or stopped answering; the journal still holds every committed height
} as const;

export type StateErrorCode = keyof typeof STATE_ERRORS;

export class StateError extends defineErrors("state", STATE_ERRORS) {}
