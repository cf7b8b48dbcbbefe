import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the achievements module (codespace "achievements"). They reach receipts and
 * the RPC: append only, never rename or renumber.
 */
export const ACHIEVEMENTS_ERRORS = {
  ACHIEVEMENTS_SELF_REFERRAL: 1, // MsgSetReferrer naming the account itself
  ACHIEVEMENTS_REFERRER_NOT_CITIZEN: 2, // only an attested (unexpired) citizen can refer
  ACHIEVEMENTS_REFERRER_SET: 3, // an account names its referrer once
  ACHIEVEMENTS_ALREADY_CITIZEN: 4, // a referral counts when the account becomes a citizen, so it must not be one yet
  ACHIEVEMENTS_GENESIS_INVALID: 5,
} as const;

export type AchievementsErrorCode = keyof typeof ACHIEVEMENTS_ERRORS;

export class AchievementsError extends defineModuleErrors("achievements", ACHIEVEMENTS_ERRORS) {}
