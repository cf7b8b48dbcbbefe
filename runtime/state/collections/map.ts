import { CollectionError } from "./errors.ts";
import { Keyed, type Page, type PageRequest, type RangeOptions } from "./keyed.ts";
import type { KeyCodec } from "./key-codecs.ts";
import { bytesEqual, deleteKs, getKs, keyString, setKs, type StoreAccess } from "./store-access.ts";
import { deepFreeze } from "./item.ts";
import type { ValueCodec } from "./value-codecs.ts";
import type { Index } from "./indexes.ts";

/**
 * A typed map `prefix | key → value` in one namespace, iterated in key byte order. Secondary
 * indexes attached to it are updated by every set and delete (which then read the old value).
 *
 * Hot keys: `keyString(k)` gives the key's latin1 string once; `getKs`/`setKs`/`deleteKs` take
 * it, so a caller that remembers the strings (keyed-access.ts KeyStringMemo) makes no key
 * bytes per access over a Branch. Only for maps without indexes.
 */
export class StateMap<K, V> extends Keyed<K> {
  private readonly indexes: Index<K, V, any>[] = [];
  /** With `memo`: the value decoded from the last bytes read (a decode depends on the bytes only). */
  private last: { raw: Uint8Array; value: V } | undefined;
  private readonly memo: boolean;

  constructor(
    namespace: string,
    prefix: Uint8Array,
    keyCodec: KeyCodec<K>,
    readonly valueCodec: ValueCodec<V>,
    name: string,
    opts: { maxPage?: number; memo?: boolean } = {},
  ) {
    super(namespace, prefix, keyCodec, name, opts.maxPage);
    this.memo = opts.memo ?? false;
  }

  /** Called by Index's constructor. */
  attach(index: Index<K, V, any>): void {
    this.indexes.push(index);
  }

  /**
   * The entry's value. With `memo` (a map whose one entry is read by every transaction of a
   * kind: the epoch's share), a value whose bytes equal the last ones read is returned from
   * memory, frozen, instead of decoded and schema-checked again.
   */
  get(s: StoreAccess, k: K): V | undefined {
    const raw = s.kv(this.namespace).get(this.rawKey(k));
    if (raw === undefined) return undefined;
    if (!this.memo) return this.valueCodec.decode(raw);
    const last = this.last;
    if (last !== undefined && bytesEqual(last.raw, raw)) return last.value;
    const value = deepFreeze(this.valueCodec.decode(raw));
    this.last = { raw: raw.slice(), value };
    return value;
  }

  has(s: StoreAccess, k: K): boolean {
    return s.kv(this.namespace).get(this.rawKey(k)) !== undefined;
  }

  set(s: StoreAccess, k: K, v: V): void {
    const kv = s.kv(this.namespace);
    const key = this.rawKey(k);
    const bytes = this.valueCodec.encode(v); // encode first: a refused value changes nothing
    if (this.indexes.length > 0) {
      const prevRaw = kv.get(key);
      const prev = prevRaw === undefined ? undefined : this.valueCodec.decode(prevRaw);
      for (const ix of this.indexes) ix.update(s, k, prev, v);
    }
    kv.set(key, bytes);
  }

  /**
   * `set` for an entry the caller has just read with `get` on the same store (`prev`), with no
   * write to it since: its indexes update from `prev` instead of reading and decoding the
   * entry again. A claim rewrites its citizen record this way on every transaction.
   */
  replace(s: StoreAccess, k: K, prev: V, next: V): void {
    const bytes = this.valueCodec.encode(next);
    for (const ix of this.indexes) ix.update(s, k, prev, next);
    s.kv(this.namespace).set(this.rawKey(k), bytes);
  }

  /** Removes the entry (and its index entries); false when there was none. */
  delete(s: StoreAccess, k: K): boolean {
    const kv = s.kv(this.namespace);
    const key = this.rawKey(k);
    const prevRaw = kv.get(key);
    if (prevRaw === undefined) return false;
    if (this.indexes.length > 0) {
      const prev = this.valueCodec.decode(prevRaw);
      for (const ix of this.indexes) ix.update(s, k, prev, undefined);
    }
    kv.delete(key);
    return true;
  }

  // ---- the string-key path (hot keys) ----

  keyString(k: K): string {
    return keyString(this.rawKey(k));
  }

  getKs(s: StoreAccess, ks: string): V | undefined {
    const raw = getKs(s.kv(this.namespace), ks);
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  setKs(s: StoreAccess, ks: string, v: V): void {
    this.noIndexes();
    setKs(s.kv(this.namespace), ks, this.valueCodec.encode(v));
  }

  deleteKs(s: StoreAccess, ks: string): void {
    this.noIndexes();
    deleteKs(s.kv(this.namespace), ks);
  }

  private noIndexes(): void {
    if (this.indexes.length > 0) throw new CollectionError("COLLECTION_BAD_KEY", `${this.name} has indexes: write it by key, not key string`);
  }

  // ---- iteration ----

  /** Entries in key order (or reverse), under a prefix or within [start, end). */
  *iterate(s: StoreAccess, opts: RangeOptions<K> = {}): Iterable<[K, V]> {
    for (const [k, v] of this.rawEntries(s.kv(this.namespace), opts)) yield [this.decodeKey(k), this.valueCodec.decode(v)];
  }

  *keys(s: StoreAccess, opts: RangeOptions<K> = {}): Iterable<K> {
    for (const [k] of this.rawEntries(s.kv(this.namespace), opts)) yield this.decodeKey(k);
  }

  *values(s: StoreAccess, opts: RangeOptions<K> = {}): Iterable<V> {
    for (const [, v] of this.rawEntries(s.kv(this.namespace), opts)) yield this.valueCodec.decode(v);
  }

  /** Entries with lo <= raw key < hi (keys within the namespace, collection prefix included). */
  *iterateBytes(s: StoreAccess, lo: Uint8Array, hi: Uint8Array | undefined, limit?: number): Iterable<[K, V]> {
    for (const [k, v] of s.kv(this.namespace).iterate(lo, hi, { limit })) yield [this.decodeKey(k), this.valueCodec.decode(v)];
  }

  /** One page of entries for a list query; pass `next` back as `after` for the following page. */
  page(s: StoreAccess, req: PageRequest<K>): Page<{ key: K; value: V }> {
    return this.rawPage(s, req, (k, v) => ({ key: this.decodeKey(k), value: this.valueCodec.decode(v) }));
  }
}
