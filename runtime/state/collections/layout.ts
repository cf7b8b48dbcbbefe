import { CollectionError } from "./errors.ts";
import { Index, type IndexSpec } from "./indexes.ts";
import { Item } from "./item.ts";
import type { KeyCodec } from "./key-codecs.ts";
import { StateMap } from "./map.ts";
import { Sequence } from "./sequence.ts";
import { startsWith } from "./store-access.ts";
import { TimeQueue } from "./time-queue.ts";
import type { ValueCodec } from "./value-codecs.ts";

export type Prefix = number | Uint8Array;

const toBytes = (p: Prefix): Uint8Array => {
  if (typeof p === "number") {
    if (!Number.isInteger(p) || p < 0 || p > 255) throw new CollectionError("COLLECTION_PREFIX_CONFLICT", `prefix ${p} is not a byte`);
    return new Uint8Array([p]);
  }
  return p.slice();
};

/**
 * The collections of one module namespace, declared once (in the module's keys.ts). Each is
 * given its prefix, a wire value: append only, never reuse one. Declaring two collections
 * whose prefixes overlap (one a prefix of the other) throws at start-up.
 */
export class StoreLayout {
  private readonly taken: { prefix: Uint8Array; name: string }[] = [];

  constructor(readonly namespace: string) {}

  private claim(p: Prefix, name: string): Uint8Array {
    const b = toBytes(p);
    if (b.length === 0) throw new CollectionError("COLLECTION_PREFIX_CONFLICT", `${this.namespace}/${name}: empty prefix`);
    for (const t of this.taken) {
      if (startsWith(b, t.prefix) || startsWith(t.prefix, b)) {
        throw new CollectionError("COLLECTION_PREFIX_CONFLICT", `${this.namespace}: prefix of ${name} overlaps the prefix of ${t.name}`);
      }
    }
    this.taken.push({ prefix: b, name });
    return b;
  }

  item<V>(prefix: Prefix, name: string, codec: ValueCodec<V>, opts?: { memo?: boolean }): Item<V> {
    return new Item(this.namespace, this.claim(prefix, name), codec, name, opts);
  }

  map<K, V>(prefix: Prefix, name: string, keyCodec: KeyCodec<K>, valueCodec: ValueCodec<V>, opts?: { maxPage?: number; memo?: boolean }): StateMap<K, V> {
    return new StateMap(this.namespace, this.claim(prefix, name), keyCodec, valueCodec, name, opts);
  }

  index<PK, V, IK>(prefix: Prefix, name: string, map: StateMap<PK, V>, keyCodec: KeyCodec<IK>, spec: NoInfer<IndexSpec<PK, V, IK>>, opts?: { maxPage?: number }): Index<PK, V, IK> {
    return new Index(map, this.claim(prefix, name), keyCodec, spec, name, opts);
  }

  sequence(prefix: Prefix, name: string): Sequence {
    return new Sequence(this.namespace, this.claim(prefix, name), name);
  }

  timeQueue<I, V>(prefix: Prefix, name: string, idCodec: KeyCodec<I>, valueCodec: ValueCodec<V>, opts?: { maxPage?: number }): TimeQueue<I, V> {
    return new TimeQueue(this.namespace, this.claim(prefix, name), idCodec, valueCodec, name, opts);
  }

  /** Names and prefixes declared, in declaration order (docs, tests). */
  prefixes(): { name: string; prefix: Uint8Array }[] {
    return this.taken.map((t) => ({ name: t.name, prefix: t.prefix }));
  }
}
