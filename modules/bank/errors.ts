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
  BANK_UNAUTHORIZED: 8, // MsgUpdateParams from an address that is not the bank's authority
  BANK_INVALID_PARAMS: 9,
  BANK_NOT_MINTER: 10, // a module account without the "minter" permission tried to mint
  BANK_NOT_BURNER: 11, // a module account without the "burner" permission tried to burn
  BANK_BLOCKED_RECIPIENT: 12, // MsgSend / MsgMultiSend to a blocked module account
  BANK_DENOM_OWNED: 13, // mint or burn of a denomination another module owns (LP shares are the DEX's)
} as const;

export type BankErrorCode = keyof typeof BANK_ERRORS;

export class BankError extends defineModuleErrors("bank", BANK_ERRORS) {}
