/**
 * Cheap string forms of byte strings for Map keys. A latin1 string (one UTF-16 code unit
 * per byte, 0..255) compares with `<` exactly like unsigned bytewise comparison, prefix
 * first, so sorting these strings sorts the keys in store order.
 */
export function keyString(key: Uint8Array): string {
  // fromCharCode.apply beats Buffer#toString for the short keys state uses; chunked so a
  // long key cannot overflow the argument limit.
  const n = key.length;
  if (n <= 4096) return String.fromCharCode.apply(null, key as unknown as number[]);
  let s = "";
  for (let i = 0; i < n; i += 4096) {
    s += String.fromCharCode.apply(null, key.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** The bytes of a keyString (latin1 round-trips every byte value exactly). */
export function keyBytes(ks: string): Uint8Array {
  return Buffer.from(ks, "latin1");
}

export function compareKeyStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first element of `sorted` that is >= `s` (binary search). */
export function lowerBound(sorted: readonly string[], s: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function copyBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

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
