import * as nodeCrypto from "node:crypto";
import { createHash, createPrivateKey, createPublicKey, diffieHellman, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { ed25519 as runtimeEd25519 } from "../../../runtime/crypto/ed25519.ts";
import { QuantumCryptoError } from "../errors.ts";
import { BoundedCache, SeedCache, isAllZero, requireContext, requireLength } from "./checks.ts";
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

// Namespace access, not named imports: on a Node without ML-KEM the module still loads and the noble backend is used.
const { encapsulate, decapsulate } = nodeCrypto as unknown as {
  encapsulate: (key: KeyObject) => { sharedKey: Buffer; ciphertext: Buffer };
  decapsulate: (key: KeyObject, ciphertext: Buffer) => Buffer;
};

// Parsing a public key costs a fifth of an ML-DSA verify, so parsed keys are cached (as runtime/crypto/ed25519.ts does).
const mlDsaPubCache = new BoundedCache<string, KeyObject>(10_000);
const mlKemPubCache = new BoundedCache<string, KeyObject>(1_000);
// Expanding a seed is a full key generation; cache by the caller's seed array (see SeedCache).
const mlDsaPrivCache = new SeedCache<KeyObject>();
const mlKemPrivCache = new SeedCache<KeyObject>();

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const cacheKey = (b: Uint8Array): string => buf(b).toString("latin1");

function mlDsaPrivate(seed: Uint8Array): KeyObject {
  requireLength("ML-DSA-65 seed", seed, ML_DSA_65_SEED_BYTES, "CRYPTO_BAD_SEED");
  return mlDsaPrivCache.get(seed, () => createPrivateKey({ key: buf(seed), format: "raw-seed", asymmetricKeyType: "ml-dsa-65" }));
}

function mlDsaPublic(pk: Uint8Array): KeyObject {
  return mlDsaPubCache.get(cacheKey(pk), () =>
    createPublicKey({ key: Buffer.from(pk), format: "raw-public", asymmetricKeyType: "ml-dsa-65" }),
  );
}

function mlKemPrivate(seed: Uint8Array): KeyObject {
  requireLength("ML-KEM-768 seed (d‖z)", seed, ML_KEM_768_SEED_BYTES, "CRYPTO_BAD_SEED");
  return mlKemPrivCache.get(seed, () => createPrivateKey({ key: buf(seed), format: "raw-seed", asymmetricKeyType: "ml-kem-768" }));
}

function mlKemPublic(pk: Uint8Array): KeyObject {
  requireLength("ML-KEM-768 public key", pk, ML_KEM_768_PUBLIC_KEY_BYTES);
  return mlKemPubCache.get(cacheKey(pk), () => {
    try {
      // OpenSSL runs the FIPS 203 §7.2 modulus check here.
      return createPublicKey({ key: Buffer.from(pk), format: "raw-public", asymmetricKeyType: "ml-kem-768" });
    } catch (e) {
      throw new QuantumCryptoError("CRYPTO_BAD_KEY", `invalid ML-KEM-768 public key: ${(e as Error).message}`);
    }
  });
}

function x25519Private(sk: Uint8Array): KeyObject {
  requireLength("X25519 secret key", sk, X25519_KEY_BYTES);
  return createPrivateKey({ key: buf(sk), format: "raw-private", asymmetricKeyType: "x25519" });
}

/** The native backend: node:crypto (OpenSSL 3.5+ in Node 24) for every primitive. */
export const nodeBackend: PqBackend = {
  name: "node",
  supports: { deterministicMlDsaSign: false, deterministicMlKemEncapsulate: false },

  ed25519PublicKey(seed: Uint8Array): Uint8Array {
    requireLength("Ed25519 seed", seed, ED25519_SEED_BYTES, "CRYPTO_BAD_SEED");
    return runtimeEd25519.generate(seed).publicKey;
  },
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
    requireLength("Ed25519 seed", seed, ED25519_SEED_BYTES, "CRYPTO_BAD_SEED");
    return runtimeEd25519.sign(seed, message);
  },
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return runtimeEd25519.verify(publicKey, message, signature);
  },

  mlDsa65PublicKey(seed: Uint8Array): Uint8Array {
    return u8(createPublicKey(mlDsaPrivate(seed)).export({ format: "raw-public" }));
  },
  mlDsa65Sign(seed: Uint8Array, message: Uint8Array, opts: MlDsaSignOptions = {}): Uint8Array {
    if (opts.deterministic || opts.rnd) {
      throw new QuantumCryptoError("CRYPTO_UNSUPPORTED", "node:crypto signs ML-DSA hedged only; use the noble backend for deterministic signing");
    }
    requireContext(opts.context);
    const key = mlDsaPrivate(seed);
    const sig = opts.context?.length ? sign(null, message, { key, context: buf(opts.context) } as never) : sign(null, message, key);
    return u8(sig);
  },
  mlDsa65Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean {
    if (publicKey.length !== ML_DSA_65_PUBLIC_KEY_BYTES || signature.length !== ML_DSA_65_SIGNATURE_BYTES) return false;
    if (context && context.length > ML_DSA_MAX_CONTEXT_BYTES) return false;
    try {
      const key = mlDsaPublic(publicKey);
      return context?.length ? verify(null, message, { key, context: buf(context) } as never, signature) : verify(null, message, key, signature);
    } catch {
      return false;
    }
  },

  mlKem768PublicKey(seed: Uint8Array): Uint8Array {
    return u8(createPublicKey(mlKemPrivate(seed)).export({ format: "raw-public" }));
  },
  mlKem768Encapsulate(publicKey: Uint8Array, m?: Uint8Array): KemEncapsulation {
    if (m) throw new QuantumCryptoError("CRYPTO_UNSUPPORTED", "node:crypto takes no caller randomness for ML-KEM; use the noble backend");
    const { sharedKey, ciphertext } = encapsulate(mlKemPublic(publicKey));
    return { ciphertext: u8(ciphertext), sharedSecret: u8(sharedKey) };
  },
  mlKem768Decapsulate(seed: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const key = mlKemPrivate(seed);
    requireLength("ML-KEM-768 ciphertext", ciphertext, ML_KEM_768_CIPHERTEXT_BYTES, "CRYPTO_BAD_CIPHERTEXT");
    return u8(decapsulate(key, buf(ciphertext)));
  },

  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return u8(createPublicKey(x25519Private(secretKey)).export({ format: "raw-public" }));
  },
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    const privateKey = x25519Private(secretKey);
    requireLength("X25519 public key", publicKey, X25519_KEY_BYTES);
    let out: Uint8Array;
    try {
      const pub = createPublicKey({ key: Buffer.from(publicKey), format: "raw-public", asymmetricKeyType: "x25519" });
      out = u8(diffieHellman({ privateKey, publicKey: pub }));
    } catch (e) {
      // OpenSSL refuses an all-zero result (low-order point) by failing the derivation.
      throw new QuantumCryptoError("CRYPTO_BAD_KEY", `X25519 failed (low-order or invalid public key): ${(e as Error).message}`);
    }
    if (isAllZero(out)) throw new QuantumCryptoError("CRYPTO_BAD_KEY", "X25519 shared secret is all zero (low-order public key)");
    return out;
  },

  sha3_256(...parts: Uint8Array[]): Uint8Array {
    const h = createHash("sha3-256");
    for (const p of parts) h.update(p);
    return u8(h.digest());
  },
  shake256(data: Uint8Array, outputBytes: number): Uint8Array {
    return u8(createHash("shake256", { outputLength: outputBytes }).update(data).digest());
  },
  randomBytes(n: number): Uint8Array {
    return u8(randomBytes(n));
  },
};

/** Whether this Node build has native ML-DSA-65 and ML-KEM-768 (Node 24+ with OpenSSL 3.5). */
export function nodeHasNativePq(): boolean {
  if (nativePq === undefined) {
    try {
      createPrivateKey({ key: Buffer.alloc(32), format: "raw-seed", asymmetricKeyType: "ml-dsa-65" } as never);
      nativePq = typeof encapsulate === "function" && typeof decapsulate === "function";
    } catch {
      nativePq = false;
    }
  }
  return nativePq;
}
let nativePq: boolean | undefined;
