import { ModuleError } from "../../runtime/tx/errors.ts";

export type CounterErrorCode = "COUNTER_STEP_TOO_LARGE" | "COUNTER_UNDERFLOW";

/** One error class per module; `code` strings are API, codespace is the module name. */
export class CounterError extends ModuleError {
  constructor(code: CounterErrorCode, message: string, context: Record<string, unknown> = {}) {
    super("counter", code, message, context);
  }
}
