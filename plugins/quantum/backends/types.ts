/**
 * The primitive operations every backend provides. Schemes, the hybrid signature and the
 * hybrid KEM are written once on top of this, so the two backends differ only here.
 * Secret keys are always seeds: Ed25519 and ML-DSA-65 a 32-byte seed (FIPS 204 ξ),
 * ML-KEM-768 a 64-byte seed d‖z (FIPS 203), X25519 a 32-byte scalar.
 */
export type BackendName = "node" | "noble";

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const ML_DSA_65_PUBLIC_KEY_BYTES = 1952;
export const ML_DSA_65_SEED_BYTES = 32;
export const ML_DSA_65_SIGNATURE_BYTES = 3309;
export const ML_KEM_768_SEED_BYTES = 64;
export const ML_KEM_768_PUBLIC_KEY_BYTES = 1184;
export const ML_KEM_768_CIPHERTEXT_BYTES = 1088;
export const X25519_KEY_BYTES = 32;
/** FIPS 204: the context string is at most 255 bytes. */
export const ML_DSA_MAX_CONTEXT_BYTES = 255;

export interface MlDsaSignOptions {
  /** FIPS 204 context string (default empty). */
  context?: Uint8Array;
  /** Deterministic variant (rnd = 0^32); only the noble backend can do this. */
  deterministic?: boolean;
  /** Explicit 32-byte rnd for hedged signing (test vectors); noble only. */
  rnd?: Uint8Array;
}

export interface KemEncapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

export interface PqBackend {
  readonly name: BackendName;
  /** What this backend cannot do (node:crypto takes no caller randomness for these). */
  readonly supports: { readonly deterministicMlDsaSign: boolean; readonly deterministicMlKemEncapsulate: boolean };

  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 strict (canonical S and R, no ZIP-215 leniency) on both backends: they must agree. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  mlDsa65PublicKey(seed: Uint8Array): Uint8Array;
  mlDsa65Sign(seed: Uint8Array, message: Uint8Array, opts?: MlDsaSignOptions): Uint8Array;
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean;

  mlKem768PublicKey(seed: Uint8Array): Uint8Array;
  /** `m` (32 bytes) makes encapsulation deterministic; noble only. Throws CRYPTO_BAD_KEY on a bad key. */
  mlKem768Encapsulate(publicKey: Uint8Array, m?: Uint8Array): KemEncapsulation;
  mlKem768Decapsulate(seed: Uint8Array, ciphertext: Uint8Array): Uint8Array;

  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** Throws CRYPTO_BAD_KEY when the result is all zero (low-order point), on both backends. */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  sha3_256(...parts: Uint8Array[]): Uint8Array;
  shake256(data: Uint8Array, outputBytes: number): Uint8Array;
  randomBytes(n: number): Uint8Array;
}
