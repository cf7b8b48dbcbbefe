import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * The module's error codes: codespace "counter" (the module's name). Codes and numbers reach
 * receipts and the RPC: append only, never rename or renumber; a retired code stays as a comment.
 */
export const COUNTER_ERRORS = {
  COUNTER_STEP_TOO_LARGE: 1,
  COUNTER_UNDERFLOW: 2,
  COUNTER_GENESIS_INVALID: 3, // context.field names the genesis field
  COUNTER_UNAUTHORIZED: 4, // MsgUpdateParams from an address that is not the module's authority
  COUNTER_INVALID_PARAMS: 5,
} as const;

export type CounterErrorCode = keyof typeof COUNTER_ERRORS;

/** One error class per module: `throw new CounterError("COUNTER_UNDERFLOW", "…", { value, by })`. */
export class CounterError extends defineModuleErrors("counter", COUNTER_ERRORS) {}
