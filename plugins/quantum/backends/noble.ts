import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { sha3_256, shake256 } from "@noble/hashes/sha3.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { ml_dsa65 } from "@noble/post-quantum/ml-dsa.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { QuantumCryptoError } from "../errors.ts";
import { SeedCache, isAllZero, requireContext, requireLength } from "./checks.ts";
import { nobleEd25519Verify } from "./noble-ed25519-verify.ts";
import {
  ED25519_SEED_BYTES,
  ML_DSA_65_PUBLIC_KEY_BYTES,
  ML_DSA_65_SEED_BYTES,
  ML_DSA_65_SIGNATURE_BYTES,
  ML_DSA_MAX_CONTEXT_BYTES,
  ML_KEM_768_CIPHERTEXT_BYTES,
  ML_KEM_768_PUBLIC_KEY_BYTES,
  ML_KEM_768_SEED_BYTES,
  X25519_KEY_BYTES,
  type KemEncapsulation,
  type MlDsaSignOptions,
  type PqBackend,
} from "./types.ts";

// Expanded secret keys (4032 / 2400 bytes) cost a key generation to derive from the seed.
const mlDsaKeys = new SeedCache<{ secretKey: Uint8Array; publicKey: Uint8Array }>();
const mlKemKeys = new SeedCache<{ secretKey: Uint8Array; publicKey: Uint8Array }>();

function mlDsaKeyPair(seed: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  requireLength("ML-DSA-65 seed", seed, ML_DSA_65_SEED_BYTES, "CRYPTO_BAD_SEED");
  return mlDsaKeys.get(seed, () => ml_dsa65.keygen(seed));
}

function mlKemKeyPair(seed: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  requireLength("ML-KEM-768 seed (d‖z)", seed, ML_KEM_768_SEED_BYTES, "CRYPTO_BAD_SEED");
  return mlKemKeys.get(seed, () => ml_kem768.keygen(seed));
}

/** The portable backend: @noble/post-quantum and @noble/curves, pure JavaScript. */
export const nobleBackend: PqBackend = {
  name: "noble",
  supports: { deterministicMlDsaSign: true, deterministicMlKemEncapsulate: true },

  ed25519PublicKey(seed: Uint8Array): Uint8Array {
    requireLength("Ed25519 seed", seed, ED25519_SEED_BYTES, "CRYPTO_BAD_SEED");
    return ed25519.getPublicKey(seed);
  },
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
    requireLength("Ed25519 seed", seed, ED25519_SEED_BYTES, "CRYPTO_BAD_SEED");
    return ed25519.sign(message, seed);
  },
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    // Not ed25519.verify: consensus needs node:crypto's verdict, which noble's verify does not give.
    return nobleEd25519Verify(publicKey, message, signature);
  },

  mlDsa65PublicKey(seed: Uint8Array): Uint8Array {
    return mlDsaKeyPair(seed).publicKey.slice();
  },
  mlDsa65Sign(seed: Uint8Array, message: Uint8Array, opts: MlDsaSignOptions = {}): Uint8Array {
    requireContext(opts.context);
    const { secretKey } = mlDsaKeyPair(seed);
    const extraEntropy = opts.rnd ?? (opts.deterministic ? false : undefined);
    const o: { context?: Uint8Array; extraEntropy?: Uint8Array | false } = {};
    if (opts.context) o.context = opts.context;
    if (extraEntropy !== undefined) o.extraEntropy = extraEntropy;
    return ml_dsa65.sign(message, secretKey, o);
  },
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean {
    if (publicKey.length !== ML_DSA_65_PUBLIC_KEY_BYTES || signature.length !== ML_DSA_65_SIGNATURE_BYTES) return false;
    if (context && context.length > ML_DSA_MAX_CONTEXT_BYTES) return false;
    try {
      return ml_dsa65.verify(signature, message, publicKey, context ? { context } : {});
    } catch {
      return false;
    }
  },

  mlKem768PublicKey(seed: Uint8Array): Uint8Array {
    return mlKemKeyPair(seed).publicKey.slice();
  },
  mlKem768Encapsulate(publicKey: Uint8Array, m?: Uint8Array): KemEncapsulation {
    requireLength("ML-KEM-768 public key", publicKey, ML_KEM_768_PUBLIC_KEY_BYTES);
    if (m) requireLength("ML-KEM-768 encapsulation randomness", m, 32, "CRYPTO_BAD_SEED");
    let r: { cipherText: Uint8Array; sharedSecret: Uint8Array };
    try {
      r = ml_kem768.encapsulate(publicKey, m);
    } catch (e) {
      throw new QuantumCryptoError("CRYPTO_BAD_KEY", `invalid ML-KEM-768 public key: ${(e as Error).message}`);
    }
    return { ciphertext: r.cipherText, sharedSecret: r.sharedSecret };
  },
  mlKem768Decapsulate(seed: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const { secretKey } = mlKemKeyPair(seed);
    requireLength("ML-KEM-768 ciphertext", ciphertext, ML_KEM_768_CIPHERTEXT_BYTES, "CRYPTO_BAD_CIPHERTEXT");
    return ml_kem768.decapsulate(ciphertext, secretKey);
  },

  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    requireLength("X25519 secret key", secretKey, X25519_KEY_BYTES);
    return x25519.getPublicKey(secretKey);
  },
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    requireLength("X25519 secret key", secretKey, X25519_KEY_BYTES);
    requireLength("X25519 public key", publicKey, X25519_KEY_BYTES);
    let out: Uint8Array;
    try {
      out = x25519.getSharedSecret(secretKey, publicKey);
    } catch (e) {
      throw new QuantumCryptoError("CRYPTO_BAD_KEY", `X25519 failed (low-order or invalid public key): ${(e as Error).message}`);
    }
    if (isAllZero(out)) throw new QuantumCryptoError("CRYPTO_BAD_KEY", "X25519 shared secret is all zero (low-order public key)");
    return out;
  },

  sha3_256(...parts: Uint8Array[]): Uint8Array {
    const h = sha3_256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  shake256(data: Uint8Array, outputBytes: number): Uint8Array {
    return shake256(data, { dkLen: outputBytes });
  },
  randomBytes(n: number): Uint8Array {
    return randomBytes(n);
  },
};
