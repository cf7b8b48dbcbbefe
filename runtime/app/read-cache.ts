import type { IterateOptions, KVReader } from "../state/types.ts";
import { keyBytes, keyString } from "../state/bytes.ts";

/**
 * Remembers point reads of a reader that does not change underneath it: the committed store
 * during one block's execution. Transfers read the same keys repeatedly (sender balance for
 * the fee check and again to charge it, module params on every message), and an lmdb read
 * costs several times a Map lookup. Range iteration passes straight through.
 */
export class ReadCache implements KVReader {
  private readonly hits = new Map<string, Uint8Array | undefined>();

  constructor(private readonly inner: KVReader) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(keyString(key), key);
  }

  getKeyed(ks: string, key?: Uint8Array): Uint8Array | undefined {
    const hit = this.hits.get(ks);
    if (hit !== undefined || this.hits.has(ks)) return hit;
    const inner = this.inner;
    const v = inner.getKeyed ? inner.getKeyed(ks, key) : inner.get(key ?? keyBytes(ks));
    this.hits.set(ks, v);
    return v;
  }

  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    return this.inner.iterate(start, end, opts);
  }
}
