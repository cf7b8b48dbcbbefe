import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { concatBytes, utf8 } from "../../../runtime/crypto/hash.ts";
import { SeedCache, requireLength } from "../backends/checks.ts";
import { ML_KEM_768_CIPHERTEXT_BYTES, ML_KEM_768_PUBLIC_KEY_BYTES, X25519_KEY_BYTES, type PqBackend } from "../backends/types.ts";
import { QuantumCryptoError } from "../errors.ts";

/**
 * X25519 + ML-KEM-768 hybrid KEM: X-Wing (draft-connolly-cfrg-xwing-kem).
 *
 *   secret key  32-byte seed; (d ‖ z ‖ sk_X) = SHAKE256(seed, 96), ML-KEM-768 keys from d ‖ z
 *   public key  pk_M (1184) ‖ pk_X (32)                                  = 1216 bytes
 *   ciphertext  ct_M (1088) ‖ ct_X (32)                                  = 1120 bytes
 *   secret      SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ "\.//^\")           = 32 bytes
 *
 * One deviation, the same on both backends: an all-zero X25519 result (low-order ct_X or
 * pk_X) is rejected with CRYPTO_BAD_CIPHERTEXT / CRYPTO_BAD_KEY, because OpenSSL refuses it.
 */
export const HYBRID_KEM_ID = "x-wing-x25519-ml-kem-768";
export const HYBRID_KEM_SEED_BYTES = 32;
export const HYBRID_KEM_PUBLIC_KEY_BYTES = ML_KEM_768_PUBLIC_KEY_BYTES + X25519_KEY_BYTES;
export const HYBRID_KEM_CIPHERTEXT_BYTES = ML_KEM_768_CIPHERTEXT_BYTES + X25519_KEY_BYTES;
export const HYBRID_KEM_SHARED_SECRET_BYTES = 32;
/** Encapsulation randomness: 32 bytes for ML-KEM (m) ‖ 32 bytes ephemeral X25519 key. */
export const HYBRID_KEM_ESEED_BYTES = 64;
const XWING_LABEL = Uint8Array.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]); // "\.//^\"

/** Sealed box: version ‖ KEM ciphertext ‖ ChaCha20-Poly1305(plaintext) ‖ tag. */
export const SEAL_VERSION = 1;
export const SEAL_TAG_BYTES = 16;
export const SEAL_OVERHEAD_BYTES = 1 + HYBRID_KEM_CIPHERTEXT_BYTES + SEAL_TAG_BYTES;
const SEAL_INFO = utf8("NexusOS-hybrid-kem-seal-v1 chacha20-poly1305");

export interface HybridKemKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface HybridKem {
  readonly id: string;
  readonly backend: string;
  generate(seed?: Uint8Array): HybridKemKeyPair;
  /** `eseed` (64 bytes) makes it deterministic: tests and vectors only, and noble backend only. */
  encapsulate(publicKey: Uint8Array, eseed?: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** Encrypt to a public key: a fresh encapsulation per message, AEAD key from HKDF of its secret. */
  seal(recipientPublicKey: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Throws CRYPTO_BAD_CIPHERTEXT (malformed) or CRYPTO_DECRYPT_FAILED (wrong key, tampered, wrong aad). */
  open(secretKey: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
}

export function createHybridKem(backend: PqBackend): HybridKem {
  // Stable expanded arrays per caller's seed array let the backend's key caches hit on every decapsulation.
  const expanded = new SeedCache<{ mlKemSeed: Uint8Array; xSk: Uint8Array; pkX: Uint8Array }>();
  const expand = (seed: Uint8Array): { mlKemSeed: Uint8Array; xSk: Uint8Array; pkX: Uint8Array } => {
    requireLength("hybrid KEM secret key (seed)", seed, HYBRID_KEM_SEED_BYTES);
    return expanded.get(seed, () => {
      const e = backend.shake256(seed, 96);
      const xSk = e.slice(64, 96);
      return { mlKemSeed: e.slice(0, 64), xSk, pkX: backend.x25519PublicKey(xSk) };
    });
  };
  const combine = (ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Uint8Array =>
    backend.sha3_256(ssM, ssX, ctX, pkX, XWING_LABEL);

  const kem: HybridKem = {
    id: HYBRID_KEM_ID,
    backend: backend.name,
    generate(seed?: Uint8Array): HybridKemKeyPair {
      const s = seed ?? backend.randomBytes(HYBRID_KEM_SEED_BYTES);
      const { mlKemSeed, pkX } = expand(s);
      return { secretKey: s.slice(), publicKey: concatBytes(backend.mlKem768PublicKey(mlKemSeed), pkX) };
    },
    encapsulate(publicKey: Uint8Array, eseed?: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
      requireLength("hybrid KEM public key", publicKey, HYBRID_KEM_PUBLIC_KEY_BYTES);
      if (eseed) requireLength("hybrid KEM encapsulation seed", eseed, HYBRID_KEM_ESEED_BYTES, "CRYPTO_BAD_SEED");
      const pkM = publicKey.subarray(0, ML_KEM_768_PUBLIC_KEY_BYTES);
      const pkX = publicKey.subarray(ML_KEM_768_PUBLIC_KEY_BYTES);
      const ekX = eseed ? eseed.subarray(32, 64) : backend.randomBytes(32);
      const ctX = backend.x25519PublicKey(ekX);
      const ssX = backend.x25519(ekX, pkX);
      const m = backend.mlKem768Encapsulate(pkM, eseed ? eseed.subarray(0, 32) : undefined);
      return { ciphertext: concatBytes(m.ciphertext, ctX), sharedSecret: combine(m.sharedSecret, ssX, ctX, pkX) };
    },
    decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
      const { mlKemSeed, xSk, pkX } = expand(secretKey);
      requireLength("hybrid KEM ciphertext", ciphertext, HYBRID_KEM_CIPHERTEXT_BYTES, "CRYPTO_BAD_CIPHERTEXT");
      const ctM = ciphertext.subarray(0, ML_KEM_768_CIPHERTEXT_BYTES);
      const ctX = ciphertext.subarray(ML_KEM_768_CIPHERTEXT_BYTES);
      const ssM = backend.mlKem768Decapsulate(mlKemSeed, ctM);
      let ssX: Uint8Array;
      try {
        ssX = backend.x25519(xSk, ctX);
      } catch (e) {
        throw new QuantumCryptoError("CRYPTO_BAD_CIPHERTEXT", `hybrid KEM ciphertext has a low-order X25519 part: ${(e as Error).message}`);
      }
      return combine(ssM, ssX, ctX, pkX);
    },
    seal(recipientPublicKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Uint8Array {
      const { ciphertext, sharedSecret } = kem.encapsulate(recipientPublicKey);
      const { key, nonce } = sealKeys(sharedSecret);
      const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: SEAL_TAG_BYTES });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
      return concatBytes(Uint8Array.of(SEAL_VERSION), ciphertext, body);
    },
    open(secretKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Uint8Array {
      if (!(sealed instanceof Uint8Array) || sealed.length < SEAL_OVERHEAD_BYTES) {
        throw new QuantumCryptoError("CRYPTO_BAD_CIPHERTEXT", `sealed message must be at least ${SEAL_OVERHEAD_BYTES} bytes, got ${sealed?.length}`);
      }
      if (sealed[0] !== SEAL_VERSION) {
        throw new QuantumCryptoError("CRYPTO_BAD_CIPHERTEXT", `unknown sealed-message version ${sealed[0]}, expected ${SEAL_VERSION}`);
      }
      const kemCt = sealed.subarray(1, 1 + HYBRID_KEM_CIPHERTEXT_BYTES);
      const body = sealed.subarray(1 + HYBRID_KEM_CIPHERTEXT_BYTES, sealed.length - SEAL_TAG_BYTES);
      const tag = sealed.subarray(sealed.length - SEAL_TAG_BYTES);
      const { key, nonce } = sealKeys(kem.decapsulate(secretKey, kemCt));
      try {
        const d = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: SEAL_TAG_BYTES });
        d.setAAD(aad, { plaintextLength: body.length });
        d.setAuthTag(tag);
        return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
      } catch {
        throw new QuantumCryptoError("CRYPTO_DECRYPT_FAILED", "sealed message failed authentication (wrong key, wrong aad or tampered)");
      }
    },
  };
  return kem;
}

/** One key per message (fresh encapsulation), so a fixed derivation of key and nonce is safe. */
function sealKeys(sharedSecret: Uint8Array): { key: Buffer; nonce: Buffer } {
  const okm = Buffer.from(hkdfSync("sha256", sharedSecret, new Uint8Array(0), SEAL_INFO, 44));
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32, 44) };
}
