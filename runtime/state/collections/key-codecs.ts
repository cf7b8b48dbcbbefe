import { decodeAddress, encodeAddress, ADDRESS_BYTES } from "../../crypto/address.ts";
import { CollectionError } from "./errors.ts";
import { concatBytes } from "../../crypto/hash.ts";

/**
 * Key codecs: byte order of the encodings is the order collections iterate in, so each codec
 * says how its values sort. A component that is not last in a tuple must delimit itself
 * (`encodeNonTerminal`): fixed-size codecs already do, strings end with a 0x00 byte.
 */
export interface KeyCodec<K> {
  readonly name: string;
  /** Bytes every value takes, when that is fixed. */
  readonly size?: number;
  /** Encoding as the last (or only) component: may run to the end of the key. */
  encode(k: K): Uint8Array;
  /** Encoding as a leading component of a tuple: self-delimiting. */
  encodeNonTerminal(k: K): Uint8Array;
  /** Decode from `b` at `off`; `terminal`: this component runs to the end. Returns [value, bytes read]. */
  decode(b: Uint8Array, off: number, terminal: boolean): [K, number];
  /** Leading components of a tuple key, for iterating everything under them. */
  encodePrefix?(parts: readonly unknown[]): Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

function fixed<K>(name: string, size: number, encode: (k: K) => Uint8Array, decode: (b: Uint8Array) => K): KeyCodec<K> {
  return {
    name,
    size,
    encode,
    encodeNonTerminal: encode,
    decode(b, off) {
      if (b.length - off < size) throw new CollectionError("COLLECTION_CORRUPT", `${name} key needs ${size} bytes, ${b.length - off} left`);
      return [decode(b.subarray(off, off + size)), size];
    },
  };
}

/**
 * UTF-8 strings in byte order (which is code point order). Not last in a tuple, a string
 * ends with 0x00, so "a" sorts before "ab" there too; a string may therefore hold no NUL.
 */
export const stringKey: KeyCodec<string> = {
  name: "string",
  encode(s) {
    if (s.includes("\0")) throw new CollectionError("COLLECTION_BAD_KEY", `string key ${JSON.stringify(s)} contains NUL`);
    return enc.encode(s);
  },
  encodeNonTerminal(s) {
    const b = this.encode(s);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  },
  decode(b, off, terminal) {
    if (terminal) return [dec.decode(b.subarray(off)), b.length - off];
    const end = b.indexOf(0, off);
    if (end < 0) throw new CollectionError("COLLECTION_CORRUPT", "string key component has no terminator");
    return [dec.decode(b.subarray(off, end)), end - off + 1];
  },
};

/** An account address as its 32 raw bytes (bech32m in, bech32m out). */
export const addressKey: KeyCodec<string> = fixed(
  "address",
  ADDRESS_BYTES,
  (a) => {
    try {
      return decodeAddress(a);
    } catch (e) {
      throw new CollectionError("COLLECTION_BAD_KEY", (e as Error).message);
    }
  },
  (b) => encodeAddress(b),
);

const MAX_U64 = (1n << 64n) - 1n;

function u64Bytes(v: bigint, name: string): Uint8Array {
  if (v < 0n || v > MAX_U64) throw new CollectionError("COLLECTION_BAD_KEY", `${name} key ${v} is outside 0..2^64-1`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v);
  return out;
}

const readU64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);

/** Unsigned 64-bit, 8 bytes big-endian: byte order is numeric order. */
export const u64Key: KeyCodec<bigint> = fixed("u64", 8, (v) => u64Bytes(v, "u64"), readU64);

/** u64Key for numbers (times in ms, heights, ids): safe integers only. */
export const u64NumberKey: KeyCodec<number> = fixed(
  "u64n",
  8,
  (n) => {
    if (!Number.isSafeInteger(n)) throw new CollectionError("COLLECTION_BAD_KEY", `u64 key ${n} is not a safe integer`);
    return u64Bytes(BigInt(n), "u64n");
  },
  (b) => {
    const v = readU64(b);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CollectionError("COLLECTION_CORRUPT", `u64 key ${v} is beyond a safe integer`);
    return Number(v);
  },
);

/** Unsigned 64-bit stored as 2^64-1-v, so iteration runs from the largest value down; larger values clamp to 2^64-1. */
export const u64DescKey: KeyCodec<bigint> = fixed(
  "u64desc",
  8,
  (v) => u64Bytes(MAX_U64 - (v > MAX_U64 ? MAX_U64 : v), "u64desc"),
  (b) => MAX_U64 - readU64(b),
);

/** Fixed-length bytes given as lowercase hex (consensus keys, hashes). */
export function hexKey(bytes: number): KeyCodec<string> {
  return fixed(
    `hex${bytes}`,
    bytes,
    (h) => {
      if (h.length !== bytes * 2 || !/^[0-9a-f]*$/.test(h)) throw new CollectionError("COLLECTION_BAD_KEY", `expected ${bytes} bytes of lowercase hex, got "${h}"`);
      return new Uint8Array(Buffer.from(h, "hex"));
    },
    (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex"),
  );
}

type Codecs<T extends readonly unknown[]> = { readonly [I in keyof T]: KeyCodec<T[I]> };

/** Leading components of a tuple key, never all of them: [a] or [a, b] of [a, b, c]. */
export type KeyPrefix<K> = K extends readonly [...infer H, unknown] ? (H extends readonly [] ? never : [...H] | KeyPrefix<H>) : never;


/** A tuple key: components in order, each but the last self-delimiting. Ordered by the first, then the next... */
export function tupleKey<T extends readonly unknown[]>(...codecs: Codecs<T>): KeyCodec<T> {
  const cs = codecs as readonly KeyCodec<unknown>[];
  const last = cs.length - 1;
  const size = cs.every((c) => c.size !== undefined) ? cs.reduce((s, c) => s + c.size!, 0) : undefined;
  const encodeParts = (parts: readonly unknown[], terminal: boolean): Uint8Array =>
    concatBytes(...parts.map((p, i) => (terminal && i === last ? cs[i]!.encode(p) : cs[i]!.encodeNonTerminal(p))));
  return {
    name: `(${cs.map((c) => c.name).join(",")})`,
    size,
    encode: (k) => encodeParts(k, true),
    encodeNonTerminal: (k) => encodeParts(k, false),
    decode(b, off, terminal) {
      const out: unknown[] = [];
      let o = off;
      cs.forEach((c, i) => {
        const [v, n] = c.decode(b, o, terminal && i === last);
        out.push(v);
        o += n;
      });
      return [out as unknown as T, o - off];
    },
    encodePrefix(parts) {
      if (parts.length === 0 || parts.length > last) throw new CollectionError("COLLECTION_BAD_KEY", `a prefix of ${cs.length}-tuple keys has 1..${last} components, got ${parts.length}`);
      return encodeParts(parts, false);
    },
  };
}

/** Two-component keys, e.g. (address, denom). */
export const pairKey = <A, B>(a: KeyCodec<A>, b: KeyCodec<B>): KeyCodec<[A, B]> => tupleKey<[A, B]>(a, b);
