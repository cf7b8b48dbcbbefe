import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { decodeAddress, encodeAddress } from "../../crypto/address.ts";
import { CollectionError } from "./errors.ts";
import { bytesToUint, uintToBytes } from "../../codec/uint.ts";

/** How a collection's values become bytes and back. Decoding must be exact: state is read on every node. */
export interface ValueCodec<V> {
  readonly name: string;
  encode(v: V): Uint8Array;
  decode(b: Uint8Array): V;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });
const EMPTY = new Uint8Array(0);

/** Non-negative bigint of any size as minimal big-endian bytes (0 is empty): amounts, shares. */
export const uintValue: ValueCodec<bigint> = {
  name: "uint",
  encode(v) {
    if (typeof v !== "bigint" || v < 0n) throw new CollectionError("COLLECTION_BAD_VALUE", `uint value must be a non-negative bigint, got ${String(v)}`);
    return uintToBytes(v);
  },
  decode: (b) => bytesToUint(b),
};

/** Non-negative safe integer (counters), same bytes as uintValue. */
export const uintNumberValue: ValueCodec<number> = {
  name: "uintn",
  encode(n) {
    if (!Number.isSafeInteger(n) || n < 0) throw new CollectionError("COLLECTION_BAD_VALUE", `counter value must be a non-negative safe integer, got ${n}`);
    return uintValue.encode(BigInt(n));
  },
  decode(b) {
    const v = uintValue.decode(b);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CollectionError("COLLECTION_CORRUPT", `counter ${v} is beyond a safe integer`);
    return Number(v);
  },
};

/** Signed bigint of any size as its decimal string. */
export const intValue: ValueCodec<bigint> = {
  name: "int",
  encode(v) {
    if (typeof v !== "bigint") throw new CollectionError("COLLECTION_BAD_VALUE", `int value must be a bigint, got ${typeof v}`);
    return enc.encode(v.toString());
  },
  decode(b) {
    const s = dec.decode(b);
    if (!/^-?(0|[1-9][0-9]*)$/.test(s)) throw new CollectionError("COLLECTION_CORRUPT", `"${s}" is not a decimal integer`);
    return BigInt(s);
  },
};

/** Unsigned 64-bit as 8 bytes big-endian. */
export const u64Value: ValueCodec<bigint> = {
  name: "u64",
  encode(v) {
    if (typeof v !== "bigint" || v < 0n || v >= 1n << 64n) throw new CollectionError("COLLECTION_BAD_VALUE", `u64 value ${String(v)} is outside 0..2^64-1`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, v);
    return out;
  },
  decode(b) {
    if (b.length !== 8) throw new CollectionError("COLLECTION_CORRUPT", `u64 value has ${b.length} bytes`);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  },
};

export const stringValue: ValueCodec<string> = {
  name: "string",
  encode: (s) => enc.encode(s),
  decode: (b) => dec.decode(b),
};

/** Presence only (key sets, index entries): the value is empty. */
export const emptyValue: ValueCodec<true> = { name: "empty", encode: () => EMPTY, decode: () => true };

/** Presence marked by the single byte 0x01 (layouts that already store it). */
export const flagValue: ValueCodec<true> = {
  name: "flag",
  encode: () => new Uint8Array([1]),
  decode: () => true,
};

/** An account address as its 32 raw bytes. */
export const addressValue: ValueCodec<string> = {
  name: "address",
  encode: (a) => decodeAddress(a),
  decode: (b) => encodeAddress(b),
};

// ---- JSON records checked by a JSON Schema ----------------------------------------------------

/** One strict ajv for every record codec, compiled once when a module's collections are declared. */
const ajv = new Ajv2020({ strict: true, allErrors: false, allowUnionTypes: false });

function describe(errors: ErrorObject[] | null | undefined, name: string): string {
  if (!errors || errors.length === 0) return `${name} is invalid`;
  return errors
    .slice(0, 3)
    .map((e) => `${name}${e.instancePath} ${e.keyword === "additionalProperties" ? `has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"` : (e.message ?? "is invalid")}`)
    .join("; ");
}

/** Names of T's fields that hold bigints. */
type BigintKeys<T> = { [P in keyof T]-?: T[P] extends bigint | undefined ? P : never }[keyof T] & string;

export interface JsonCodecOptions<T> {
  /** Used in error messages. */
  readonly name: string;
  /**
   * JSON Schema (draft 2020-12) of the stored form: declared bigint fields are decimal strings
   * there ({ type: "string", pattern: ... }). `additionalProperties: false` is expected.
   */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Top-level fields that are bigints in T and decimal strings in state. */
  readonly bigints?: readonly BigintKeys<T>[];
}

export interface JsonCodec<T> extends ValueCodec<T> {
  /** The stored JSON form (bigints as strings), checked by the schema. */
  toJson(v: T): unknown;
  fromJson(o: unknown): T;
}

/** Stringify with object keys sorted at every level: the bytes do not depend on how the object was built. */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let flat = true;
  for (const k of keys) {
    const x = o[k];
    if (x !== null && typeof x === "object") {
      flat = false;
      break;
    }
  }
  // A record of plain values (most stored records): one native stringify with the keys listed
  // in sorted order gives the same bytes without a string per field. (A key list would also
  // filter nested objects' keys, hence only when nothing is nested.)
  if (flat) return JSON.stringify(o, keys.sort());
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  return `{${parts.join(",")}}`;
}

function checkBigintsDeclared(schema: Readonly<Record<string, unknown>>, bigints: readonly string[], name: string): void {
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  for (const f of bigints) {
    if (props[f]?.type !== "string") throw new CollectionError("COLLECTION_BAD_VALUE", `${name}: bigint field "${f}" must be declared in the schema as a string`);
  }
}

function rejectStrayBigints(v: unknown, path: string): void {
  if (typeof v === "bigint") throw new CollectionError("COLLECTION_BAD_VALUE", `${path} is a bigint but not a declared bigint field`);
  if (v === null || typeof v !== "object") return;
  const o = v as Record<string, unknown>;
  // The path string is built only for a bigint found: this runs on every stored write.
  for (const k in o) {
    const x = o[k];
    if (typeof x === "bigint") throw new CollectionError("COLLECTION_BAD_VALUE", `${path}.${k} is a bigint but not a declared bigint field`);
    if (x !== null && typeof x === "object") rejectStrayBigints(x, `${path}.${k}`);
  }
}

/**
 * A record stored as canonical JSON (keys sorted), checked against its schema on every write
 * and read. Declared bigint fields travel as decimal strings, so amounts beyond 2^53 (or 2^64)
 * round-trip exactly; any other bigint is refused rather than silently mangled.
 */
export function jsonCodec<T extends object>(opts: JsonCodecOptions<T>): JsonCodec<T> {
  const bigints = (opts.bigints ?? []) as readonly string[];
  checkBigintsDeclared(opts.schema, bigints, opts.name);
  const validate: ValidateFunction = ajv.compile(opts.schema);
  const toJson = (v: T): unknown => {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const f of bigints) {
      const x = o[f];
      if (x === undefined) continue;
      if (typeof x !== "bigint") throw new CollectionError("COLLECTION_BAD_VALUE", `${opts.name}.${f} must be a bigint, got ${typeof x}`);
      o[f] = x.toString();
    }
    rejectStrayBigints(o, opts.name);
    if (!validate(o)) throw new CollectionError("COLLECTION_BAD_VALUE", describe(validate.errors, opts.name));
    return o;
  };
  const fromJson = (raw: unknown): T => {
    if (!validate(raw)) throw new CollectionError("COLLECTION_CORRUPT", `stored ${describe(validate.errors, opts.name)}`);
    const o = raw as Record<string, unknown>;
    for (const f of bigints) {
      const x = o[f];
      if (typeof x !== "string") continue;
      if (!/^-?(0|[1-9][0-9]*)$/.test(x)) throw new CollectionError("COLLECTION_CORRUPT", `stored ${opts.name}.${f} "${x}" is not a decimal integer`);
      o[f] = BigInt(x);
    }
    return o as T;
  };
  return {
    name: opts.name,
    toJson,
    fromJson,
    encode: (v) => enc.encode(canonicalJson(toJson(v))),
    decode(b) {
      let raw: unknown;
      try {
        raw = JSON.parse(dec.decode(b));
      } catch (e) {
        throw new CollectionError("COLLECTION_CORRUPT", `stored ${opts.name} is not JSON: ${(e as Error).message}`);
      }
      return fromJson(raw);
    },
  };
}

/** A list of records, each through `item` (which checks each element's schema). */
export function jsonListCodec<T extends object>(item: JsonCodec<T>, opts: { maxItems?: number } = {}): ValueCodec<T[]> {
  const name = `${item.name}[]`;
  return {
    name,
    encode(list) {
      if (opts.maxItems !== undefined && list.length > opts.maxItems) throw new CollectionError("COLLECTION_BAD_VALUE", `${name} has ${list.length} items, at most ${opts.maxItems}`);
      return enc.encode(canonicalJson(list.map(item.toJson)));
    },
    decode(b) {
      let raw: unknown;
      try {
        raw = JSON.parse(dec.decode(b));
      } catch (e) {
        throw new CollectionError("COLLECTION_CORRUPT", `stored ${name} is not JSON: ${(e as Error).message}`);
      }
      if (!Array.isArray(raw)) throw new CollectionError("COLLECTION_CORRUPT", `stored ${name} is not a list`);
      return raw.map(item.fromJson);
    },
  };
}
