import { ModuleError } from "../../runtime/tx/errors.ts";

/** Error codes are API (they reach receipts): append only, never rename. */
export type StakingErrorCode =
  | "STAKING_VALIDATOR_EXISTS"
  | "STAKING_VALIDATOR_NOT_FOUND"
  | "STAKING_PUBKEY_IN_USE"
  | "STAKING_INVALID_AMOUNT"
  | "STAKING_SELF_DELEGATION_TOO_LOW"
  | "STAKING_COMMISSION_INVALID"
  | "STAKING_COMMISSION_CHANGE_TOO_SOON"
  | "STAKING_COMMISSION_CHANGE_TOO_LARGE"
  | "STAKING_MIN_SELF_DELEGATION_DECREASED"
  | "STAKING_DELEGATION_NOT_FOUND"
  | "STAKING_INSUFFICIENT_SHARES"
  | "STAKING_TOO_MANY_ENTRIES"
  | "STAKING_SELF_REDELEGATION"
  | "STAKING_TRANSITIVE_REDELEGATION"
  | "STAKING_NOT_JAILED"
  | "STAKING_JAIL_PERIOD_ACTIVE"
  | "STAKING_TOMBSTONED"
  | "STAKING_INVALID_EXCHANGE_RATE"
  | "STAKING_GENESIS_INVALID"
  | "STAKING_UNAUTHORIZED" // MsgUpdateParams from an address that is not staking's authority
  | "STAKING_INVALID_PARAMS";

export class StakingError extends ModuleError {
  constructor(code: StakingErrorCode, message: string, context: Record<string, unknown> = {}) {
    super("staking", code, message, context);
    this.name = "StakingError";
  }
}
