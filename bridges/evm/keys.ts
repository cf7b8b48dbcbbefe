import { readSecretKeyHex, type KeySource } from "../core/secret-key.ts";
import type { Logger } from "pino";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { EvmBridgeError } from "./errors.ts";

export type { KeySource };

/**
 * Loads an EVM account from `source`. Errors name the variable or file, never the key; a key
 * file readable by group or others draws a warning.
 */
export function loadEvmAccount(
  source: KeySource,
  what: string,
  opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): PrivateKeyAccount {
  const fail = (m: string) => new EvmBridgeError("EVM_CONFIG_INVALID", m, false);
  const { hex, origin } = readSecretKeyHex(source, what, fail, opts);
  try {
    return privateKeyToAccount(`0x${hex}`);
  } catch {
    throw fail(`${what}: ${origin} does not hold a valid secp256k1 private key`);
  }
}
