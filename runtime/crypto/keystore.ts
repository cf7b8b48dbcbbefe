import { scryptSync, randomBytes, createCipheriv, createDecipheriv, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, chmodSync, renameSync } from "node:fs";
import { join } from "node:path";
import { addressFor } from "./address.ts";
import { ed25519 } from "./ed25519.ts";
import { toHex, fromHex, utf8 } from "./hash.ts";
import { DEFAULT_HD_PATH, ed25519SeedFromMnemonic, generateMnemonic } from "./hd.ts";
import { SchemeRegistry, type SignatureScheme } from "./signature-scheme.ts";
import type { Signer } from "../tx/sign.ts";
import { CryptoErrors } from "./errors.ts";

/**
 * Passphrase-encrypted key files (<home>/keys/<name>.json, mode 0600).
 *
 * KDF: scrypt (node:crypto) N = 2^17, r = 8, p = 1, 32-byte key: ~128 MiB and a few hundred ms
 * per unlock, the cost OWASP recommends for interactive logins. Cipher: AES-256-GCM with a
 * 12-byte random nonce; the file's header (version, name-independent fields: scheme, address,
 * public key, path, kdf) is the GCM additional data, so editing any of it fails decryption.
 * The plaintext is the scheme's secret key (a 32-byte seed for every built-in scheme).
 */
export const KEYSTORE_VERSION = 1;
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
/**
 * Documented, deliberately insecure passphrase for the keys `nexus init --dev` creates. The CLI
 * uses it only for files marked `dev: true`; never use it for a key that holds real value.
 */
export const DEV_PASSPHRASE = "nexus-dev-insecure-passphrase";

export type KeystoreErrorCode = "KEYSTORE_WRONG_PASSPHRASE" | "KEYSTORE_CORRUPT" | "KEYSTORE_NOT_FOUND" | "KEYSTORE_EXISTS" | "KEYSTORE_BAD_NAME" | "KEYSTORE_UNSUPPORTED";

export class KeystoreError extends CryptoErrors<KeystoreErrorCode> {}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface KeyFile {
  version: number;
  name: string;
  scheme: string;
  address: string;
  publicKey: string;
  /** HD path the key was derived with; absent for keys not made from a mnemonic. */
  hdPath?: string;
  /** Made by `nexus init --dev`: may be unlocked with DEV_PASSPHRASE. */
  dev?: boolean;
  kdf: { name: "scrypt"; N: number; r: number; p: number; dkLen: 32; salt: string };
  cipher: { name: "aes-256-gcm"; nonce: string; tag: string };
  ciphertext: string;
  createdAt: string;
}

/** Public facts of a key: safe to print. */
export interface KeyInfo {
  name: string;
  scheme: string;
  address: string;
  publicKey: string;
  hdPath?: string;
  dev: boolean;
}

function deriveKey(passphrase: string, salt: Uint8Array, p: ScryptParams): Buffer {
  // maxmem must cover 128·N·r bytes plus slack, or node refuses large N.
  return scryptSync(passphrase.normalize("NFKC"), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 });
}

function aad(f: Pick<KeyFile, "version" | "scheme" | "address" | "publicKey" | "hdPath" | "dev" | "kdf">): Uint8Array {
  return utf8(JSON.stringify([f.version, f.scheme, f.address, f.publicKey, f.hdPath ?? null, f.dev ?? false, f.kdf]));
}

export interface EncryptOptions {
  name: string;
  scheme: SignatureScheme;
  secretKey: Uint8Array;
  passphrase: string;
  hdPath?: string;
  dev?: boolean;
  /** Lower only in tests: the default is the documented production cost. */
  scrypt?: ScryptParams;
}

export function encryptKey(o: EncryptOptions): KeyFile {
  const { publicKey } = o.scheme.generate(o.secretKey);
  const params = o.scrypt ?? DEFAULT_SCRYPT;
  const salt = new Uint8Array(randomBytes(32));
  const nonce = randomBytes(12);
  const header = {
    version: KEYSTORE_VERSION,
    scheme: o.scheme.id,
    address: addressFor(o.scheme.id, publicKey),
    publicKey: toHex(publicKey),
    ...(o.hdPath ? { hdPath: o.hdPath } : {}),
    ...(o.dev ? { dev: true } : {}),
    kdf: { name: "scrypt" as const, N: params.N, r: params.r, p: params.p, dkLen: 32 as const, salt: toHex(salt) },
  };
  const cipher = createCipheriv("aes-256-gcm", deriveKey(o.passphrase, salt, params), nonce);
  cipher.setAAD(aad(header));
  const ct = Buffer.concat([cipher.update(o.secretKey), cipher.final()]);
  return {
    ...header,
    name: o.name,
    cipher: { name: "aes-256-gcm", nonce: nonce.toString("hex"), tag: cipher.getAuthTag().toString("hex") },
    ciphertext: ct.toString("hex"),
    createdAt: new Date().toISOString(),
  };
}

const HEX = /^[0-9a-f]*$/;
function field(f: Record<string, unknown>, k: string, type: "string" | "number" | "object"): unknown {
  if (typeof f[k] !== type || f[k] === null) throw new KeystoreError("KEYSTORE_CORRUPT", `key file field "${k}" is missing or not a ${type}`);
  return f[k];
}
function hexField(f: Record<string, unknown>, k: string, label = k): string {
  const v = field(f, k, "string") as string;
  if (!HEX.test(v) || v.length % 2) throw new KeystoreError("KEYSTORE_CORRUPT", `key file field "${label}" is not lowercase hex`);
  return v;
}

/** Structural check of a parsed key file; throws KEYSTORE_CORRUPT / KEYSTORE_UNSUPPORTED. */
export function parseKeyFile(json: unknown): KeyFile {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new KeystoreError("KEYSTORE_CORRUPT", "key file is not a JSON object");
  const f = json as Record<string, unknown>;
  if (f.version !== KEYSTORE_VERSION) throw new KeystoreError("KEYSTORE_UNSUPPORTED", `key file version ${String(f.version)} is not supported (this build reads version ${KEYSTORE_VERSION})`);
  for (const k of ["name", "scheme", "address", "createdAt"]) field(f, k, "string");
  hexField(f, "publicKey");
  hexField(f, "ciphertext");
  const kdf = field(f, "kdf", "object") as Record<string, unknown>;
  if (kdf.name !== "scrypt" || kdf.dkLen !== 32) throw new KeystoreError("KEYSTORE_UNSUPPORTED", `key file kdf "${String(kdf.name)}" is not supported (expected scrypt, dkLen 32)`);
  for (const k of ["N", "r", "p"]) {
    const v = field(kdf, k, "number") as number;
    if (!Number.isSafeInteger(v) || v < 1) throw new KeystoreError("KEYSTORE_CORRUPT", `key file kdf.${k} must be a positive integer`);
  }
  if ((kdf.N as number) & ((kdf.N as number) - 1) || (kdf.N as number) > 2 ** 22) throw new KeystoreError("KEYSTORE_CORRUPT", "key file kdf.N must be a power of two no larger than 2^22");
  hexField(kdf, "salt", "kdf.salt");
  const c = field(f, "cipher", "object") as Record<string, unknown>;
  if (c.name !== "aes-256-gcm") throw new KeystoreError("KEYSTORE_UNSUPPORTED", `key file cipher "${String(c.name)}" is not supported (expected aes-256-gcm)`);
  if (hexField(c, "nonce", "cipher.nonce").length !== 24) throw new KeystoreError("KEYSTORE_CORRUPT", "key file cipher.nonce must be 12 bytes");
  if (hexField(c, "tag", "cipher.tag").length !== 32) throw new KeystoreError("KEYSTORE_CORRUPT", "key file cipher.tag must be 16 bytes");
  if (f.hdPath !== undefined) field(f, "hdPath", "string");
  if (f.dev !== undefined && f.dev !== true) throw new KeystoreError("KEYSTORE_CORRUPT", "key file field \"dev\" must be true when present");
  return f as unknown as KeyFile;
}

/** Decrypt a key file's secret key; the public key and address are re-derived and checked. */
export function decryptKey(file: KeyFile, passphrase: string, schemes: SchemeRegistry): { scheme: SignatureScheme; secretKey: Uint8Array; publicKey: Uint8Array } {
  if (!schemes.has(file.scheme)) throw new KeystoreError("KEYSTORE_UNSUPPORTED", `key "${file.name}" uses signature scheme "${file.scheme}", which this build does not register (known: ${schemes.ids().join(", ")})`);
  const scheme = schemes.get(file.scheme);
  const key = deriveKey(passphrase, fromHex(file.kdf.salt), file.kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(file.cipher.nonce, "hex"));
  decipher.setAAD(aad(file));
  decipher.setAuthTag(Buffer.from(file.cipher.tag, "hex"));
  let secretKey: Uint8Array;
  try {
    secretKey = new Uint8Array(Buffer.concat([decipher.update(Buffer.from(file.ciphertext, "hex")), decipher.final()]));
  } catch {
    // GCM cannot tell a wrong passphrase from an edited file; say both.
    throw new KeystoreError("KEYSTORE_WRONG_PASSPHRASE", `cannot unlock key "${file.name}": wrong passphrase (or the key file was modified)`);
  }
  const { publicKey } = scheme.generate(secretKey);
  const expected = Buffer.from(file.publicKey, "hex");
  if (expected.length !== publicKey.length || !timingSafeEqual(expected, publicKey) || addressFor(scheme.id, publicKey) !== file.address) {
    throw new KeystoreError("KEYSTORE_CORRUPT", `key "${file.name}" decrypts to a key whose public key or address does not match the file`);
  }
  return { scheme, secretKey, publicKey };
}

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

export function checkKeyName(name: string): void {
  if (!NAME.test(name)) throw new KeystoreError("KEYSTORE_BAD_NAME", `key name "${name}" must be 1-64 characters of letters, digits, "_", "-" or "." and not start with "."`);
}

export interface AddKeyOptions {
  scheme?: string;
  hdPath?: string;
  dev?: boolean;
  /** Replace an existing key of the same name. */
  force?: boolean;
  scrypt?: ScryptParams;
}

/** The keys of one home directory: <dir>/<name>.json. */
export class Keyring {
  readonly schemes: SchemeRegistry;

  constructor(
    readonly dir: string,
    schemes?: SchemeRegistry,
  ) {
    this.schemes = schemes ?? new SchemeRegistry().register(ed25519);
  }

  path(name: string): string {
    checkKeyName(name);
    return join(this.dir, `${name}.json`);
  }

  has(name: string): boolean {
    return existsSync(this.path(name));
  }

  /** New key from a fresh 24-word mnemonic. The mnemonic is returned once and never stored. */
  add(name: string, passphrase: string, opts: AddKeyOptions = {}): { info: KeyInfo; mnemonic: string } {
    const mnemonic = generateMnemonic(24);
    return { info: this.importMnemonic(name, mnemonic, passphrase, opts), mnemonic };
  }

  importMnemonic(name: string, mnemonic: string, passphrase: string, opts: AddKeyOptions = {}): KeyInfo {
    const scheme = this.schemes.get(opts.scheme ?? "ed25519");
    if (scheme.secretKeyBytes !== 32) throw new KeystoreError("KEYSTORE_UNSUPPORTED", `scheme "${scheme.id}" keys cannot be derived from a mnemonic (needs a 32-byte seed)`);
    const hdPath = opts.hdPath ?? DEFAULT_HD_PATH;
    return this.importSecret(name, ed25519SeedFromMnemonic(mnemonic, hdPath), passphrase, { ...opts, hdPath });
  }

  importSecret(name: string, secretKey: Uint8Array, passphrase: string, opts: AddKeyOptions = {}): KeyInfo {
    const file = this.path(name);
    if (!opts.force && existsSync(file)) throw new KeystoreError("KEYSTORE_EXISTS", `key "${name}" already exists at ${file}`);
    const scheme = this.schemes.get(opts.scheme ?? "ed25519");
    const kf = encryptKey({ name, scheme, secretKey, passphrase, hdPath: opts.hdPath, dev: opts.dev, scrypt: opts.scrypt });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Write then rename, so a crash never leaves a half-written key file in place.
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(kf, null, 2) + "\n", { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    return toInfo(kf);
  }

  readFile(name: string): KeyFile {
    const file = this.path(name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new KeystoreError("KEYSTORE_NOT_FOUND", `no key named "${name}" in ${this.dir}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new KeystoreError("KEYSTORE_CORRUPT", `key file ${file} is not valid JSON`);
    }
    return parseKeyFile(json);
  }

  show(name: string): KeyInfo {
    const file = this.readFile(name);
    // The address is public data derived from the public key: checked without the passphrase,
    // so an edited address field is never printed as the key's.
    let derived: string;
    try {
      derived = addressFor(file.scheme, fromHex(file.publicKey));
    } catch (e) {
      throw new KeystoreError("KEYSTORE_CORRUPT", `key file of "${name}" has an unreadable public key: ${(e as Error).message}`);
    }
    if (derived !== file.address) {
      throw new KeystoreError("KEYSTORE_CORRUPT", `key file of "${name}" says its address is ${file.address}, but its public key gives ${derived}: the file was edited or damaged; restore it or re-import the key from its mnemonic`);
    }
    // The file name is the key's name, even if the file was renamed after it was written.
    return { ...toInfo(file), name };
  }

  list(): KeyInfo[] {
    return this.listAll().keys;
  }

  /** Every key file: the readable keys, and the damaged or foreign files with the reason (none is hidden). */
  listAll(): { keys: KeyInfo[]; damaged: { name: string; reason: string }[] } {
    const keys: KeyInfo[] = [];
    const damaged: { name: string; reason: string }[] = [];
    if (!existsSync(this.dir)) return { keys, damaged };
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith(".json")) continue;
      try {
        keys.push(this.show(f.slice(0, -5)));
      } catch (e) {
        damaged.push({ name: f.slice(0, -5), reason: (e as Error).message });
      }
    }
    return { keys, damaged };
  }

  loadSigner(name: string, passphrase: string): Signer {
    const { scheme, secretKey, publicKey } = decryptKey(this.readFile(name), passphrase, this.schemes);
    return { scheme, secretKey, publicKey };
  }
}

function toInfo(f: KeyFile): KeyInfo {
  return { name: f.name, scheme: f.scheme, address: f.address, publicKey: f.publicKey, ...(f.hdPath ? { hdPath: f.hdPath } : {}), dev: f.dev === true };
}
