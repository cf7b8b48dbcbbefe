import { ed25519 as runtimeEd25519 } from "../../../runtime/crypto/ed25519.ts";
import type { KeyPair, SignatureScheme } from "../../../runtime/crypto/signature-scheme.ts";
import type { PqBackend } from "../backends/types.ts";
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES } from "../backends/types.ts";
import { requireSeed } from "./ml-dsa-65.ts";

export const ED25519_ID = "ed25519";

/**
 * Ed25519 on the given backend. The node backend is the runtime's own scheme
 * (runtime/crypto/ed25519.ts, with its public-key cache); the noble backend is @noble/curves, verifying by
 * node:crypto's rule (backends/noble-ed25519-verify.ts). Both have the same wire id and the same verdicts,
 * so a node picks one of them, never both.
 */
export function createEd25519Scheme(backend: PqBackend): SignatureScheme {
  if (backend.name === "node") {
    // The runtime's scheme, with verify guarded against non-byte input (the interface says never throw).
    return {
      ...runtimeEd25519,
      verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
        if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
        return runtimeEd25519.verify(publicKey, message, signature);
      },
    };
  }
  return {
    id: ED25519_ID,
    publicKeyBytes: ED25519_PUBLIC_KEY_BYTES,
    secretKeyBytes: ED25519_SEED_BYTES,
    signatureBytes: ED25519_SIGNATURE_BYTES,
    generate(seed?: Uint8Array): KeyPair {
      const s = seed ?? backend.randomBytes(ED25519_SEED_BYTES);
      requireSeed(ED25519_ID, s, ED25519_SEED_BYTES);
      return { secretKey: s.slice(), publicKey: backend.ed25519PublicKey(s) };
    },
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      requireSeed(ED25519_ID, secretKey, ED25519_SEED_BYTES);
      return backend.ed25519Sign(secretKey, message);
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
      return backend.ed25519Verify(publicKey, message, signature);
    },
  };
}
