import { SignatureSchemeError, type KeyPair, type SignatureScheme } from "../../../runtime/crypto/signature-scheme.ts";
import type { PqBackend } from "../backends/types.ts";
import { ML_DSA_65_PUBLIC_KEY_BYTES, ML_DSA_65_SEED_BYTES, ML_DSA_65_SIGNATURE_BYTES } from "../backends/types.ts";

/** Stable wire id: written into addresses and transactions. Never change. */
export const ML_DSA_65_ID = "ml-dsa-65";

export function requireSeed(schemeId: string, seed: Uint8Array, bytes: number): void {
  if (!(seed instanceof Uint8Array) || seed.length !== bytes) {
    const got = seed instanceof Uint8Array ? `${seed.length} bytes` : typeof seed;
    throw new SignatureSchemeError("CRYPTO_BAD_KEY", `${schemeId} secret key must be a ${bytes}-byte seed, got ${got}`);
  }
}

/**
 * ML-DSA-65 (FIPS 204), pure mode with an empty context. The secret key is the 32-byte
 * seed ξ, so keys are equal on both backends; signing is hedged (randomised), as FIPS 204
 * recommends, so signatures differ between calls but verify on either backend.
 */
export function createMlDsa65Scheme(backend: PqBackend): SignatureScheme {
  return {
    id: ML_DSA_65_ID,
    publicKeyBytes: ML_DSA_65_PUBLIC_KEY_BYTES,
    secretKeyBytes: ML_DSA_65_SEED_BYTES,
    signatureBytes: ML_DSA_65_SIGNATURE_BYTES,
    generate(seed?: Uint8Array): KeyPair {
      const s = seed ?? backend.randomBytes(ML_DSA_65_SEED_BYTES);
      requireSeed(ML_DSA_65_ID, s, ML_DSA_65_SEED_BYTES);
      return { secretKey: s.slice(), publicKey: backend.mlDsa65PublicKey(s) };
    },
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      requireSeed(ML_DSA_65_ID, secretKey, ML_DSA_65_SEED_BYTES);
      return backend.mlDsa65Sign(secretKey, message);
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
      return backend.mlDsa65Verify(publicKey, message, signature);
    },
  };
}
