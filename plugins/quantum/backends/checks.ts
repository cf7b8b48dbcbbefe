import { QuantumCryptoError } from "../errors.ts";
import { ML_DSA_MAX_CONTEXT_BYTES } from "./types.ts";

/** Length checks shared by both backends, so their errors read the same. */
export function requireLength(what: string, bytes: Uint8Array, expected: number, code: "CRYPTO_BAD_KEY" | "CRYPTO_BAD_SEED" | "CRYPTO_BAD_CIPHERTEXT" = "CRYPTO_BAD_KEY"): void {
  if (!(bytes instanceof Uint8Array)) throw new QuantumCryptoError(code, `${what} must be a Uint8Array`);
  if (bytes.length !== expected) {
    throw new QuantumCryptoError(code, `${what} must be ${expected} bytes, got ${bytes.length}`);
  }
}

export function requireContext(ctx: Uint8Array | undefined): void {
  if (ctx && ctx.length > ML_DSA_MAX_CONTEXT_BYTES) {
    throw new QuantumCryptoError("CRYPTO_BAD_CONTEXT", `ML-DSA context must be at most ${ML_DSA_MAX_CONTEXT_BYTES} bytes, got ${ctx.length}`);
  }
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** Secret-key caches are keyed by the caller's array object and remember its bytes, so a mutated array misses. */
export class SeedCache<T> {
  private readonly map = new WeakMap<Uint8Array, { copy: Uint8Array; value: T }>();
  get(seed: Uint8Array, make: () => T): T {
    const hit = this.map.get(seed);
    if (hit && equalBytes(hit.copy, seed)) return hit.value;
    const value = make();
    this.map.set(seed, { copy: seed.slice(), value });
    return value;
  }
}

/** Bounded map that evicts its oldest entry (insertion order) when full. */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
      this.map.set(key, v);
    }
    return v;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
