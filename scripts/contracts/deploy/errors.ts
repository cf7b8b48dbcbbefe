// The deploy task's errors: each names what is wrong and how to fix it.
import { defineErrors } from "../../../runtime/errors.ts";

export const DEPLOY_ERRORS = {
  DEPLOY_KEY_MISSING: 1,
  DEPLOY_KEY_MALFORMED: 2,
  DEPLOY_RPC_UNREACHABLE: 3,
  DEPLOY_INSUFFICIENT_FUNDS: 4,
  DEPLOY_FOREIGN_CODE: 5,
  DEPLOY_CODE_MISSING: 6,
  DEPLOY_OTHER_CHAIN: 7,
  DEPLOY_PARAMETERS_INVALID: 8,
  DEPLOY_PARAMETERS_MISSING: 9,
  DEPLOY_FAILED: 10,
} as const;
export type DeployErrorCode = keyof typeof DEPLOY_ERRORS;
export class DeployError extends defineErrors("deploy", DEPLOY_ERRORS) {}

/** A viem or Hardhat message without the kilobytes of calldata hex it likes to quote. */
export function shortenHex(message: string): string {
  return message.replace(/0x[0-9a-fA-F]{200,}/g, (hex) => `0x${hex.slice(2, 18)}…(${(hex.length - 2) / 2} bytes)`);
}
