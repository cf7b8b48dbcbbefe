import { readFileSync, statSync } from "node:fs";
import type { Logger } from "pino";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { EvmBridgeError } from "./errors.ts";

/** Where a secp256k1 private key comes from: an environment variable or a file (0x optional, 64 hex). */
export type KeySource = { readonly env: string } | { readonly file: string };

/**
 * Loads an EVM account from `source`. Errors name the variable or file, never the key; a key
 * file readable by group or others draws a warning.
 */
export function loadEvmAccount(
  source: KeySource,
  what: string,
  opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): PrivateKeyAccount {
  let raw: string | undefined;
  let origin: string;
  if ("env" in source) {
    origin = `environment variable ${source.env}`;
    raw = (opts.env ?? process.env)[source.env];
    if (raw === undefined || raw.trim() === "") throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: ${origin} is not set`, false);
  } else {
    origin = `file ${source.file}`;
    try {
      raw = readFileSync(source.file, "utf8");
      const mode = statSync(source.file).mode;
      if ((mode & 0o077) !== 0) opts.logger?.warn({ file: source.file, mode: (mode & 0o777).toString(8) }, `${what}: key file is readable by group or others`);
    } catch (e) {
      throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: cannot read ${origin}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, false);
    }
  }
  const hex = raw.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: ${origin} does not hold a 32-byte hex private key`, false);
  try {
    return privateKeyToAccount(`0x${hex.toLowerCase()}`);
  } catch {
    throw new EvmBridgeError("EVM_CONFIG_INVALID", `${what}: ${origin} does not hold a valid secp256k1 private key`, false);
  }
}
