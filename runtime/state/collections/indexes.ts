import { CollectionError } from "./errors.ts";
import { Keyed, type Page, type PageRequest, type RangeOptions } from "./keyed.ts";
import type { KeyCodec } from "./key-codecs.ts";
import { keyString, type StoreAccess } from "./store-access.ts";
import type { StateMap } from "./map.ts";

const EMPTY = new Uint8Array(0);

export interface IndexSpec<PK, V, IK> {
  /** The index keys of one entry (none: the entry is not indexed, e.g. an ineligible validator). */
  refs(pk: PK, v: V): readonly IK[];
  /** The primary key an index key points at (index keys carry it, so no value is stored). */
  primaryKey(ik: IK): PK;
}

/**
 * A secondary index over a StateMap: entries `prefix | ik → ∅`, written and removed by the
 * map's own set/delete so it can never drift from it. Iterating an index yields the primary
 * entries in index-key order.
 */
export class Index<PK, V, IK> extends Keyed<IK> {
  constructor(
    readonly map: StateMap<PK, V>,
    prefix: Uint8Array,
    keyCodec: KeyCodec<IK>,
    private readonly spec: IndexSpec<PK, V, IK>,
    name: string,
    opts: { maxPage?: number } = {},
  ) {
    super(map.namespace, prefix, keyCodec, name, opts.maxPage);
    map.attach(this);
  }

  /** Called by the map: move this entry's index keys from `prev`'s to `next`'s. */
  update(s: StoreAccess, pk: PK, prev: V | undefined, next: V | undefined): void {
    const kv = s.kv(this.namespace);
    const before = new Map<string, Uint8Array>();
    if (prev !== undefined) for (const ik of this.spec.refs(pk, prev)) { const k = this.rawKey(ik); before.set(keyString(k), k); }
    const after = new Map<string, Uint8Array>();
    if (next !== undefined) for (const ik of this.spec.refs(pk, next)) { const k = this.rawKey(ik); after.set(keyString(k), k); }
    // Both maps are walked in the refs' own (deterministic) order; only real changes are written.
    for (const [ks, k] of before) if (!after.has(ks)) kv.delete(k);
    for (const [ks, k] of after) if (!before.has(ks)) kv.set(k, EMPTY);
  }

  /** Primary keys in index order. */
  *keys(s: StoreAccess, opts: RangeOptions<IK> = {}): Iterable<PK> {
    for (const [k] of this.rawEntries(s.kv(this.namespace), opts)) yield this.spec.primaryKey(this.decodeKey(k));
  }

  /** Primary entries in index order. */
  *iterate(s: StoreAccess, opts: RangeOptions<IK> = {}): Iterable<[PK, V]> {
    for (const pk of this.keys(s, opts)) yield [pk, this.load(s, pk)];
  }

  page(s: StoreAccess, req: PageRequest<IK>): Page<{ key: PK; value: V }> {
    return this.rawPage(s, req, (k) => {
      const key = this.spec.primaryKey(this.decodeKey(k));
      return { key, value: this.load(s, key) };
    });
  }

  private load(s: StoreAccess, pk: PK): V {
    const v = this.map.get(s, pk);
    if (v === undefined) throw new CollectionError("COLLECTION_CORRUPT", `${this.name} points at a missing ${this.map.name} entry`);
    return v;
  }
}
