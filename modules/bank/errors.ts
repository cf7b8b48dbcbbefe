import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the bank module (codespace "bank"). They reach receipts and the RPC: append
 * only, never rename or renumber; a retired code stays here as a comment.
 */
export const BANK_ERRORS = {
  BANK_INSUFFICIENT_FUNDS: 1,
  BANK_SEND_DISABLED: 2,
  BANK_INVALID_AMOUNT: 3,
  BANK_DUPLICATE_DENOM: 4,
  BANK_MULTISEND_UNBALANCED: 5,
  BANK_UNKNOWN_MODULE_ACCOUNT: 6,
  BANK_GENESIS_INVALID: 7,
} as const;

export type BankErrorCode = keyof typeof BANK_ERRORS;

export class BankError extends defineModuleErrors("bank", BANK_ERRORS) {}
