import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the economy module (codespace "economy"). They reach receipts and the RPC:
 * append only, never rename or renumber; a retired code stays here as a comment.
 */
export const ECONOMY_ERRORS = {
  ECONOMY_UNAUTHORIZED: 1, // MsgUpdateParams / MsgTreasuryDraw from an address that is not economy's authority
  ECONOMY_INVALID_PARAMS: 2, // a bps group that does not sum to 10000
  ECONOMY_INVALID_AMOUNT: 3, // zero amount or energy
  ECONOMY_NOT_IN_CRISIS: 4, // MsgTreasuryDraw while the stability index is not below 0.5
  ECONOMY_DRAW_CAP_EXCEEDED: 5, // MsgTreasuryDraw above treasuryDrawCapPerEpoch (drawn this epoch included)
  ECONOMY_BUDGET_NOT_FOUND: 6,
  ECONOMY_BUDGET_EXHAUSTED: 7, // consumePostage asks for more energy than the budget has left
  ECONOMY_GENESIS_INVALID: 8,
  ECONOMY_NO_ENERGY_PRICE: 9, // runtime params (joulesPerUnit) are not in state
  ECONOMY_TREASURY_INSUFFICIENT: 10, // MsgTreasurySpend above the treasury's balance
} as const;

export type EconomyErrorCode = keyof typeof ECONOMY_ERRORS;

export class EconomyError extends defineModuleErrors("economy", ECONOMY_ERRORS) {}
