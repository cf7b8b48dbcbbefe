import { keyBytes, keyString } from "../state/bytes.ts";
import type { KVStore } from "../state/types.ts";

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
 * Key strings remembered by an id (an address, say): two generations of at most `max` each,
 * so it stays bounded and an insert is O(1). Pure: the same id always gives the same string.
 */
export class KeyStringMemo {
  private recent = new Map<string, string>();
  private older = new Map<string, string>();

  constructor(
    private readonly make: (id: string) => Uint8Array,
    private readonly max = 50_000,
  ) {}

  get(id: string): string {
    let ks = this.recent.get(id);
    if (ks !== undefined) return ks;
    ks = this.older.get(id) ?? keyString(this.make(id));
    if (this.recent.size >= this.max) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(id, ks);
    return ks;
  }
}
