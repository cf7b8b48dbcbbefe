import { utf8KeepingBom } from "./cborg-strict.ts";
import { internAscii, INTERN_MAX_BYTES } from "./intern.ts";

/**
 * One CBOR data item decoded straight from the bytes into the JS value cborg's strict decode
 * (cborg-strict.ts DECODE_OPTS) returns for it, without cborg's Token objects and intermediate
 * strings, which were about a sixth of everything a validator allocated under load.
 *
 * Handled: integers, byte strings, text strings, arrays, maps with text keys, false, true,
 * null. For anything else (tags, floats, undefined, simple values, indefinite lengths,
 * integers not in the shortest head, non-text map keys, repeated map keys, nesting deeper
 * than MAX_DEPTH, data that ends early) decodeItem returns undefined and the caller asks
 * cborg, whose error message stays the one the caller reports. So it never accepts what
 * cborg refuses, and when it answers, cborg would have answered the same value:
 *
 * - Integers as cborg 6.1 (0uint.js, 1negint.js) gives them: a number up to 2^53 - 1 and
 *   down to -(2^53 - 1), a bigint beyond.
 * - Text through a non-fatal TextDecoder as cborg's (3string.js), so invalid UTF-8 becomes
 *   U+FFFD as there; a leading BOM is kept, as cborg-strict.ts keeps it where cborg would
 *   drop it (the "cborg" above and below is that strict decode). Pure ASCII is read directly.
 * - Maps as plain objects built the way cborg builds them (decode.js tokenToMap): same
 *   insertion order, `__proto__` an own property.
 * - Byte strings: views into the input when `byteViews`, else fresh copies as cborg makes.
 *   A view costs one small object instead of a copy, but shares the input's memory: a caller
 *   asks for views only where it keeps the input unchanged and alive anyway.
 */

/** Deeper than this decodeItem declines (cborg has no limit of its own; it runs out of stack). */
export const MAX_DEPTH = 512;

export interface DecodedItem {
  readonly value: unknown;
  /** Offset just past the item. */
  readonly next: number;
}

const utf8 = utf8KeepingBom;
const FAIL: unique symbol = Symbol("decline");
type Fail = typeof FAIL;

// The input and the read position of the decode under way, kept here rather than passed down
// every call: decodeItem is synchronous, and saves and restores them should it ever be
// re-entered (only a setter someone put on Object.prototype could do that).
const EMPTY = new Uint8Array(0);
let data: Uint8Array = EMPTY;
let pos = 0;
let views = false;

export function decodeItem(bytes: Uint8Array, offset: number, byteViews: boolean): DecodedItem | undefined {
  // cborg refuses anything else (a plain array of numbers from untyped code, say) by name.
  if (!(bytes instanceof Uint8Array)) return undefined;
  const outerData = data;
  const outerPos = pos;
  const outerViews = views;
  // cborg reads a Buffer as a plain Uint8Array (byte-utils asU8A), so its byte copies are plain
  // Uint8Arrays, and Buffer#slice would give a view. (Views are built as plain ones anyway.)
  data = !byteViews && bytes instanceof Buffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  pos = offset;
  views = byteViews;
  try {
    const value = item(0);
    return value === FAIL ? undefined : { value, next: pos };
  } catch {
    // Not expected; but whatever went wrong here, cborg's answer is the one to give.
    return undefined;
  } finally {
    // Not keeping the input alive until the next call, and letting an outer decode go on.
    data = outerData;
    pos = outerPos;
    views = outerViews;
  }
}

/**
 * The argument of a head whose additional information `ai` is 24..26 (ai < 24 is handled by
 * the callers), in its shortest form as strict decoding requires; -1 to decline (8-byte and
 * indefinite arguments, reserved values, a non-shortest form, data that ends early).
 */
function arg(ai: number): number {
  const b = data;
  const p = pos;
  if (ai === 24) {
    if (p + 1 > b.length) return -1;
    const v = b[p]!;
    pos = p + 1;
    return v < 24 ? -1 : v;
  }
  if (ai === 25) {
    if (p + 2 > b.length) return -1;
    const v = (b[p]! << 8) | b[p + 1]!;
    pos = p + 2;
    return v < 256 ? -1 : v;
  }
  if (ai === 26) {
    if (p + 4 > b.length) return -1;
    const v = b[p]! * 16777216 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    pos = p + 4;
    return v < 65536 ? -1 : v;
  }
  return -1;
}

/** An 8-byte integer argument (ai 27) as cborg's readUint64 returns it: number when safe, else bigint. */
function arg64(): number | bigint | Fail {
  const b = data;
  const p = pos;
  if (p + 8 > b.length) return FAIL;
  const hi = b[p]! * 16777216 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  const lo = b[p + 4]! * 16777216 + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
  pos = p + 8;
  if (hi === 0) return FAIL; // below 2^32: not the shortest form
  // hi < 2^21 means at most 2^53 - 1, exact as a double.
  return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

function item(depth: number): unknown {
  const b = data;
  if (pos >= b.length) return FAIL;
  const ib = b[pos++]!;
  const major = ib >> 5;
  const ai = ib & 31;
  if (major === 0) {
    if (ai < 24) return ai;
    if (ai === 27) return arg64();
    const v = arg(ai);
    return v < 0 ? FAIL : v;
  }
  if (major === 1) {
    if (ai < 24) return -1 - ai;
    if (ai === 27) {
      const n = arg64();
      if (n === FAIL) return FAIL;
      // cborg keeps a number only while -1 - n is a safe integer, i.e. n <= 2^53 - 2.
      return typeof n === "number" && n < 9007199254740991 ? -1 - n : -1n - BigInt(n);
    }
    const v = arg(ai);
    return v < 0 ? FAIL : -1 - v;
  }
  if (major === 7) {
    if (ib === 0xf4) return false;
    if (ib === 0xf5) return true;
    if (ib === 0xf6) return null;
    return FAIL;
  }
  if (major === 6) return FAIL;
  const len = ai < 24 ? ai : arg(ai);
  if (len < 0) return FAIL;
  const at = pos;
  if (major === 2) {
    if (len > b.length - at) return FAIL;
    pos = at + len;
    return views ? new Uint8Array(b.buffer, b.byteOffset + at, len) : b.slice(at, at + len);
  }
  if (major === 3) {
    if (len > b.length - at) return FAIL;
    pos = at + len;
    return text(b, at, len);
  }
  if (depth >= MAX_DEPTH) return FAIL;
  // Every item takes at least one byte (a map entry two): a longer count cannot be met.
  if (major === 4) {
    if (len > b.length - at) return FAIL;
    // Exact size for the usual short tuples; preallocated, a very long one would get V8's slow
    // dictionary elements, so it grows as cborg's does.
    const arr: unknown[] = len <= 1024 ? new Array(len) : [];
    for (let i = 0; i < len; i++) {
      const v = item(depth + 1);
      if (v === FAIL) return FAIL;
      arr[i] = v;
    }
    return arr;
  }
  // major 5
  if (len > (b.length - at) / 2) return FAIL;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < len; i++) {
    const kb = pos < b.length ? b[pos]! : 0;
    if (kb >> 5 !== 3) return FAIL; // also the end of the data (0 is major 0)
    const key = item(depth + 1) as string | Fail;
    if (key === FAIL || Object.hasOwn(obj, key)) return FAIL;
    const v = item(depth + 1);
    if (v === FAIL) return FAIL;
    // As cborg: a plain assignment of __proto__ would set the prototype instead.
    if (key === "__proto__") Object.defineProperty(obj, key, { value: v, configurable: true, enumerable: true, writable: true });
    else obj[key] = v;
  }
  return obj;
}

/** Text content [at, at + len): pure ASCII read directly (short strings shared), the rest as cborg. */
function text(b: Uint8Array, at: number, len: number): string {
  if (len === 0) return "";
  if (len <= INTERN_MAX_BYTES) {
    const s = internAscii(b, at, len);
    if (s !== undefined) return s;
  }
  return utf8.decode(b.subarray(at, at + len));
}
