/**
 * A fast, strict reader for the hot wire shapes that are arrays of byte strings (a block's
 * transactions, a transaction batch, block gossip). The general decoder (decodeCanonical)
 * builds a token per item, copies every byte string and then re-encodes the whole value to
 * check it is canonical; for a block of thousands of transactions that dominated a
 * validator's profile. Here each head is read once and must be in its shortest form
 * (canonical CBOR); items are views into the input.
 *
 * Every function returns undefined for anything outside the shape it reads, and callers
 * then fall back to decodeCanonical: so this reader never accepts what decodeCanonical
 * refuses, and never refuses what it accepts (it only declines to answer).
 */

export const MAJOR_UINT = 0;
export const MAJOR_BYTES = 2;
export const MAJOR_ARRAY = 4;

/** [major type, value, position after the head], or undefined (not a short canonical head). */
export function readHead(b: Uint8Array, pos: number): [number, number, number] | undefined {
  if (pos >= b.length) return undefined;
  const ib = b[pos]!;
  const major = ib >> 5;
  const ai = ib & 31;
  if (ai < 24) return [major, ai, pos + 1];
  if (ai === 24) {
    if (pos + 2 > b.length || b[pos + 1]! < 24) return undefined;
    return [major, b[pos + 1]!, pos + 2];
  }
  if (ai === 25) {
    if (pos + 3 > b.length) return undefined;
    const v = (b[pos + 1]! << 8) | b[pos + 2]!;
    return v < 256 ? undefined : [major, v, pos + 3];
  }
  if (ai === 26) {
    if (pos + 5 > b.length) return undefined;
    const v = ((b[pos + 1]! << 24) | (b[pos + 2]! << 16) | (b[pos + 3]! << 8) | b[pos + 4]!) >>> 0;
    return v < 65536 ? undefined : [major, v, pos + 5];
  }
  // 8-byte lengths, indefinite lengths, reserved values: leave them to the general decoder.
  return undefined;
}

/** A byte string at `pos`: a view into `b`. */
export function readBytes(b: Uint8Array, pos: number): { bytes: Uint8Array; next: number } | undefined {
  const h = readHead(b, pos);
  if (!h || h[0] !== MAJOR_BYTES || h[2] + h[1] > b.length) return undefined;
  return { bytes: b.subarray(h[2], h[2] + h[1]), next: h[2] + h[1] };
}

/** An unsigned integer (up to 2^32 - 1) at `pos`. */
export function readUint(b: Uint8Array, pos: number): { value: number; next: number } | undefined {
  const h = readHead(b, pos);
  return h && h[0] === MAJOR_UINT ? { value: h[1], next: h[2] } : undefined;
}

/** An array of byte strings at `pos`, each a view into `b`. */
export function readBytesArray(b: Uint8Array, pos: number): { items: Uint8Array[]; next: number } | undefined {
  const h = readHead(b, pos);
  if (!h || h[0] !== MAJOR_ARRAY) return undefined;
  // Each item takes at least one byte: a count beyond what is left is malformed.
  if (h[1] > b.length - h[2]) return undefined;
  const items: Uint8Array[] = new Array(h[1]);
  let p = h[2];
  for (let i = 0; i < h[1]; i++) {
    const r = readBytes(b, p);
    if (!r) return undefined;
    items[i] = r.bytes;
    p = r.next;
  }
  return { items, next: p };
}

/** An array head with `min..max` elements at `pos`. */
export function readArrayHead(b: Uint8Array, pos: number, min: number, max: number): { length: number; next: number } | undefined {
  const h = readHead(b, pos);
  return h && h[0] === MAJOR_ARRAY && h[1] >= min && h[1] <= max ? { length: h[1], next: h[2] } : undefined;
}
