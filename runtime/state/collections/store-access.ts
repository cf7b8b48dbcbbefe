import { keyBytes, keyString } from "../bytes.ts";
import type { KVStore } from "../types.ts";

/**
 * What a collection needs from a module context: its namespace's store on the current branch.
 * A module's Ctx is one; a unit test can pass `{ kv: () => new MemoryKV() }`.
 */
export interface StoreAccess {
  kv(namespace: string): KVStore;
}

// By latin1 key string when the store takes one (a Branch, a PrefixedStore over one): no key
// bytes made at all. Same as runtime/modules/keyed-access.ts, which state/ must not import.
export function getKs(kv: KVStore, ks: string): Uint8Array | undefined {
  return kv.getKeyed ? kv.getKeyed(ks) : kv.get(keyBytes(ks));
}

export function setKs(kv: KVStore, ks: string, value: Uint8Array): void {
  if (kv.setKeyed) kv.setKeyed(ks, value);
  else kv.set(keyBytes(ks), value);
}

export function deleteKs(kv: KVStore, ks: string): void {
  if (kv.deleteKeyed) kv.deleteKeyed(ks);
  else kv.delete(keyBytes(ks));
}

export { keyString };

/** Smallest key greater than every key starting with `prefix` (undefined: none, all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const out = prefix.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
