import { encode } from "cborg";
import { bytesEqual } from "../crypto/hash.ts";
import { scanCanonical } from "./canonical-scan.ts";
import { cborgDecode, cborgDecodeFirst } from "./cborg-strict.ts";
import { decodeItem } from "./fast-decode.ts";
import { CodecErrors } from "./errors.ts";

/**
 * Canonical CBOR (RFC 8949 deterministic encoding as implemented by cborg: smallest integer
 * forms, sorted map keys, no indefinite lengths). Decoding is strict and then proves the input
 * is the one encoding of its value: bytes that are not are rejected, so a hash names exactly
 * one value and nobody can re-encode a transaction into a second hash.
 *
 * The rule is "cborg's encode of the decoded value gives the input back". scanCanonical
 * (canonical-scan.ts) answers that from the bytes for everything our formats use, at a fifth
 * of the cost of encoding (which took longer than the decode itself); only what the scan does
 * not know (tags, floats, ...) is still re-encoded and compared.
 *
 * Decoding itself goes through decodeItem (fast-decode.ts), which builds the same values as
 * cborg's strict decode without its tokens; whatever it declines (anything unusual or
 * malformed) is decoded by cborg, so the errors are cborg's as before.
 *
 * Both read a text string's leading U+FEFF as a character (cborg-strict.ts), so every text
 * string the encoder writes decodes back to itself: "\uFEFFa" is 64 ef bb bf 61 both ways.
 */
export class CodecError extends CodecErrors<"CODEC_MALFORMED"> {
  constructor(message: string) {
    super("CODEC_MALFORMED", message);
  }
}

export function encodeCanonical(value: unknown): Uint8Array {
  return encode(value);
}

export function decodeCanonical(bytes: Uint8Array, what = "value"): unknown {
  // Byte strings are copies, as cborg's: callers keep them without knowing where the input
  // came from or whether its buffer is reused later.
  const fast = decodeItem(bytes, 0, false);
  const value = fast !== undefined && fast.next === bytes.length ? fast.value : strictDecode(bytes, what);
  assertCanonical(bytes, value, what);
  return value;
}

/** cborg's strict decode, its errors as CodecError naming what was decoded. */
function strictDecode(bytes: Uint8Array, what: string): unknown {
  try {
    return cborgDecode(bytes);
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
}

/**
 * Throw unless `bytes` is the canonical encoding of `value`, which strict decoding of `bytes`
 * returned (the caller has decoded already, perhaps in parts). The byte scan decides when it
 * can; otherwise `value` is re-encoded and compared, the rule's definition.
 */
export function assertCanonical(bytes: Uint8Array, value: unknown, what: string): void {
  const scan = scanCanonical(bytes);
  if (scan.verdict === "canonical") return;
  if (scan.verdict === "non-canonical") throw new CodecError(`${what} is not in canonical encoding: ${scan.reason} at offset ${scan.offset}`);
  assertReencodes(bytes, value, what);
}

/**
 * The reference rule: strict decode, re-encode, compare. decodeCanonical must agree with it on
 * every input (the equivalence tests check that); kept for those tests and as the fallback.
 * Decodes with cborg alone, so it stays a reference for fast-decode.ts too.
 */
export function decodeCanonicalByReencode(bytes: Uint8Array, what = "value"): unknown {
  const value = strictDecode(bytes, what);
  assertReencodes(bytes, value, what);
  return value;
}

function assertReencodes(bytes: Uint8Array, value: unknown, what: string): void {
  const again = encode(value);
  if (!bytesEqual(again, bytes)) {
    throw new CodecError(`${what} is not in canonical encoding (re-encoding gives ${again.length} bytes, input has ${bytes.length})`);
  }
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
 * Decode the first item of `bytes` strictly and return it with its exact byte span; canonical
 * form is not checked here (the caller checks the whole, with assertCanonical). Lets a
 * transaction's signed body be sliced from its wire bytes instead of being encoded again.
 *
 * Byte strings in the value may be views into `bytes`, like the span and the rest: the
 * caller keeps `bytes` alive and unchanged for as long as it uses any of them. (Where cborg
 * decodes, what fast-decode.ts declines, they are copies.)
 */
export function decodeFirstItem(bytes: Uint8Array, what: string): { value: unknown; bytes: Uint8Array; rest: Uint8Array } {
  const { value, next } = decodeItemAt(bytes, 0, what);
  return { value, bytes: bytes.subarray(0, next), rest: bytes.subarray(next) };
}

/**
 * decodeFirstItem for the item at `offset`, giving the offset after it instead of two more
 * views (decodeTx reads its body and auth this way). Byte strings as decodeFirstItem's.
 */
export function decodeItemAt(bytes: Uint8Array, offset: number, what: string): { value: unknown; next: number } {
  const fast = decodeItem(bytes, offset, true);
  if (fast !== undefined) return fast;
  try {
    const [value, rest] = cborgDecodeFirst(offset === 0 ? bytes : bytes.subarray(offset));
    return { value, next: bytes.length - rest.length };
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${(e as Error).message}`);
  }
}
