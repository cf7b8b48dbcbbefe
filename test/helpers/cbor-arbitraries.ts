import fc from "fast-check";
import { encode } from "cborg";

/**
 * Generators of CBOR for the codec's property tests: values the way cborg decodes them,
 * encodings that stray from canonical form on purpose, and blind damage to bytes.
 */

/** cborg's strict decode as runtime/codec/canonical.ts configures it. */
export const STRICT = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, allowNaN: false, allowInfinity: false } as const;
export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// ---- values -------------------------------------------------------------------------------

export const BOUNDARIES = [0n, 1n, 23n, 24n, 255n, 256n, 65_535n, 65_536n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n];
export const MAX_U64 = 2n ** 64n - 1n;
/** An integer near a head boundary (either sign), as a number when safe unless asked for a bigint. */
export const intArb = fc
  .tuple(fc.oneof(fc.constantFrom(...BOUNDARIES), fc.bigInt({ min: 0n, max: MAX_U64 })), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.boolean())
  .map(([b, d, negative, asBig]) => {
    let n = b + BigInt(d);
    if (n < 0n) n = 0n;
    if (n > MAX_U64) n = MAX_U64;
    const v = negative ? -n - 1n : n;
    return !asBig && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  });

/** What a string becomes through UTF-8 (String.prototype.toWellFormed, which our TS lib predates). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, "\uFFFD");
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom("é", "€", "𝄞", "\uFFFD", "\uFEFF", "\uFFFF", "\u0000", "\u07FF", "\u0800") },
  { weight: 1, arbitrary: loneSurrogate },
);
/** Text whose encoding decodes back to it, give or take lone surrogates (they encode as U+FFFD). */
export const textArb = fc
  .oneof(
    { weight: 6, arbitrary: fc.string({ unit, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit, minLength: 20, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 250, maxLength: 300 }) },
  );
export const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom("a", "b", "z", "é", "ü"), maxLength: 3 }) },
  { weight: 3, arbitrary: textArb },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "0", "1", "01", "10", "") },
);
export const bytesArb = fc.oneof(
  { weight: 40, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 6, arbitrary: fc.constantFrom(23, 24, 255, 256).map((n) => new Uint8Array(n).fill(n & 0xff)) },
  // A 4-byte length head; rare, since every copy of 64 KiB costs.
  { weight: 1, arbitrary: fc.constant(65_536).map((n) => new Uint8Array(n).fill(7)) },
);

/** Build a plain object the way cborg's decoder does (a `__proto__` key is an own property). */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

export const { value: valueArb } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    intArb,
    textArb,
    bytesArb,
    fc.constantFrom(true, false, null),
    fc.array(tie("value"), { maxLength: 6 }),
    // Keys distinct after encoding: two lone surrogates both become U+FFFD.
    fc.uniqueArray(fc.tuple(keyArb, tie("value")), { maxLength: 6, selector: (e) => wellFormed(e[0]) }).map(objectOf),
  ),
}));

// ---- a writer that strays from canonical form on purpose ---------------------------------

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function headBytes(major: number, n: bigint, minWidth = 0): number[] {
  const m = major << 5;
  const width = n < 24n && minWidth === 0 ? 0 : n < 256n && minWidth <= 1 ? 1 : n < 65_536n && minWidth <= 2 ? 2 : n < 2n ** 32n && minWidth <= 4 ? 4 : 8;
  if (width === 0) return [m | Number(n)];
  const out = [m | (width === 1 ? 24 : width === 2 ? 25 : width === 4 ? 26 : 27)];
  for (let i = width - 1; i >= 0; i--) out.push(Number((n >> BigInt(8 * i)) & 0xffn));
  return out;
}

export const compareEncoded = (a: Uint8Array, b: Uint8Array): number => a.length - b.length || Buffer.compare(a, b);

export const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3], [0x80], [0xef, 0xbb], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/**
 * Encode `v` like cborg, except that with probability `p` per item it does one of the things
 * canonical form forbids (or the decoder refuses): longer heads, indefinite lengths, entries
 * out of order or repeated, integers as floats, tags, undefined, simple values, bad UTF-8; and
 * sometimes a leading BOM, which is canonical (the decoders keep it) and must stay so.
 */
export function stray(v: unknown, r: () => number, p: number): number[] {
  const roll = r() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const wide = (): number => (roll && r() < 0.4 ? pick([1, 2, 4, 8]) : 0);
  if (roll && r() < 0.08) return [...pick([[0xc1], [0xc2], [0xd8, 0x18], [0xd9, 0xd9, 0xf7]]), ...stray(v, r, p)];
  if (roll && r() < 0.04) return [pick([0xf7, 0xf8, 0xe0, 0xf3, 0xff])];
  if (v === null || typeof v === "boolean") return [...encode(v)];
  if (typeof v === "number" || typeof v === "bigint") {
    const n = BigInt(v);
    if (roll && r() < 0.3) {
      const f = Buffer.alloc(9);
      f[0] = 0xfb;
      f.writeDoubleBE(Number(n), 1);
      return [...(r() < 0.5 ? f : encode(Number(n) + 0.5))];
    }
    return n >= 0n ? headBytes(0, n, wide()) : headBytes(1, -n - 1n, wide());
  }
  if (v instanceof Uint8Array) {
    if (roll && r() < 0.3) return [0x5f, ...headBytes(2, BigInt(v.length)), ...v, 0xff];
    return [...headBytes(2, BigInt(v.length), wide()), ...v];
  }
  if (typeof v === "string") {
    const enc = encode(v);
    let content = [...enc.subarray([1, 2, 3, 5][Math.max(0, (enc[0]! & 31) - 23)]!)];
    if (roll && r() < 0.5) {
      const at = Math.floor(r() * (content.length + 1));
      content = [...content.slice(0, at), ...pick(BAD_UTF8), ...content.slice(at)];
    } else if (roll && r() < 0.3) content = [0xef, 0xbb, 0xbf, ...content];
    if (roll && r() < 0.2) return [0x7f, ...headBytes(3, BigInt(content.length)), ...content, 0xff];
    return [...headBytes(3, BigInt(content.length), wide()), ...content];
  }
  if (Array.isArray(v)) {
    const items = v.flatMap((x) => stray(x, r, p));
    if (roll && r() < 0.3) return [0x9f, ...items, 0xff];
    return [...headBytes(4, BigInt(v.length), wide()), ...items];
  }
  const entries = Object.keys(v as object).map((k) => [Uint8Array.from(stray(k, r, p)), Uint8Array.from(stray((v as Record<string, unknown>)[k], r, p))] as const);
  entries.sort((a, b) => compareEncoded(a[0], b[0]));
  // Entries out of order get their own chance: the rule strict decoding leaves entirely to the scan.
  if (entries.length > 1 && r() < p) {
    const i = Math.floor(r() * (entries.length - 1));
    [entries[i], entries[i + 1]] = [entries[i + 1]!, entries[i]!];
  }
  if (roll && entries.length > 0 && r() < 0.3) {
    const i = Math.floor(r() * entries.length);
    entries.splice(i + 1, 0, [entries[i]![0], Uint8Array.of(0xf6)]);
  }
  const body = entries.flatMap(([k, x]) => [...k, ...x]);
  if (roll && r() < 0.2) return [0xbf, ...body, 0xff];
  return [...headBytes(5, BigInt(entries.length), wide()), ...body];
}

/** Blind damage: flip a bit, insert, delete or overwrite a byte, cut the end or swap two spans. */
export function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const a = [...b];
  const at = Math.floor(r() * a.length);
  const interesting = [0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xef, 0xf4, 0xf6, 0xf7, 0xf9, 0xfb, 0xff];
  const byte = (): number => (r() < 0.5 ? interesting[Math.floor(r() * interesting.length)]! : Math.floor(r() * 256));
  switch (Math.floor(r() * 6)) {
    case 0:
      a[at] = a[at]! ^ (1 << Math.floor(r() * 8));
      break;
    case 1:
      a.splice(at, 0, byte());
      break;
    case 2:
      a.splice(at, 1);
      break;
    case 3:
      a[at] = byte();
      break;
    case 4:
      a.length = at;
      break;
    default: {
      const len = 1 + Math.floor(r() * 4);
      const other = Math.floor(r() * Math.max(1, a.length - len));
      const x = a.slice(at, at + len);
      const y = a.slice(other, other + len);
      if (at < other) a.splice(other, y.length, ...x), a.splice(at, x.length, ...y);
      else a.splice(at, x.length, ...y), a.splice(other, y.length, ...x);
    }
  }
  return Uint8Array.from(a);
}
