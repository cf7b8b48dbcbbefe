import { createPrivateKey, createPublicKey, sign, verify, randomBytes, type KeyObject } from "node:crypto";
import { libsodiumAccepts, libsodiumStatus } from "./ed25519-libsodium.ts";
import { SignatureSchemeError, type KeyPair, type SignatureScheme } from "./signature-scheme.ts";

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 / SPKI for node:crypto.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Parsing a public key costs more than verifying with it, so recent keys are cached. */
const pubCache = new Map<string, KeyObject>();
const PUB_CACHE_MAX = 50_000;

function publicKeyObject(pk: Uint8Array): KeyObject {
  const k = Buffer.from(pk.buffer, pk.byteOffset, pk.byteLength).toString("latin1");
  let obj = pubCache.get(k);
  if (!obj) {
    obj = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pk]), format: "der", type: "spki" });
    if (pubCache.size >= PUB_CACHE_MAX) pubCache.clear();
    pubCache.set(k, obj);
  }
  return obj;
}

/** Signing keys are few (a wallet, a validator); parsing one costs more than a signature. */
const privCache = new Map<string, KeyObject>();
const PRIV_CACHE_MAX = 10_000;

function privateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) {
    throw new SignatureSchemeError("CRYPTO_BAD_KEY", `ed25519 secret key must be a 32-byte seed, got ${seed.length} bytes`);
  }
  const k = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString("latin1");
  let obj = privCache.get(k);
  if (!obj) {
    obj = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    if (privCache.size >= PRIV_CACHE_MAX) privCache.clear();
    privCache.set(k, obj);
  }
  return obj;
}

/** Ed25519 (RFC 8032) through node:crypto. */
export const ed25519: SignatureScheme = {
  id: "ed25519",
  publicKeyBytes: 32,
  secretKeyBytes: 32,
  signatureBytes: 64,
  generate(seed?: Uint8Array): KeyPair {
    const s = seed ?? new Uint8Array(randomBytes(32));
    const priv = privateKeyObject(s);
    const spki = createPublicKey(priv).export({ format: "der", type: "spki" });
    return { secretKey: new Uint8Array(s), publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)) };
  },
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, privateKeyObject(secretKey)));
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    // libsodium accepts a subset of what node:crypto accepts (ed25519-libsodium.ts), at half the
    // cost: its "valid" is final; anything else is decided by node:crypto, which defines the rule.
    if (libsodiumAccepts(publicKey, message, signature)) return true;
    return ed25519OpensslVerify(publicKey, message, signature);
  },
};

/** The consensus rule: node:crypto's (OpenSSL's) verdict, without the libsodium fast path. */
export function ed25519OpensslVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false; // not a valid curve point
  }
}

/** Which implementations decide an Ed25519 verify in this process (logged at node start). */
export function ed25519VerifyBackend(): "libsodium+openssl" | "openssl" {
  return libsodiumStatus().active ? "libsodium+openssl" : "openssl";
}
