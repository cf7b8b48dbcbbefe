import { bech32m } from "@scure/base";
import { sha256, utf8 } from "./hash.ts";
import { CryptoErrors } from "./errors.ts";

/** Human-readable prefix of every NexusOS address. */
export const ADDRESS_PREFIX = "nxs";
/** 32 bytes: collision resistance that stays comfortable against quantum search. */
export const ADDRESS_BYTES = 32;
const MAX_ADDRESS_CHARS = 120;

export class AddressError extends CryptoErrors<"ADDRESS_INVALID"> {
  constructor(message: string) {
    super("ADDRESS_INVALID", message);
  }
}

/** An account address binds its signature scheme and public key: sha256(schemeId ‖ 0x00 ‖ publicKey). */
export function addressBytesFor(schemeId: string, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(schemeId), new Uint8Array([0]), publicKey);
}

/** Deriving an address is two hashes and a bech32 encode; every transaction needs its signers'. */
const addressMemo = new Map<string, string>();
const ADDRESS_MEMO_MAX = 200_000;

export function addressFor(schemeId: string, publicKey: Uint8Array): string {
  const k = schemeId + "\0" + Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("latin1");
  let a = addressMemo.get(k);
  if (a === undefined) {
    a = encodeAddress(addressBytesFor(schemeId, publicKey));
    if (addressMemo.size >= ADDRESS_MEMO_MAX) addressMemo.clear();
    addressMemo.set(k, a);
  }
  return a;
}

const moduleMemo = new Map<string, string>();

/** A module account's address: derived from its name, so no key exists for it. */
export function moduleAddress(name: string): string {
  let a = moduleMemo.get(name);
  if (a === undefined) {
    a = encodeAddress(sha256(utf8("module"), new Uint8Array([0]), utf8(name)));
    moduleMemo.set(name, a);
  }
  return a;
}

// bech32 is slow next to everything else a transfer does; both directions are remembered.
const encodeMemo = new Map<string, string>();
const decodeMemo = new Map<string, Uint8Array>();
const CODEC_MEMO_MAX = 200_000;

export function encodeAddress(bytes: Uint8Array): string {
  if (bytes.length !== ADDRESS_BYTES) throw new AddressError(`address must be ${ADDRESS_BYTES} bytes, got ${bytes.length}`);
  const k = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let a = encodeMemo.get(k);
  if (a === undefined) {
    a = bech32m.encode(ADDRESS_PREFIX, bech32m.toWords(bytes), MAX_ADDRESS_CHARS);
    if (encodeMemo.size >= CODEC_MEMO_MAX) encodeMemo.clear();
    encodeMemo.set(k, a);
  }
  return a;
}

/** The 32 address bytes. The returned array is shared: callers must not modify it. */
export function decodeAddress(addr: string): Uint8Array {
  const hit = decodeMemo.get(addr);
  if (hit) return hit;
  const b = decodeAddressUncached(addr);
  if (decodeMemo.size >= CODEC_MEMO_MAX) decodeMemo.clear();
  decodeMemo.set(addr, b);
  return b;
}

function decodeAddressUncached(addr: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(addr as `${string}1${string}`, MAX_ADDRESS_CHARS);
  } catch (e) {
    throw new AddressError(`"${addr}" is not a valid bech32m address: ${(e as Error).message}`);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw new AddressError(`address "${addr}" has prefix "${decoded.prefix}", expected "${ADDRESS_PREFIX}"`);
  }
  const bytes = bech32m.fromWords(decoded.words);
  if (bytes.length !== ADDRESS_BYTES) throw new AddressError(`address "${addr}" decodes to ${bytes.length} bytes, expected ${ADDRESS_BYTES}`);
  return bytes;
}

export function isAddress(addr: string): boolean {
  try {
    decodeAddress(addr);
    return true;
  } catch {
    return false;
  }
}

export function addressMatchesKey(addr: string, schemeId: string, publicKey: Uint8Array): boolean {
  return addressFor(schemeId, publicKey) === addr;
}

