import { readFileSync, statSync } from "node:fs";
import type { Logger } from "pino";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { CosmosBridgeError } from "./errors.ts";

/** Where a secp256k1 private key comes from: an environment variable or a file (64 hex digits, 0x optional). */
export type KeySource = { readonly env: string } | { readonly file: string };

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
  let raw: string | undefined;
  let origin: string;
  if ("env" in source) {
    origin = `environment variable ${source.env}`;
    raw = (opts.env ?? process.env)[source.env];
    if (raw === undefined || raw.trim() === "") throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `${what}: ${origin} is not set`, false);
  } else {
    origin = `file ${source.file}`;
    try {
      raw = readFileSync(source.file, "utf8");
      const mode = statSync(source.file).mode;
      if ((mode & 0o077) !== 0) opts.logger?.warn({ file: source.file, mode: (mode & 0o777).toString(8) }, `${what}: key file is readable by group or others`);
    } catch (e) {
      throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `${what}: cannot read ${origin}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, false);
    }
  }
  const hex = raw.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `${what}: ${origin} does not hold a 32-byte hex private key`, false);
  const secret = fromHex(hex.toLowerCase());
  if (!secp256k1.utils.isValidSecretKey(secret)) throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `${what}: ${origin} does not hold a valid secp256k1 private key`, false);
  return new CosmosKey(secret);
}
