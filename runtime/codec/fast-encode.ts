import { encodeCanonical } from "./canonical.ts";

/**
 * Canonical CBOR for the tuple shapes the node encodes on every transaction (receipts, block
 * and header tuples, lists of byte strings): arrays, byte strings, well-formed text strings,
 * safe integers, null and booleans, written straight into one buffer. Byte-identical to
 * cborg's `encode` (encodeCanonical) for those values, which a property test checks; any other
 * value (maps, bigints, floats, -0, undefined, text with lone surrogates) is handed to
 * encodeCanonical whole. cborg builds a token list first, which costs ~10 µs per receipt.
 */
export function encodeTuple(value: unknown, plain?: () => unknown): Uint8Array {
  w.off = 0;
  // `plain` gives the value without EntryPairs for cborg (which does not know them).
  if (!writeItem(value)) return encodeCanonical(plain ? plain() : value);
  // A copy (Buffer#slice would be a view of the scratch); small ones come from Node's pool.
  const out = Buffer.allocUnsafe(w.off);
  w.buf.copy(out, 0, 0, w.off);
  return out;
}

/**
 * A string record written as the array of its [key, value] pairs, in Object.entries order,
 * without building those arrays (event attributes: several per event, every receipt).
 * encodeTuple's caller passes `plain` for the fallback.
 */
export class EntryPairs {
  constructor(readonly record: Readonly<Record<string, string>>) {}
}

/** One growable scratch buffer: encodeTuple is synchronous, so calls cannot interleave. */
const w = { buf: Buffer.allocUnsafe(64 * 1024), off: 0 };

function ensure(n: number): void {
  if (w.off + n <= w.buf.length) return;
  const next = Buffer.allocUnsafe(Math.max(w.buf.length * 2, w.off + n));
  w.buf.copy(next, 0, 0, w.off);
  w.buf = next;
}

/** A major type's head with the shortest argument form (RFC 8949 §4.2.1, as cborg writes it). */
function head(major: number, n: number): void {
  ensure(9);
  const b = w.buf;
  const m = major << 5;
  if (n < 24) b[w.off++] = m | n;
  else if (n < 0x100) {
    b[w.off++] = m | 24;
    b[w.off++] = n;
  } else if (n < 0x10000) {
    b[w.off++] = m | 25;
    b.writeUInt16BE(n, w.off);
    w.off += 2;
  } else if (n < 0x100000000) {
    b[w.off++] = m | 26;
    b.writeUInt32BE(n, w.off);
    w.off += 4;
  } else {
    b[w.off++] = m | 27;
    b.writeBigUInt64BE(BigInt(n), w.off);
    w.off += 8;
  }
}

function writeItem(v: unknown): boolean {
  if (typeof v === "string") {
    if (!v.isWellFormed()) return false;
    const len = Buffer.byteLength(v, "utf8");
    head(3, len);
    ensure(len);
    w.off += w.buf.write(v, w.off, len, "utf8");
    return true;
  }
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || Object.is(v, -0)) return false;
    if (v >= 0) head(0, v);
    else head(1, -1 - v);
    return true;
  }
  if (v instanceof Uint8Array) {
    head(2, v.length);
    ensure(v.length);
    w.buf.set(v, w.off);
    w.off += v.length;
    return true;
  }
  if (Array.isArray(v)) {
    head(4, v.length);
    for (const x of v) if (!writeItem(x)) return false;
    return true;
  }
  if (v instanceof EntryPairs) {
    const o = v.record;
    const keys = Object.keys(o);
    head(4, keys.length);
    for (const k of keys) {
      ensure(1);
      w.buf[w.off++] = 0x82; // an array of two
      if (!writeItem(k) || !writeItem(o[k])) return false;
    }
    return true;
  }
  if (v === null || v === true || v === false) {
    ensure(1);
    w.buf[w.off++] = v === null ? 0xf6 : v ? 0xf5 : 0xf4;
    return true;
  }
  return false;
}
