import { encode, decode, decodeFirst } from "cborg";
import { bytesEqual } from "../crypto/hash.ts";

/**
 * Canonical CBOR (RFC 8949 deterministic encoding as implemented by cborg: smallest integer
 * forms, sorted map keys, no indefinite lengths). Decoding is strict and then re-encodes:
 * bytes that are not the one canonical form of their value are rejected, so a hash names
 * exactly one value and nobody can re-encode a transaction into a second hash.
 */
export class CodecError extends Error {
  readonly code = "CODEC_MALFORMED";
  constructor(message: string) {
    super(message);
    this.name = "CodecError";
  }
}

const DECODE_OPTS = {
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
} as const;

export function encodeCanonical(value: unknown): Uint8Array {
  return encode(value);
}

export function decodeCanonical(bytes: Uint8Array, what = "value"): unknown {
  let value: unknown;
  try {
    value = decode(bytes, DECODE_OPTS);
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
  const again = encode(value);
  if (!bytesEqual(again, bytes)) {
    throw new CodecError(`${what} is not in canonical encoding (re-encoding gives ${again.length} bytes, input has ${bytes.length})`);
  }
  return value;
}

/** Read a non-negative integer that cborg may have decoded as number or bigint. */
export function asUint(v: unknown, field: string, max: bigint = 2n ** 64n - 1n): bigint {
  let b: bigint;
  if (typeof v === "bigint") b = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new CodecError(`${field} must be an unsigned integer, got ${describe(v)}`);
  if (b < 0n || b > max) throw new CodecError(`${field} must be between 0 and ${max}, got ${b}`);
  return b;
}

export function asSafeUint(v: unknown, field: string): number {
  return Number(asUint(v, field, BigInt(Number.MAX_SAFE_INTEGER)));
}

export function asBytes(v: unknown, field: string, len?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new CodecError(`${field} must be a byte string, got ${describe(v)}`);
  if (len !== undefined && v.length !== len) throw new CodecError(`${field} must be ${len} bytes, got ${v.length}`);
  return v;
}

export function asString(v: unknown, field: string, maxLen = 1024): string {
  if (typeof v !== "string") throw new CodecError(`${field} must be a text string, got ${describe(v)}`);
  if (v.length > maxLen) throw new CodecError(`${field} is ${v.length} characters long, the limit is ${maxLen}`);
  return v;
}

export function asArray(v: unknown, field: string, minLen = 0, maxLen = Number.MAX_SAFE_INTEGER): unknown[] {
  if (!Array.isArray(v)) throw new CodecError(`${field} must be an array, got ${describe(v)}`);
  if (v.length < minLen || v.length > maxLen) {
    throw new CodecError(`${field} must have ${minLen === maxLen ? minLen : `${minLen}..${maxLen}`} elements, got ${v.length}`);
  }
  return v;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return "null";
  return typeof v;
}

/**
 * Decode the first canonical item of `bytes` and return it with its exact byte span, without
 * re-encoding (the caller checks canonical form of the whole). Lets a transaction's signed
 * body be sliced from its wire bytes instead of being encoded a second time.
 */
export function decodeFirstItem(bytes: Uint8Array, what: string): { value: unknown; bytes: Uint8Array; rest: Uint8Array } {
  try {
    const [value, rest] = decodeFirst(bytes, DECODE_OPTS);
    return { value, bytes: bytes.subarray(0, bytes.length - rest.length), rest };
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
}
