import { ModuleError } from "../../runtime/tx/errors.ts";

/** Error codes are API (they reach receipts): append only, never rename. */
export type BankErrorCode =
  | "BANK_INSUFFICIENT_FUNDS"
  | "BANK_SEND_DISABLED"
  | "BANK_INVALID_AMOUNT"
  | "BANK_DUPLICATE_DENOM"
  | "BANK_MULTISEND_UNBALANCED"
  | "BANK_UNKNOWN_MODULE_ACCOUNT"
  | "BANK_GENESIS_INVALID"
  | "BANK_UNAUTHORIZED" // MsgUpdateParams from an address that is not the bank's authority
  | "BANK_INVALID_PARAMS"
  | "BANK_NOT_MINTER" // a module account without the "minter" permission tried to mint
  | "BANK_NOT_BURNER" // a module account without the "burner" permission tried to burn
  | "BANK_BLOCKED_RECIPIENT"; // MsgSend / MsgMultiSend to a blocked module account

export class BankError extends ModuleError {
  constructor(code: BankErrorCode, message: string, context: Record<string, unknown> = {}) {
    super("bank", code, message, context);
    this.name = "BankError";
  }
}
