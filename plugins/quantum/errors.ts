import { defineErrors } from "../../runtime/errors.ts";

/** Typed errors of the quantum plugin; signature schemes throw the runtime's SignatureSchemeError instead. */
export type QuantumErrorCode =
  | "CRYPTO_BAD_KEY"
  | "CRYPTO_BAD_SEED"
  | "CRYPTO_BAD_CIPHERTEXT"
  | "CRYPTO_BAD_CONTEXT"
  | "CRYPTO_DECRYPT_FAILED"
  | "CRYPTO_UNSUPPORTED";

/**
 * Error codes of the quantum plugin (codespace "quantum"): its crypto and the QKD key sources.
 * Append only: never change the meaning of a code or its number; a retired code stays here as a comment.
 */
export const QUANTUM_ERRORS = {
  CRYPTO_BAD_KEY: 1,
  CRYPTO_BAD_SEED: 2,
  CRYPTO_BAD_CIPHERTEXT: 3,
  CRYPTO_BAD_CONTEXT: 4,
  CRYPTO_DECRYPT_FAILED: 5,
  CRYPTO_UNSUPPORTED: 6,
  QKD_HTTP_ERROR: 7, // QkdError (qkd/key-source.ts)
  QKD_BAD_RESPONSE: 8,
  QKD_NETWORK: 9,
  QKD_BAD_REQUEST: 10,
  QKD_KEY_UNAVAILABLE: 11,
} as const;

/** Base of the quantum plugin's errors. */
export const QuantumErrors = defineErrors("quantum", QUANTUM_ERRORS);

export class QuantumCryptoError extends QuantumErrors<QuantumErrorCode> {}
