import type { Logger } from "pino";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { readSecretKeyHex, type KeySource } from "../core/secret-key.ts";
import { CosmosBridgeError } from "./errors.ts";

export type { KeySource };

/** A validator's Cosmos attestation key: the secret stays in this object (never logged or serialized). */
export class CosmosKey {
  readonly #secret: Uint8Array;
  /** The 33-byte compressed public key. */
  readonly publicKey: Uint8Array;
  /** Its 66 lowercase hex digits: what MsgRegisterAttestationKey {family: "cosmos"} registers. */
  readonly publicKeyHex: string;

  constructor(secret: Uint8Array) {
    this.#secret = Uint8Array.from(secret);
    this.publicKey = secp256k1.getPublicKey(this.#secret, true);
    this.publicKeyHex = toHex(this.publicKey);
  }

  /** ECDSA over SHA-256(message) (Cosmos secp256k1), deterministic (RFC 6979), low s: 64 bytes r‖s. */
  sign(message: Uint8Array): Uint8Array {
    return secp256k1.sign(message, this.#secret, { lowS: true, prehash: true, format: "compact" });
  }

  toJSON(): { publicKey: string } {
    return { publicKey: this.publicKeyHex };
  }
}

/** A 64-byte r‖s signature by `publicKey` (33 bytes) over SHA-256(message), with Cosmos' low-s rule. */
export function verifyCosmosSignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return secp256k1.verify(signature, message, publicKey, { lowS: true, prehash: true, format: "compact" });
  } catch {
    return false;
  }
}

/**
 * Loads a secp256k1 private key from `source`. Errors name the variable or file, never the key;
 * a key file readable by group or others draws a warning.
 */
export function loadCosmosKey(source: KeySource, what: string, opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {}): CosmosKey {
  const fail = (m: string) => new CosmosBridgeError("COSMOS_CONFIG_INVALID", m, false);
  const { hex, origin } = readSecretKeyHex(source, what, fail, opts);
  const secret = fromHex(hex);
  if (!secp256k1.utils.isValidSecretKey(secret)) throw fail(`${what}: ${origin} does not hold a valid secp256k1 private key`);
  return new CosmosKey(secret);
}
