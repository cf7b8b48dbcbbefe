import { base58, bech32 } from "@scure/base";
import { blake2b } from "@noble/hashes/blake2.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { ChainSettings, Family } from "./params.ts";

/**
 * Per-family formats: addresses on the bridged chains (outbound recipients, inbound senders)
 * in their canonical form, attestation keys, and destination signatures. Pure functions.
 */

const ZERO_EVM = "0x" + "0".repeat(40);
const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The canonical form of an address on `chain`, or a reason it is not one:
 * evm: 0x + 40 hex digits, any case (no checksum check), canonical lowercase, not the zero address;
 * substrate: SS58 of the chain's ss58Prefix with a 32-byte account (kept as given), or 0x + 64 hex (lowercased);
 * cosmos: bech32 with the chain's prefix, 20 or 32 bytes (lowercased).
 */
export function canonicalAddress(chain: ChainSettings, s: string): { ok: true; address: string } | { ok: false; reason: string } {
  switch (chain.family) {
    case "evm": {
      if (!/^0x[0-9a-fA-F]{40}$/.test(s)) return { ok: false, reason: `"${s}" is not an EVM address (0x and 40 hex digits)` };
      const a = s.toLowerCase();
      if (a === ZERO_EVM) return { ok: false, reason: "the zero address cannot receive a mint" };
      return { ok: true, address: a };
    }
    case "substrate": {
      if (HEX32.test(s)) return { ok: true, address: s.toLowerCase() };
      const problem = ss58Problem(s, chain.substrate?.ss58Prefix ?? 42);
      return problem ? { ok: false, reason: problem } : { ok: true, address: s };
    }
    case "cosmos": {
      const prefix = chain.cosmos?.prefix ?? "";
      const lower = s.toLowerCase();
      if (s !== lower && s !== s.toUpperCase()) return { ok: false, reason: `"${s}" mixes upper and lower case (bech32 forbids it)` };
      let decoded: { prefix: string; words: number[] };
      try {
        decoded = bech32.decode(lower as `${string}1${string}`, 90);
      } catch (e) {
        return { ok: false, reason: `"${s}" is not bech32: ${(e as Error).message}` };
      }
      if (decoded.prefix !== prefix) return { ok: false, reason: `"${s}" has prefix "${decoded.prefix}", chain ${chain.name} uses "${prefix}"` };
      const bytes = bech32.fromWordsUnsafe(decoded.words);
      if (!bytes || (bytes.length !== 20 && bytes.length !== 32)) return { ok: false, reason: `"${s}" holds ${bytes?.length ?? "?"} bytes, an account has 20 or 32` };
      return { ok: true, address: lower };
    }
  }
}

const SS58_PRE = new TextEncoder().encode("SS58PRE");

/** Null when `s` is an SS58 address of a 32-byte account under `prefix` with a valid checksum. */
export function ss58Problem(s: string, prefix: number): string | null {
  let raw: Uint8Array;
  try {
    raw = base58.decode(s);
  } catch {
    return `"${s}" is neither SS58 nor 0x and 64 hex digits`;
  }
  if (raw.length < 1) return `"${s}" is empty`;
  const b0 = raw[0]!;
  let ident: number;
  let prefixLen: number;
  if (b0 < 64) {
    ident = b0;
    prefixLen = 1;
  } else if (b0 < 128 && raw.length >= 2) {
    const b1 = raw[1]!;
    ident = ((b0 & 0x3f) << 2) | (b1 >> 6) | ((b1 & 0x3f) << 8);
    prefixLen = 2;
    // Networks 0..63 have a one-byte form only: a second spelling of the same account would
    // break "one canonical form per address" (content hashes, duplicate checks).
    if (ident < 64) return `"${s}" spells network ${ident} with a two-byte SS58 prefix; its canonical form has one byte`;
  } else {
    return `"${s}" has an invalid SS58 prefix byte`;
  }
  if (raw.length !== prefixLen + 32 + 2) return `"${s}" is not an SS58 address of a 32-byte account`;
  const body = raw.subarray(0, prefixLen + 32);
  const check = blake2b(new Uint8Array([...SS58_PRE, ...body]), { dkLen: 64 });
  if (check[0] !== raw[prefixLen + 32] || check[1] !== raw[prefixLen + 33]) return `"${s}" has a bad SS58 checksum`;
  if (ident !== prefix) return `"${s}" is an SS58 address for network ${ident}, the chain uses ${prefix}`;
  return null;
}

/** Encode a 32-byte account as SS58 under `prefix` (tests, docs). */
export function ss58Encode(account: Uint8Array, prefix: number): string {
  const pre = prefix < 64 ? [prefix] : [((prefix & 0xfc) >> 2) | 0x40, (prefix >> 8) | ((prefix & 0x03) << 6)];
  const body = new Uint8Array([...pre, ...account]);
  const check = blake2b(new Uint8Array([...SS58_PRE, ...body]), { dkLen: 64 });
  return base58.encode(new Uint8Array([...body, check[0]!, check[1]!]));
}

/**
 * Null when `key` is a well-formed attestation key of `family`, in its one canonical form:
 * evm: 0x + 40 lowercase hex digits, not zero (the signer address NexusBridge counts);
 * substrate: 64 lowercase hex digits (an sr25519/ed25519 public key);
 * cosmos: 66 lowercase hex digits, a compressed secp256k1 point on the curve.
 */
export function attestationKeyProblem(family: Family, key: string): string | null {
  switch (family) {
    case "evm":
      if (!/^0x[0-9a-f]{40}$/.test(key)) return "an evm key is an address: 0x and 40 lowercase hex digits";
      return key === ZERO_EVM ? "the zero address is no key" : null;
    case "substrate":
      if (!/^[0-9a-f]{64}$/.test(key)) return "a substrate key is a 32-byte public key: 64 lowercase hex digits, no 0x";
      return /^0+$/.test(key) ? "the zero key is no key" : null;
    case "cosmos":
      if (!/^0[23][0-9a-f]{64}$/.test(key)) return "a cosmos key is a compressed secp256k1 public key: 66 lowercase hex digits starting 02 or 03, no 0x";
      try {
        secp256k1.Point.fromHex(key);
        return null;
      } catch {
        return "the cosmos key is not a point of secp256k1";
      }
  }
}

/**
 * Null when `sig` has the shape of a destination signature of `family`:
 * evm: 0x + 130 lowercase hex digits (65 bytes r‖s‖v, EIP-712); substrate, cosmos: 128 lowercase hex digits (64 bytes).
 */
export function signatureFormatProblem(family: Family, sig: string): string | null {
  if (family === "evm") return /^0x[0-9a-f]{130}$/.test(sig) ? null : "an evm signature is 0x and 130 lowercase hex digits (65 bytes r‖s‖v)";
  return /^[0-9a-f]{128}$/.test(sig) ? null : `a ${family} signature is 128 lowercase hex digits (64 bytes)`;
}
