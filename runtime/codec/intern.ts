/**
 * Shared instances of the short ASCII strings decoding meets again and again (chain id, type
 * URLs, map keys, denoms, scheme ids, addresses, small amounts). A transaction waiting in the
 * mempool outlives a young-generation collection; without sharing, each kept its own copy
 * of every such string, promoted to the old generation and traced by every collection there.
 *
 * A direct-mapped table keyed by a hash of the bytes: O(1), bounded (SLOTS strings of at most
 * INTERN_MAX_BYTES), and a hit allocates nothing, since the bytes are compared with the
 * stored string in place instead of being made into a string first (which a Map lookup
 * would need). Two strings hashing to one slot take turns; a miss costs what decoding the
 * string costs anyway.
 */

/** Long enough for a bech32 address (62 characters) and the type URLs. */
export const INTERN_MAX_BYTES = 64;
/** A power of two. At most about SLOTS × 90 bytes of strings stay alive (~370 KB). */
const SLOTS = 4096;

// "" never matches (callers pass len >= 1), and keeps the array's elements all strings.
const table: string[] = new Array<string>(SLOTS).fill("");

/** Only used on a miss; cborg's TextDecoder reads pure ASCII to the same string. */
const utf8 = new TextDecoder();

/**
 * The string of b[at, at + len) if it is pure ASCII (1 <= len <= INTERN_MAX_BYTES), the
 * table's instance when it has one; undefined if any byte is not ASCII.
 */
export function internAscii(b: Uint8Array, at: number, len: number): string | undefined {
  // FNV-1a over the length, the first 4 and the last 8 bytes (where addresses keep their
  // checksum): the slot only needs telling strings apart, the comparison proves equality.
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  const end = at + len;
  for (let i = at, stop = Math.min(end, at + 4); i < stop; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = Math.max(at + 4, end - 8); i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 16)) & (SLOTS - 1);
  const s = table[slot]!;
  // The stored strings are ASCII: equal to one, the bytes are ASCII too.
  if (s.length === len && sameAscii(s, b, at)) return s;
  for (let i = at; i < end; i++) if (b[i]! >= 0x80) return undefined;
  const fresh = asciiString(b, at, len);
  table[slot] = fresh;
  return fresh;
}

function sameAscii(s: string, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== b[at + i]) return false;
  return true;
}

/** Short ones char by char (flat strings, no native call); longer ones natively. */
function asciiString(b: Uint8Array, at: number, len: number): string {
  if (len > 12) return utf8.decode(b.subarray(at, at + len));
  let s = "";
  for (let i = at; i < at + len; i++) s += String.fromCharCode(b[i]!);
  return s;
}
