/** Minimal big-endian bytes of a non-negative bigint (0 → empty), for compact state values. */
export function uintToBytes(v: bigint): Uint8Array {
  if (v < 0n) throw new RangeError(`cannot encode negative amount ${v}`);
  if (v === 0n) return new Uint8Array(0);
  if (v < 281474976710656n) {
    // Fast path below 2^48: plain number arithmetic, no hex strings.
    let n = Number(v);
    let len = 0;
    for (let t = n; t > 0; t = Math.floor(t / 256)) len++;
    const out = new Uint8Array(len);
    for (let i = len - 1; i >= 0; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return out;
  }
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function bytesToUint(b: Uint8Array | undefined): bigint {
  if (!b || b.length === 0) return 0n;
  if (b.length <= 6) {
    let n = 0;
    for (let i = 0; i < b.length; i++) n = n * 256 + b[i]!;
    return BigInt(n);
  }
  return BigInt("0x" + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex"));
}

/** Fixed 8-byte big-endian, so numeric order equals byte order in keys. */
export function u64Key(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function readU64Key(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}
