import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the governance module (codespace "gov"). They reach receipts and the RPC:
 * append only, never rename or renumber; a retired code stays here as a comment.
 */
export const GOV_ERRORS = {
  GOV_UNAUTHORIZED: 1, // an authority message from an address that is not governance's authority
  GOV_INVALID_PARAMS: 2,
  GOV_INVALID_BAND: 3, // a proposal band other than ATTO, ZEPTO, YOCTO
  GOV_TOO_MANY_MSGS: 4,
  GOV_UNKNOWN_MSG: 5, // a proposal message no module handles
  GOV_INVALID_MSG: 6, // a proposal message fails its schema or its stateless checks
  GOV_MSG_NOT_GOV: 7, // a proposal message that needs another signer than governance's account
  GOV_BAND_TOO_LOW: 8, // a message needs a higher band than the proposal's
  GOV_MSG_FAILS: 9, // executing the messages now fails (checked at submission on a discarded branch)
  GOV_CONSTITUTION_VIOLATED: 10, // a constitution rule rejects the proposal (context.rule names it)
  GOV_WRONG_DENOM: 11, // a deposit in another denomination than nxt
  GOV_UNKNOWN_PROPOSAL: 12,
  GOV_NOT_IN_DEPOSIT_PERIOD: 13,
  GOV_NOT_IN_VOTING_PERIOD: 14,
  GOV_NO_STAKE: 15, // a vote from an account with no bonded stake (no delegation to a bonded validator)
  GOV_INVALID_VOTE: 16, // weights not summing to 10 000, an option twice
  GOV_INVALID_ENDORSEMENT: 17, // a FEMTO endorsement with a bad signature, key, or from a non-validator
  GOV_INVALID_AMOUNT: 18,
  GOV_GENESIS_INVALID: 19,
  GOV_INVALID_CONSTITUTION: 20,
} as const;

export type GovErrorCode = keyof typeof GOV_ERRORS;

export class GovError extends defineModuleErrors("gov", GOV_ERRORS) {}
