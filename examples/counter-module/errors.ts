import { ModuleError } from "../../runtime/tx/errors.ts";

/** Codes reach receipts: append only, never rename. */
export type CounterErrorCode =
  | "COUNTER_STEP_TOO_LARGE"
  | "COUNTER_UNDERFLOW"
  | "COUNTER_UNAUTHORIZED" // MsgUpdateParams from an address that is not the module's authority
  | "COUNTER_INVALID_PARAMS";

/** One error class per module; `code` strings are API, codespace is the module name. */
export class CounterError extends ModuleError {
  constructor(code: CounterErrorCode, message: string, context: Record<string, unknown> = {}) {
    super("counter", code, message, context);
  }
}
