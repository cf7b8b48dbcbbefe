import { encodeAddress } from "../../runtime/crypto/address.ts";
import type { IterateOptions, KVStore } from "../../runtime/state/types.ts";

/** Counts what the layer above asks of the store (benches report store operations per block). */
export class CountingStore implements KVStore {
  gets = 0;
  sets = 0;
  deletes = 0;
  iterations = 0;
  iterated = 0;
  constructor(private readonly inner: KVStore) {}
  get(key: Uint8Array): Uint8Array | undefined {
    this.gets++;
    return this.inner.get(key);
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.sets++;
    this.inner.set(key, value);
  }
  delete(key: Uint8Array): void {
    this.deletes++;
    this.inner.delete(key);
  }
  *iterate(start: Uint8Array, end: Uint8Array | undefined, opts?: IterateOptions): Iterable<[Uint8Array, Uint8Array]> {
    this.iterations++;
    for (const e of this.inner.iterate(start, end, opts)) {
      this.iterated++;
      yield e;
    }
  }
}

/** A seeded generator (mulberry32): the same state on every run (one copy, the Sybil model's). */
export { seededRng as seededRandom } from "../../services/attestor/sybil/rng.ts";

/** A synthetic account address: 32 bytes of `tag`, the index in the last 8 (distinct roles, no keys needed). */
export function taggedAccount(tag: number, i: number): string {
  const b = new Uint8Array(32).fill(tag);
  new DataView(b.buffer).setBigUint64(24, BigInt(i));
  return encodeAddress(b);
}
