import { CollectionError } from "./errors.ts";
import { Keyed, type Page, type PageRequest, type RangeOptions } from "./keyed.ts";
import type { KeyCodec } from "./key-codecs.ts";
import { keyString, type StoreAccess } from "./store-access.ts";
import type { StateMap } from "./map.ts";

const EMPTY = new Uint8Array(0);

/** Whether two index keys are the same value (tuples element by element); false when unsure. */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameKey(x, b[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return false;
}

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
    const refsBefore = prev === undefined ? [] : this.spec.refs(pk, prev);
    const refsAfter = next === undefined ? [] : this.spec.refs(pk, next);
    // Most updates leave the indexed fields alone (a claim rewrites its citizen, not its
    // attestor): the same index keys, nothing to write, and no key to encode to find that out.
    if (refsBefore.length === refsAfter.length && refsBefore.every((r, i) => sameKey(r, refsAfter[i]))) return;
    const kv = s.kv(this.namespace);
    const before = new Map<string, Uint8Array>();
    for (const ik of refsBefore) { const k = this.rawKey(ik); before.set(keyString(k), k); }
    const after = new Map<string, Uint8Array>();
    for (const ik of refsAfter) { const k = this.rawKey(ik); after.set(keyString(k), k); }
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
