import type { KVStore } from "../types.ts";
import { CollectionError } from "./errors.ts";
import type { KeyCodec, KeyPrefix } from "./key-codecs.ts";
import { concatBytes, prefixEnd, startsWith, type StoreAccess } from "./store-access.ts";

/** Where to iterate: under leading key components, from `start` (inclusive) to `end` (exclusive). */
export interface RangeOptions<K> {
  readonly prefix?: KeyPrefix<K>;
  readonly start?: K;
  readonly end?: K;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export interface PageRequest<K> {
  /** Only keys under these leading components. */
  readonly prefix?: KeyPrefix<K>;
  /** Cursor from the previous page's `next`; absent for the first page. */
  readonly after?: string;
  /** At most this many items; values above the collection's maximum are lowered to it. */
  readonly limit: number;
  readonly reverse?: boolean;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor for the next page, or null when this page is the last. */
  readonly next: string | null;
}

/** Largest page any list query returns, unless a collection declares its own. */
export const DEFAULT_MAX_PAGE = 100;

/**
 * Keys `prefix | keyCodec(k)` in one namespace: ranges, raw iteration and paging, shared by
 * StateMap and Index.
 */
export abstract class Keyed<K> {
  readonly end: Uint8Array | undefined;

  constructor(
    readonly namespace: string,
    readonly prefix: Uint8Array,
    readonly keyCodec: KeyCodec<K>,
    readonly name: string,
    readonly maxPage: number = DEFAULT_MAX_PAGE,
  ) {
    this.end = prefixEnd(prefix);
  }

  /** The key's bytes within the namespace. */
  rawKey(k: K): Uint8Array {
    return concatBytes(this.prefix, this.keyCodec.encode(k));
  }

  decodeKey(raw: Uint8Array): K {
    const [k, n] = this.keyCodec.decode(raw, this.prefix.length, true);
    if (this.prefix.length + n !== raw.length) throw new CollectionError("COLLECTION_CORRUPT", `${this.name}: key has ${raw.length - this.prefix.length - n} trailing bytes`);
    return k;
  }

  protected scope(prefix: KeyPrefix<K> | undefined): Uint8Array {
    if (prefix === undefined) return this.prefix;
    if (!this.keyCodec.encodePrefix) throw new CollectionError("COLLECTION_BAD_KEY", `${this.name}: keys of ${this.keyCodec.name} have no components to iterate under`);
    return concatBytes(this.prefix, this.keyCodec.encodePrefix(prefix as readonly unknown[]));
  }

  protected bounds(opts: RangeOptions<K>): [Uint8Array, Uint8Array | undefined, Uint8Array] {
    const scope = this.scope(opts.prefix);
    const lo = opts.start !== undefined ? this.rawKey(opts.start) : scope;
    const hi = opts.end !== undefined ? this.rawKey(opts.end) : prefixEnd(scope);
    return [lo, hi, scope];
  }

  protected *rawEntries(kv: KVStore, opts: RangeOptions<K>): Iterable<[Uint8Array, Uint8Array]> {
    const [lo, hi] = this.bounds(opts);
    yield* kv.iterate(lo, hi, { reverse: opts.reverse, limit: opts.limit });
  }

  /** A page of raw entries; `map` turns each into an item. */
  protected rawPage<T>(s: StoreAccess, req: PageRequest<K>, map: (key: Uint8Array, value: Uint8Array) => T): Page<T> {
    if (!Number.isSafeInteger(req.limit) || req.limit < 1) throw new CollectionError("COLLECTION_BAD_LIMIT", `page limit must be a positive integer, got ${req.limit}`);
    const limit = Math.min(req.limit, this.maxPage);
    let [lo, hi, scope] = this.bounds({ prefix: req.prefix });
    if (req.after !== undefined) {
      const at = this.decodeCursor(req.after, scope);
      if (req.reverse) hi = at;
      else lo = concatBytes(at, new Uint8Array([0])); // the smallest key after it
    }
    const items: T[] = [];
    let lastKey: Uint8Array | undefined;
    let more = false;
    for (const [k, v] of s.kv(this.namespace).iterate(lo, hi, { reverse: req.reverse, limit: limit + 1 })) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(map(k, v));
      lastKey = k;
    }
    return { items, next: more && lastKey ? this.cursor(lastKey) : null };
  }

  // A cursor is the last key returned, below the collection prefix, in base64url: opaque to
  // callers, checked on the way back in so a cursor of another collection or scope is refused.
  private cursor(raw: Uint8Array): string {
    return Buffer.from(raw.subarray(this.prefix.length)).toString("base64url");
  }

  private decodeCursor(c: string, scope: Uint8Array): Uint8Array {
    const tail = Buffer.from(c, "base64url");
    if (tail.length === 0 || tail.toString("base64url") !== c) throw new CollectionError("COLLECTION_BAD_CURSOR", `${this.name}: "${c}" is not a cursor this list gave out`);
    const raw = concatBytes(this.prefix, new Uint8Array(tail));
    if (!startsWith(raw, scope)) throw new CollectionError("COLLECTION_BAD_CURSOR", `${this.name}: the cursor belongs to another listing`);
    return raw;
  }
}
