import { defineErrors } from "../errors.ts";

/**
 * Error codes of the module manager (loading, routing, genesis, queries, migrations).
 * Append only: numbers reach RPC errors; a retired code stays here as a comment.
 * A module's own codes live in its errors.ts (defineModuleErrors, runtime/tx/errors.ts).
 */
export const MODULES_ERRORS = {
  MODULE_DUPLICATE: 1,
  MODULE_MISSING_DEPENDENCY: 2,
  MODULE_CYCLE: 3,
  MODULE_DUPLICATE_MSG: 4,
  MODULE_BAD_GENESIS: 5, // context: { module, field?, keyword? }
  MODULE_UNKNOWN_QUERY: 6,
  MODULE_BAD_QUERY: 7,
  MODULE_MIGRATION_MISSING: 8,
  MODULE_DOWNGRADE: 9,
  CHAIN_INVALID: 10, // a chain definition (runtime/modules/chain.ts) that cannot run
  ROUTER_UNKNOWN_MSG: 11, // the message router (msg-router.ts): no module handles the typeUrl
  ROUTER_INVALID_MSG: 12, // a routed message fails its schema
  ROUTER_UNAUTHORIZED: 13, // a routed message needs a signature other than the router's signer
  ROUTER_BAND_TOO_LOW: 14,
  ROUTER_MSG_FAILED: 15, // a routed message's handler failed: the whole list is undone
  ROUTER_TOO_DEEP: 16,
  ROUTER_NO_BRANCH: 17,
} as const;

export type ModulesErrorCode = keyof typeof MODULES_ERRORS;

/** Base of the module manager's errors (codespace "modules"). */
export const ModulesErrors = defineErrors("modules", MODULES_ERRORS);
