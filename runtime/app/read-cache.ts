import type { IterateOptions, KVReader } from "../state/types.ts";

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
    const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
    if (this.hits.has(k)) return this.hits.get(k);
    const v = this.inner.get(key);
    this.hits.set(k, v);
    return v;
  }

  iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    return this.inner.iterate(start, end, opts);
  }
}
