import { createHash } from "node:crypto";

/**
 * SIMULATION ONLY. A seedable deterministic random generator (SHA-256 in counter mode) so
 * that BB84 runs and key ids are reproducible in tests. Not for real key material.
 */
export class SimRng {
  private readonly seed: Buffer;
  private counter = 0;
  private block: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(seed: string | number | Uint8Array) {
    this.seed = typeof seed === "string" || typeof seed === "number" ? Buffer.from(`sim-rng:${seed}`) : Buffer.from(seed);
  }

  /** A derived, independent generator (e.g. one per link or per round). */
  fork(label: string): SimRng {
    return new SimRng(createHash("sha256").update(this.seed).update("\0fork\0").update(label).digest());
  }

  private refill(): void {
    const c = Buffer.alloc(8);
    c.writeBigUInt64BE(BigInt(this.counter++));
    this.block = createHash("sha256").update(this.seed).update(c).digest();
    this.pos = 0;
  }

  uint32(): number {
    if (this.pos + 4 > this.block.length) this.refill();
    const v = this.block.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  bit(): 0 | 1 {
    return (this.uint32() & 1) as 0 | 1;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (this.pos >= this.block.length) this.refill();
      out[i] = this.block[this.pos++]!;
    }
    return out;
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An RFC 4122 version-4 shaped UUID from this generator (ETSI 014 key ids). */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Buffer.from(b).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
