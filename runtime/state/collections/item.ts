import { CollectionError } from "./errors.ts";
import { bytesEqual, type StoreAccess } from "./store-access.ts";
import type { ValueCodec } from "./value-codecs.ts";

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * One value under one key (params, a total, a snapshot). With `memo`, the value decoded from
 * the last bytes read is remembered and returned frozen while the stored bytes stay the same:
 * params read by every transaction are decoded (and schema-checked) once, not per read.
 */
export class Item<V> {
  private last: { raw: Uint8Array; value: V } | undefined;

  constructor(
    readonly namespace: string,
    readonly key: Uint8Array,
    readonly codec: ValueCodec<V>,
    readonly name: string,
    private readonly opts: { memo?: boolean } = {},
  ) {}

  get(s: StoreAccess): V | undefined {
    const raw = s.kv(this.namespace).get(this.key);
    if (raw === undefined) return undefined;
    if (!this.opts.memo) return this.codec.decode(raw);
    const last = this.last;
    if (last !== undefined && bytesEqual(last.raw, raw)) return last.value;
    const value = deepFreeze(this.codec.decode(raw));
    this.last = { raw: raw.slice(), value };
    return value;
  }

  /** The value, or `fallback()` when none is stored. */
  getOr(s: StoreAccess, fallback: () => V): V {
    const v = this.get(s);
    return v === undefined ? fallback() : v;
  }

  /** The value; throws when none is stored (genesis should have written it). */
  must(s: StoreAccess): V {
    const v = this.get(s);
    if (v === undefined) throw new CollectionError("COLLECTION_CORRUPT", `${this.namespace}/${this.name} is not set`);
    return v;
  }

  has(s: StoreAccess): boolean {
    return s.kv(this.namespace).get(this.key) !== undefined;
  }

  set(s: StoreAccess, v: V): void {
    s.kv(this.namespace).set(this.key, this.codec.encode(v));
  }

  delete(s: StoreAccess): void {
    s.kv(this.namespace).delete(this.key);
  }
}
