import { keyBytes, keyString, prefixEnd } from "../bytes.ts";
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

export { keyString, prefixEnd };
export { bytesEqual } from "../../crypto/hash.ts";


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

