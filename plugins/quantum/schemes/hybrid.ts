import { concatBytes, utf8 } from "../../../runtime/crypto/hash.ts";
import type { KeyPair, SignatureScheme } from "../../../runtime/crypto/signature-scheme.ts";
import { SeedCache } from "../backends/checks.ts";
import type { PqBackend } from "../backends/types.ts";
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ML_DSA_65_PUBLIC_KEY_BYTES,
  ML_DSA_65_SIGNATURE_BYTES,
} from "../backends/types.ts";
import { requireSeed } from "./ml-dsa-65.ts";

/**
 * Hybrid Ed25519 + ML-DSA-65. Layout (fixed-size concatenations, Ed25519 first):
 *
 *   secret key  32 bytes    seed s; (edSeed ‖ ξ) = SHAKE256(KEYGEN_LABEL ‖ 0x00 ‖ s, 64)
 *   public key  1984 bytes  Ed25519 pk (32) ‖ ML-DSA-65 pk (1952)
 *   signature   3373 bytes  Ed25519 sig (64) ‖ ML-DSA-65 sig (3309)
 *
 * Each part signs its own domain-separated message
 *   M_c = "NexusOS-hybrid-sig-v1" ‖ 0x00 ‖ "hybrid-ed25519-ml-dsa-65" ‖ 0x00 ‖ c ‖ 0x00 ‖ message
 * with c = "ed25519" or "ml-dsa-65", so neither half is a valid signature on `message` for a
 * plain Ed25519 or ML-DSA key, nor on the other half's message. Valid only when both verify.
 */
export const HYBRID_ID = "hybrid-ed25519-ml-dsa-65";
export const HYBRID_SIG_PREFIX = "NexusOS-hybrid-sig-v1";
export const HYBRID_KEYGEN_LABEL = "NexusOS-hybrid-ed25519-ml-dsa-65-keygen-v1";
export const HYBRID_SEED_BYTES = 32;
export const HYBRID_PUBLIC_KEY_BYTES = ED25519_PUBLIC_KEY_BYTES + ML_DSA_65_PUBLIC_KEY_BYTES;
export const HYBRID_SIGNATURE_BYTES = ED25519_SIGNATURE_BYTES + ML_DSA_65_SIGNATURE_BYTES;

export type HybridComponent = "ed25519" | "ml-dsa-65";

const prefixFor = (c: HybridComponent): Uint8Array =>
  concatBytes(utf8(HYBRID_SIG_PREFIX), Uint8Array.of(0), utf8(HYBRID_ID), Uint8Array.of(0), utf8(c), Uint8Array.of(0));
const ED_PREFIX = prefixFor("ed25519");
const ML_PREFIX = prefixFor("ml-dsa-65");

/** The exact bytes the given half signs (exported for tests and other implementations). */
export function hybridComponentMessage(component: HybridComponent, message: Uint8Array): Uint8Array {
  return concatBytes(component === "ed25519" ? ED_PREFIX : ML_PREFIX, message);
}

export function splitHybridPublicKey(pk: Uint8Array): { ed25519: Uint8Array; mlDsa65: Uint8Array } {
  return { ed25519: pk.subarray(0, ED25519_PUBLIC_KEY_BYTES), mlDsa65: pk.subarray(ED25519_PUBLIC_KEY_BYTES) };
}

export function splitHybridSignature(sig: Uint8Array): { ed25519: Uint8Array; mlDsa65: Uint8Array } {
  return { ed25519: sig.subarray(0, ED25519_SIGNATURE_BYTES), mlDsa65: sig.subarray(ED25519_SIGNATURE_BYTES) };
}

export function createHybridScheme(backend: PqBackend): SignatureScheme {
  const keygenLabel = concatBytes(utf8(HYBRID_KEYGEN_LABEL), Uint8Array.of(0));
  // Stable derived seed arrays let the backend's own key caches hit on repeated signing.
  const derived = new SeedCache<{ ed: Uint8Array; xi: Uint8Array }>();
  const derive = (seed: Uint8Array): { ed: Uint8Array; xi: Uint8Array } =>
    derived.get(seed, () => {
      const out = backend.shake256(concatBytes(keygenLabel, seed), 64);
      return { ed: out.slice(0, 32), xi: out.slice(32, 64) };
    });

  return {
    id: HYBRID_ID,
    publicKeyBytes: HYBRID_PUBLIC_KEY_BYTES,
    secretKeyBytes: HYBRID_SEED_BYTES,
    signatureBytes: HYBRID_SIGNATURE_BYTES,
    generate(seed?: Uint8Array): KeyPair {
      const s = seed ?? backend.randomBytes(HYBRID_SEED_BYTES);
      requireSeed(HYBRID_ID, s, HYBRID_SEED_BYTES);
      const { ed, xi } = derive(s);
      return { secretKey: s.slice(), publicKey: concatBytes(backend.ed25519PublicKey(ed), backend.mlDsa65PublicKey(xi)) };
    },
    sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
      requireSeed(HYBRID_ID, secretKey, HYBRID_SEED_BYTES);
      const { ed, xi } = derive(secretKey);
      return concatBytes(
        backend.ed25519Sign(ed, hybridComponentMessage("ed25519", message)),
        backend.mlDsa65Sign(xi, hybridComponentMessage("ml-dsa-65", message)),
      );
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
      if (publicKey.length !== HYBRID_PUBLIC_KEY_BYTES || signature.length !== HYBRID_SIGNATURE_BYTES) return false;
      const pk = splitHybridPublicKey(publicKey);
      const sig = splitHybridSignature(signature);
      // Cheaper Ed25519 first; both must hold.
      return (
        backend.ed25519Verify(pk.ed25519, hybridComponentMessage("ed25519", message), sig.ed25519) &&
        backend.mlDsa65Verify(pk.mlDsa65, hybridComponentMessage("ml-dsa-65", message), sig.mlDsa65)
      );
    },
  };
}
