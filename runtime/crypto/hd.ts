import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { pbkdf2Sync } from "node:crypto";
import { generateMnemonic as bip39Generate, validateMnemonic as bip39Validate } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { utf8 } from "./hash.ts";
import { CryptoErrors } from "./errors.ts";

/**
 * Hierarchical deterministic keys: BIP39 mnemonics and SLIP-0010 Ed25519 derivation.
 * SLIP-0010 for Ed25519 allows hardened children only, so every path segment must end in '.
 * 7700 is NexusOS's coin type (unregistered in SLIP-0044; it matches the default RPC port).
 */
export const NEXUS_COIN_TYPE = 7700;
export const DEFAULT_HD_PATH = "m/44'/7700'/0'/0'/0'";
const HARDENED = 0x80000000;
const ED25519_CURVE_KEY = utf8("ed25519 seed");

export class HdError extends CryptoErrors<"HD_BAD_PATH" | "HD_BAD_MNEMONIC" | "HD_BAD_SEED"> {}

export interface HdNode {
  /** 32-byte private key: for Ed25519 this is the RFC 8032 seed. */
  readonly key: Uint8Array;
  readonly chainCode: Uint8Array;
}

/** Parse "m/44'/7700'/0'" (or with H) into hardened indices; rejects unhardened segments. */
export function parseHdPath(path: string): number[] {
  const parts = path.trim().split("/");
  if (parts[0] !== "m") throw new HdError("HD_BAD_PATH", `HD path "${path}" must start with "m"`);
  return parts.slice(1).map((p) => {
    const m = /^([0-9]+)['hH]$/.exec(p);
    if (!m) {
      throw new HdError("HD_BAD_PATH", `HD path segment "${p}" in "${path}" must be a hardened index like 44' (SLIP-0010 Ed25519 has no public derivation)`);
    }
    const n = Number(m[1]);
    if (!Number.isSafeInteger(n) || n >= HARDENED) throw new HdError("HD_BAD_PATH", `HD path index ${m[1]} is too large (max ${HARDENED - 1})`);
    return n + HARDENED;
  });
}

/** SLIP-0010 master node from a seed (16..64 bytes). */
export function slip10Master(seed: Uint8Array): HdNode {
  if (seed.length < 16 || seed.length > 64) throw new HdError("HD_BAD_SEED", `seed must be 16..64 bytes, got ${seed.length}`);
  const i = hmac(sha512, ED25519_CURVE_KEY, seed);
  return { key: i.slice(0, 32), chainCode: i.slice(32) };
}

/** Hardened child derivation (index already includes the 2^31 offset). */
export function slip10Child(parent: HdNode, index: number): HdNode {
  if (index < HARDENED || index > 0xffffffff) throw new HdError("HD_BAD_PATH", `SLIP-0010 Ed25519 supports hardened indices only, got ${index}`);
  const data = new Uint8Array(37);
  data[0] = 0;
  data.set(parent.key, 1);
  new DataView(data.buffer).setUint32(33, index, false);
  const i = hmac(sha512, parent.chainCode, data);
  return { key: i.slice(0, 32), chainCode: i.slice(32) };
}

export function slip10Derive(seed: Uint8Array, path: string): HdNode {
  let node = slip10Master(seed);
  for (const index of parseHdPath(path)) node = slip10Child(node, index);
  return node;
}

/** A fresh 24-word English mnemonic (256 bits of entropy). */
export function generateMnemonic(words: 12 | 24 = 24): string {
  return bip39Generate(wordlist, words === 24 ? 256 : 128);
}

/** Lower-cases and collapses whitespace so a pasted mnemonic still matches. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().toLowerCase().split(/\s+/).join(" ");
}

/**
 * BIP39 seed: PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" + NFKD(passphrase), 2048, 64).
 * node:crypto runs it ~50x faster than the pure-JS version in @scure/bip39.
 */
export function mnemonicToSeed(mnemonic: string, bip39Passphrase = ""): Uint8Array {
  const m = normalizeMnemonic(mnemonic).normalize("NFKD");
  return new Uint8Array(pbkdf2Sync(m, `mnemonic${bip39Passphrase}`.normalize("NFKD"), 2048, 64, "sha512"));
}

export function isValidMnemonic(mnemonic: string): boolean {
  return bip39Validate(normalizeMnemonic(mnemonic), wordlist);
}

/**
 * The 32-byte Ed25519 seed for a mnemonic and path: BIP39 seed (with the optional BIP39
 * passphrase, the "25th word") then SLIP-0010. Pass it to ed25519.generate(seed).
 */
export function ed25519SeedFromMnemonic(mnemonic: string, path: string = DEFAULT_HD_PATH, bip39Passphrase = ""): Uint8Array {
  const norm = normalizeMnemonic(mnemonic);
  if (!bip39Validate(norm, wordlist)) {
    throw new HdError("HD_BAD_MNEMONIC", "mnemonic is not a valid BIP39 English phrase (check the words and their order; the last word carries a checksum)");
  }
  return slip10Derive(mnemonicToSeed(norm, bip39Passphrase), path).key;
}
