/** Typed errors of the quantum plugin; signature schemes throw the runtime's SignatureSchemeError instead. */
export type QuantumErrorCode =
  | "CRYPTO_BAD_KEY"
  | "CRYPTO_BAD_SEED"
  | "CRYPTO_BAD_CIPHERTEXT"
  | "CRYPTO_BAD_CONTEXT"
  | "CRYPTO_DECRYPT_FAILED"
  | "CRYPTO_UNSUPPORTED";

export class QuantumCryptoError extends Error {
  constructor(
    readonly code: QuantumErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "QuantumCryptoError";
  }
}
