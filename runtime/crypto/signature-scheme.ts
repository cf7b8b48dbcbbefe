import { CryptoErrors } from "./errors.ts";

/**
 * The signature-scheme interface every account key type implements. The runtime ships
 * Ed25519; plugins/quantum registers ML-DSA-65 and hybrid Ed25519+ML-DSA-65.
 *
 * `sign`/`verify` work on raw messages (so external test vectors apply directly); the
 * transaction layer binds the scheme id and a domain tag into the message it signs.
 */
export interface KeyPair {
  /** The scheme's private key material: for every built-in scheme a 32-byte seed. */
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface SignatureScheme {
  /** Stable id, written into addresses and transactions: never change its meaning. */
  readonly id: string;
  readonly publicKeyBytes: number;
  readonly secretKeyBytes: number;
  readonly signatureBytes: number;
  /** Deterministic from `seed` (secretKeyBytes long) when given; random otherwise. */
  generate(seed?: Uint8Array): KeyPair;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws on malformed input: a wrong-length key or signature is just invalid. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export class SignatureSchemeError extends CryptoErrors<"CRYPTO_UNKNOWN_SCHEME" | "CRYPTO_BAD_KEY" | "CRYPTO_DUPLICATE_SCHEME"> {}

/** Registry of schemes by id; the node builds one at start-up from its plugins. */
export class SchemeRegistry {
  private readonly schemes = new Map<string, SignatureScheme>();

  register(scheme: SignatureScheme): this {
    if (this.schemes.has(scheme.id)) {
      throw new SignatureSchemeError("CRYPTO_DUPLICATE_SCHEME", `signature scheme "${scheme.id}" is already registered`);
    }
    this.schemes.set(scheme.id, scheme);
    return this;
  }

  has(id: string): boolean {
    return this.schemes.has(id);
  }

  get(id: string): SignatureScheme {
    const s = this.schemes.get(id);
    if (!s) {
      throw new SignatureSchemeError(
        "CRYPTO_UNKNOWN_SCHEME",
        `unknown signature scheme "${id}"; registered: ${[...this.schemes.keys()].join(", ")}`,
      );
    }
    return s;
  }

  ids(): string[] {
    return [...this.schemes.keys()].sort();
  }
}
