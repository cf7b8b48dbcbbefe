import { defineErrors } from "../errors.ts";

/**
 * Error codes of the crypto package (addresses, HD derivation, keystore, signature schemes).
 * Append only: numbers reach RPC errors; a retired code stays here as a comment.
 */
export const CRYPTO_ERRORS = {
  ADDRESS_INVALID: 1,
  HD_BAD_PATH: 2,
  HD_BAD_MNEMONIC: 3,
  HD_BAD_SEED: 4,
  KEYSTORE_WRONG_PASSPHRASE: 5,
  KEYSTORE_CORRUPT: 6,
  KEYSTORE_NOT_FOUND: 7,
  KEYSTORE_EXISTS: 8,
  KEYSTORE_BAD_NAME: 9,
  KEYSTORE_UNSUPPORTED: 10,
  CRYPTO_UNKNOWN_SCHEME: 11,
  CRYPTO_BAD_KEY: 12,
  CRYPTO_DUPLICATE_SCHEME: 13,
} as const;

export type CryptoErrorCode = keyof typeof CRYPTO_ERRORS;

/** Base of the crypto package's errors (codespace "crypto"). */
export const CryptoErrors = defineErrors("crypto", CRYPTO_ERRORS);
