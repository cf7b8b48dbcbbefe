import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the staking module (codespace "staking"). They reach receipts and the RPC:
 * append only, never rename or renumber; a retired code stays here as a comment.
 */
export const STAKING_ERRORS = {
  STAKING_VALIDATOR_EXISTS: 1,
  STAKING_VALIDATOR_NOT_FOUND: 2,
  STAKING_PUBKEY_IN_USE: 3,
  STAKING_INVALID_AMOUNT: 4,
  STAKING_SELF_DELEGATION_TOO_LOW: 5,
  STAKING_COMMISSION_INVALID: 6,
  STAKING_COMMISSION_CHANGE_TOO_SOON: 7,
  STAKING_COMMISSION_CHANGE_TOO_LARGE: 8,
  STAKING_MIN_SELF_DELEGATION_DECREASED: 9,
  STAKING_DELEGATION_NOT_FOUND: 10,
  STAKING_INSUFFICIENT_SHARES: 11,
  STAKING_TOO_MANY_ENTRIES: 12,
  STAKING_SELF_REDELEGATION: 13,
  STAKING_TRANSITIVE_REDELEGATION: 14,
  STAKING_NOT_JAILED: 15,
  STAKING_JAIL_PERIOD_ACTIVE: 16,
  STAKING_TOMBSTONED: 17,
  STAKING_INVALID_EXCHANGE_RATE: 18,
  STAKING_GENESIS_INVALID: 19,
  STAKING_UNAUTHORIZED: 20, // MsgUpdateParams from an address that is not staking's authority
  STAKING_INVALID_PARAMS: 21,
  STAKING_DOMINANT_VALIDATOR: 22, // non-dominance: the validator holds more than maxValidatorPowerBps of bonded stake
} as const;

export type StakingErrorCode = keyof typeof STAKING_ERRORS;

export class StakingError extends defineModuleErrors("staking", STAKING_ERRORS) {}
