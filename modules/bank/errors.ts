import { ModuleError } from "../../runtime/tx/errors.ts";

export type BankErrorCode =
  | "BANK_INSUFFICIENT_FUNDS"
  | "BANK_SEND_DISABLED"
  | "BANK_INVALID_AMOUNT"
  | "BANK_DUPLICATE_DENOM"
  | "BANK_MULTISEND_UNBALANCED"
  | "BANK_UNKNOWN_MODULE_ACCOUNT"
  | "BANK_GENESIS_INVALID";

export class BankError extends ModuleError {
  constructor(code: BankErrorCode, message: string, context: Record<string, unknown> = {}) {
    super("bank", code, message, context);
    this.name = "BankError";
  }
}
