import { defineErrors } from "../errors.ts";

/**
 * Codes of the CLI's own errors (CliError). Some repeat another package's code (ADDRESS_INVALID,
 * KEYSTORE_EXISTS …) when the CLI reports that failure in its own words, so a hint keyed by the
 * code applies to both. Append only; a retired code stays here as a comment.
 */
export const CLI_ERRORS = {
  CLI_ABORTED: 1,
  CLI_BAD_ARG: 2,
  CLI_BAD_OPTION: 3,
  CLI_FILE: 4,
  CLI_NO_MNEMONIC: 5,
  CLI_NO_NODE: 6,
  CLI_NO_PASSPHRASE: 7,
  CLI_PASSPHRASE_MISMATCH: 8,
  CLI_WEAK_PASSPHRASE: 9,
  NOT_FOUND: 10,
  ADDRESS_INVALID: 11,
  HD_BAD_MNEMONIC: 12,
  KEYSTORE_EXISTS: 13,
  CLI_INVALID_MSG: 14, // a generated tx command's flags fail the message schema
  CLI_INVALID_QUERY: 15,
  SCAFFOLD_BAD_NAME: 16,
  SCAFFOLD_EXISTS: 17,
  SCAFFOLD_NO_TEMPLATE: 18,
  CLI_DEVNET_START_FAILED: 19, // a devnet validator exited during start-up
  CLI_NO_DATA: 20, // verify-data on a home without a data directory
  CLI_DEVNET_RUNNING: 21, // a devnet already runs from that directory
  CLI_DEVNET_NOT_RUNNING: 22, // devnet status/restart/stop found no running devnet
  CLI_DEVNET_REFUSED: 23, // the running devnet could not do what was asked
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** Base of the CLI's errors (codespace "cli"). */
export const CliErrors = defineErrors("cli", CLI_ERRORS);
