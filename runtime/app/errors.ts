import { defineErrors } from "../errors.ts";

/** Error codes of the application (ABCI++ boundary). Append only; a retired code stays as a comment. */
export const APP_ERRORS = {
  APP_INVARIANT_BROKEN: 1,
  APP_BAD_GENESIS: 2,
  APP_BLOCK_MISMATCH: 3,
  APP_NOT_INITIALISED: 4,
} as const;

export type AppErrorCode = keyof typeof APP_ERRORS;

/** Base of the application's errors (codespace "app"). */
export const AppErrors = defineErrors("app", APP_ERRORS);
