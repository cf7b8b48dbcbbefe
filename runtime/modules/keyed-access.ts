import { keyBytes, keyString } from "../state/bytes.ts";
import type { KVStore } from "../state/types.ts";
import { GenerationalMap } from "../collections/generational-map.ts";

/**
 * State access by a key's latin1 string (state/bytes.ts keyString) for a module's hot keys.
 * Over a Branch (every module context) no key bytes are made at all; another store gets bytes.
 * A transfer reads and writes a handful of balance and nonce keys, and building each key's
 * bytes and string again on every access was a visible share of a validator's garbage.
 */
export function getByKs(kv: KVStore, ks: string): Uint8Array | undefined {
  return kv.getKeyed ? kv.getKeyed(ks) : kv.get(keyBytes(ks));
}

export function setByKs(kv: KVStore, ks: string, value: Uint8Array): void {
  if (kv.setKeyed) kv.setKeyed(ks, value);
  else kv.set(keyBytes(ks), value);
}

export function deleteByKs(kv: KVStore, ks: string): void {
  if (kv.deleteKeyed) kv.deleteKeyed(ks);
  else kv.delete(keyBytes(ks));
}

/**
 * Key strings remembered by an id (an address, say), at most 2 × `max` of them (a
 * GenerationalMap). Pure: the same id always gives the same string.
 */
export class KeyStringMemo {
  private readonly memo: GenerationalMap<string, string>;

  constructor(
    private readonly make: (id: string) => Uint8Array,
    max = 50_000,
  ) {
    this.memo = new GenerationalMap(max);
  }

  get(id: string): string {
    let ks = this.memo.get(id);
    if (ks === undefined) {
      ks = keyString(this.make(id));
      this.memo.set(id, ks);
    }
    return ks;
  }
}
