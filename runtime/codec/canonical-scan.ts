/**
 * Is `bytes` the canonical encoding of its own value? Answered from the bytes alone, without
 * encoding anything. "Canonical" here means exactly what decodeCanonical used to test by
 * re-encoding: cborg's `encode`, given the value that cborg's strict `decode` (our
 * cborg-strict.ts DECODE_OPTS, which keeps a leading BOM) returns for `bytes`, writes `bytes` back. The rules below are cborg's
 * (6.1.x, lib/encode.js, 0uint.js, 2bytes.js, 3string.js), not RFC 8949 in the abstract:
 *
 * - Integers (major 0 and 1): the shortest head. The decoder gives a number up to 2^53 - 1
 *   and a bigint above it; the encoder writes both the same way, so width is all that counts.
 * - Byte strings: the shortest length head; the content is copied through unchanged.
 * - Text strings: the shortest length head, and the content must survive decode + encode.
 *   The decoder uses a non-fatal TextDecoder, so invalid UTF-8 comes back as U+FFFD and the
 *   encoder writes other bytes. It keeps a leading byte order mark (cborg-strict.ts), so
 *   well-formed UTF-8, BOM or not, comes back byte for byte.
 * - Arrays: definite, shortest length head.
 * - Maps: definite, shortest length head, text-string keys only (the decoder builds plain
 *   objects and refuses others), keys sorted by cborg's default mapSorter: shorter UTF-8
 *   key first, equal lengths byte-wise; strictly increasing, since duplicates are refused.
 * - false, true, null: one byte each.
 *
 * Anything else (tags, floats, undefined, other simple values, indefinite lengths, reserved
 * heads, nesting deeper than MAX_DEPTH) gets "unknown", and the caller falls back to the
 * re-encoding comparison, which stays the definition of the rule.
 */

export type CanonicalScan =
  | { readonly verdict: "canonical" }
  | { readonly verdict: "non-canonical" | "unknown"; readonly reason: string; readonly offset: number };

/** Deeper than this the scan declines (the fallback then decides, exactly as before). */
export const MAX_DEPTH = 512;

const CANONICAL: CanonicalScan = Object.freeze({ verdict: "canonical" });

// The scan stops at the first item it cannot accept; why and where is kept here rather than
// allocated on every call (the scan is synchronous and never re-entered).
let stopVerdict: "non-canonical" | "unknown" = "unknown";
let stopReason = "";
let stopOffset = 0;
// The head just read by head(): its argument and where the item's content starts.
let arg = 0;
let contentAt = 0;

function stop(verdict: "non-canonical" | "unknown", reason: string, offset: number): -1 {
  stopVerdict = verdict;
  stopReason = reason;
  stopOffset = offset;
  return -1;
}

export function scanCanonical(bytes: Uint8Array): CanonicalScan {
  if (bytes.length === 0) return { verdict: "non-canonical", reason: "no data", offset: 0 };
  const end = item(bytes, 0, 0);
  if (end < 0) return { verdict: stopVerdict, reason: stopReason, offset: stopOffset };
  if (end !== bytes.length) return { verdict: "non-canonical", reason: `${bytes.length - end} trailing bytes after the value`, offset: end };
  return CANONICAL;
}

/**
 * Read the head of a major type 0-5 item at `pos` into `arg` and `contentAt`, requiring the
 * shortest form. An 8-byte argument is read as a number that may round: an integer's value is
 * not needed, and as a length it is at least 2^32, more than any input holds, so the callers'
 * "runs past the end" checks refuse it as the decoder does.
 */
function head(b: Uint8Array, pos: number): boolean {
  const ai = b[pos]! & 31;
  if (ai < 24) {
    arg = ai;
    contentAt = pos + 1;
    return true;
  }
  if (ai > 27) {
    // 28-30 are reserved, 31 is an indefinite length: the decoder refuses both (fallback says so).
    stop("unknown", ai === 31 ? "indefinite length" : `reserved additional information ${ai}`, pos);
    return false;
  }
  const n = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 8;
  if (pos + 1 + n > b.length) {
    stop("non-canonical", "head runs past the end of the data", pos);
    return false;
  }
  let v: number;
  if (n === 1) v = b[pos + 1]!;
  else if (n === 2) v = (b[pos + 1]! << 8) | b[pos + 2]!;
  else v = ((b[pos + 1]! << 24) | (b[pos + 2]! << 16) | (b[pos + 3]! << 8) | b[pos + 4]!) >>> 0;
  if (n === 8) {
    // v is the high half: anything below 2^32 fits the 5-byte form.
    if (v === 0) {
      stop("non-canonical", "integer not in shortest form", pos);
      return false;
    }
    v = v * 2 ** 32 + (((b[pos + 5]! << 24) | (b[pos + 6]! << 16) | (b[pos + 7]! << 8) | b[pos + 8]!) >>> 0);
  } else if (v < (n === 1 ? 24 : n === 2 ? 256 : 65536)) {
    stop("non-canonical", "integer not in shortest form", pos);
    return false;
  }
  arg = v;
  contentAt = pos + 1 + n;
  return true;
}

/** Scan the item at `pos`; the position after it, or -1 with the stop fields set. */
function item(b: Uint8Array, pos: number, depth: number): number {
  if (pos >= b.length) return stop("non-canonical", "data ends before the value does", pos);
  const ib = b[pos]!;
  const major = ib >> 5;
  if (major === 7) {
    // false, true, null; floats, undefined, simple values and break are left to the fallback.
    if (ib >= 0xf4 && ib <= 0xf6) return pos + 1;
    return stop("unknown", `${ib === 0xf7 ? "undefined" : ib >= 0xf9 && ib <= 0xfb ? "float" : "simple value or break"} (byte 0x${ib.toString(16)})`, pos);
  }
  if (major === 6) return stop("unknown", "tag", pos);
  if (!head(b, pos)) return -1;
  if (major <= 1) return contentAt;
  const len = arg;
  const at = contentAt;
  if (major === 2) {
    if (len > b.length - at) return stop("non-canonical", "byte string runs past the end of the data", pos);
    return at + len;
  }
  if (major === 3) {
    if (len > b.length - at) return stop("non-canonical", "text string runs past the end of the data", pos);
    return text(b, pos, at, at + len);
  }
  if (depth >= MAX_DEPTH) return stop("unknown", `nesting deeper than ${MAX_DEPTH}`, pos);
  if (major === 4) {
    // Every item takes at least a byte: a longer count cannot be satisfied.
    if (len > b.length - at) return stop("non-canonical", "array has more elements than the data has bytes", pos);
    let p = at;
    for (let i = 0; i < len; i++) {
      p = item(b, p, depth + 1);
      if (p < 0) return -1;
    }
    return p;
  }
  // major 5: a map of text-string keys in cborg's key order.
  if (len > (b.length - at) / 2) return stop("non-canonical", "map has more entries than the data has bytes", pos);
  let p = at;
  let prevStart = 0;
  let prevLen = -1;
  for (let i = 0; i < len; i++) {
    if (p >= b.length) return stop("non-canonical", "data ends before the map does", p);
    if (b[p]! >> 5 !== 3) return stop("non-canonical", "map key is not a text string", p);
    const keyAt = p;
    p = item(b, p, depth + 1);
    if (p < 0) return -1;
    // The key is valid UTF-8 (text() checked) and decodes to itself, so its bytes are what the encoder sorts by.
    const kLen = keyLength(b, keyAt);
    const kStart = p - kLen;
    if (prevLen >= 0) {
      const c = kLen !== prevLen ? kLen - prevLen : compareRange(b, prevStart, kStart, kLen);
      if (c === 0) return stop("non-canonical", "duplicate map key", keyAt);
      if (c < 0) return stop("non-canonical", "map keys out of canonical order", keyAt);
    }
    prevStart = kStart;
    prevLen = kLen;
    p = item(b, p, depth + 1);
    if (p < 0) return -1;
  }
  return p;
}

/** Content length of the (already scanned, shortest-form) text string whose head is at `pos`. */
function keyLength(b: Uint8Array, pos: number): number {
  const ai = b[pos]! & 31;
  if (ai < 24) return ai;
  if (ai === 24) return b[pos + 1]!;
  if (ai === 25) return (b[pos + 1]! << 8) | b[pos + 2]!;
  return ((b[pos + 1]! << 24) | (b[pos + 2]! << 16) | (b[pos + 3]! << 8) | b[pos + 4]!) >>> 0;
}

function compareRange(b: Uint8Array, x: number, y: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = b[y + i]! - b[x + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Text content [from, to) must be well-formed UTF-8 (Unicode table 3-7: no overlong forms,
 * no surrogates, nothing above U+10FFFF), exactly what TextDecoder passes through unchanged,
 * (a leading BOM included: the decoder keeps it). `pos` is the string's head.
 */
function text(b: Uint8Array, pos: number, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return stop("non-canonical", `text string is not valid UTF-8 (byte 0x${c.toString(16)} at offset ${i})`, pos);
    if (i + need >= to) return stop("non-canonical", `text string is not valid UTF-8 (truncated sequence at offset ${i})`, pos);
    const c1 = b[i + 1]!;
    if (c1 < lo || c1 > hi) return stop("non-canonical", `text string is not valid UTF-8 (byte 0x${c1.toString(16)} at offset ${i + 1})`, pos);
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k]!;
      if ((ck & 0xc0) !== 0x80) return stop("non-canonical", `text string is not valid UTF-8 (byte 0x${ck.toString(16)} at offset ${i + k})`, pos);
    }
    i += need + 1;
  }
  return to;
}
