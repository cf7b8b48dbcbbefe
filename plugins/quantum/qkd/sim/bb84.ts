import { createHash } from "node:crypto";
import type { SimRng } from "./rng.ts";

/**
 * SIMULATION ONLY: BB84 quantum key distribution between Alice and Bob, computed classically.
 * No photons, no physics beyond the textbook model: each pulse is a (bit, basis) pair; a
 * measurement in the wrong basis gives a uniformly random bit. It exists to exercise the
 * post-processing (sifting, QBER estimate, reconciliation, privacy amplification) and the
 * ETSI 014 key path in tests. Real QKD keys come from hardware through the ETSI 014 client.
 */
export interface Bb84ChannelOptions {
  /** Probability that a pulse Bob measures in the right basis reads flipped (noise, misalignment). */
  noise?: number;
  /** Fraction of pulses lost before Bob's detector. */
  loss?: number;
  /** Fraction of pulses an intercept-resend eavesdropper measures in a random basis and resends. */
  eavesdropper?: number;
}

export interface Bb84Options extends Bb84ChannelOptions {
  pulses?: number;
  /** Fraction of sifted bits disclosed to estimate the QBER (then discarded). */
  sampleFraction?: number;
  /** Abort above this estimated QBER: 11% is the BB84 (Shor-Preskill) limit. */
  abortQber?: number;
  /** Bits subtracted in privacy amplification for the security margin. */
  securityBits?: number;
  /** Cascade passes. */
  ecPasses?: number;
}

export interface Bb84Result {
  readonly ok: boolean;
  readonly abortReason?: string;
  readonly pulses: number;
  readonly detected: number;
  readonly siftedBits: number;
  readonly sampleBits: number;
  readonly sampleErrors: number;
  /** Estimated QBER from the disclosed sample. */
  readonly qber: number;
  readonly reconciledBits: number;
  /** Known only because this is a simulation: errors before and after error correction. */
  readonly errorsBeforeEc: number;
  readonly errorsAfterEc: number;
  /** Parity bits and check hash disclosed during reconciliation. */
  readonly leakedBits: number;
  /** Key bits after privacy amplification (multiple of 8). */
  readonly finalBits: number;
  readonly aliceKey: Uint8Array;
  readonly bobKey: Uint8Array;
}

export const BB84_DEFAULTS = {
  pulses: 16_384,
  sampleFraction: 0.15,
  abortQber: 0.11,
  securityBits: 64,
  ecPasses: 4,
  noise: 0.01,
  loss: 0,
  eavesdropper: 0,
} as const;

/** Binary entropy h(p). */
export function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

export function runBb84(rng: SimRng, options: Bb84Options = {}): Bb84Result {
  const o = { ...BB84_DEFAULTS, ...options };
  // 1. Quantum phase: Alice prepares, Eve may intercept-resend, Bob measures.
  const alice: number[] = [];
  const bob: number[] = [];
  let detected = 0;
  for (let i = 0; i < o.pulses; i++) {
    const aBit = rng.bit();
    const aBasis = rng.bit();
    let bit: number = aBit;
    let basis: number = aBasis;
    if (rng.chance(o.eavesdropper)) {
      const eBasis = rng.bit();
      bit = eBasis === basis ? bit : rng.bit(); // wrong basis: random outcome
      basis = eBasis; // resent in Eve's basis
    }
    if (rng.chance(o.loss)) continue;
    detected++;
    const bBasis = rng.bit();
    let bBit = bBasis === basis ? bit : rng.bit();
    if (rng.chance(o.noise)) bBit ^= 1;
    // 2. Sifting: bases are announced publicly; keep the pulses where they agree.
    if (bBasis === aBasis) {
      alice.push(aBit);
      bob.push(bBit);
    }
  }
  const sifted = alice.length;

  // 3. QBER estimate on a random disclosed sample, which is then discarded.
  const sampleBits = Math.round(sifted * o.sampleFraction);
  const perm = rng.permutation(sifted);
  let sampleErrors = 0;
  for (let i = 0; i < sampleBits; i++) if (alice[perm[i]!] !== bob[perm[i]!]) sampleErrors++;
  const qber = sampleBits ? sampleErrors / sampleBits : 1;
  const n = sifted - sampleBits;
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = alice[perm[sampleBits + i]!]!;
    b[i] = bob[perm[sampleBits + i]!]!;
  }
  const base = { pulses: o.pulses, detected, siftedBits: sifted, sampleBits, sampleErrors, qber, reconciledBits: n };
  const errorsBeforeEc = hamming(a, b);
  const abort = (reason: string, leakedBits = 0, errorsAfterEc = errorsBeforeEc): Bb84Result => ({
    ...base,
    ok: false,
    abortReason: reason,
    errorsBeforeEc,
    errorsAfterEc,
    leakedBits,
    finalBits: 0,
    aliceKey: new Uint8Array(0),
    bobKey: new Uint8Array(0),
  });
  if (sampleBits < 100) return abort(`too few sifted bits (${sifted}) to estimate the QBER`);
  if (qber > o.abortQber) {
    return abort(`QBER ${(qber * 100).toFixed(1)}% above the ${(o.abortQber * 100).toFixed(0)}% threshold: key discarded (possible eavesdropper)`);
  }

  // 4. Error correction: Bob corrects his bits to Alice's with Cascade, then both compare a hash.
  const leakEc = cascade(rng, a, b, Math.max(qber, 1 / sampleBits), o.ecPasses);
  const errorsAfterEc = hamming(a, b);
  const CHECK_BITS = 64;
  const leaked = leakEc + CHECK_BITS;
  if (!checkHash(a).equals(checkHash(b))) return abort("reconciliation failed: check hashes differ", leaked, errorsAfterEc);

  // 5. Privacy amplification: Toeplitz hashing down to what Eve cannot know (asymptotic bound,
  //    QBER taken at its ~95% upper confidence limit; finite-size effects are not modelled).
  const qUp = Math.min(0.5, qber + 1.96 * Math.sqrt((Math.max(qber, 1 / sampleBits) * (1 - qber)) / sampleBits));
  const m = Math.floor((n * (1 - binaryEntropy(qUp)) - leaked - o.securityBits) / 8) * 8;
  if (m < 8) return abort(`no secret key left after privacy amplification (${n} bits, ${leaked} leaked)`, leaked, errorsAfterEc);
  const seed = rng.bytes(Math.ceil((n + m - 1) / 8) + 8); // public Toeplitz seed
  return {
    ...base,
    ok: true,
    errorsBeforeEc,
    errorsAfterEc,
    leakedBits: leaked,
    finalBits: m,
    aliceKey: toeplitzHash(a, m, seed),
    bobKey: toeplitzHash(b, m, seed),
  };
}

function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! ^ b[i]!;
  return d;
}

function checkHash(bits: Uint8Array): Buffer {
  return createHash("sha256").update(bits).digest().subarray(0, 8);
}

/**
 * Cascade (Brassard–Salvail) on bit arrays: pass 1 in order with block size ≈ 0.73/QBER,
 * later passes on public random permutations with doubled blocks; each corrected bit
 * re-opens the blocks holding it in the other passes (the "cascade"). Corrects `b` in place;
 * returns the number of parity bits Alice disclosed.
 */
function cascade(rng: SimRng, a: Uint8Array, b: Uint8Array, qber: number, passes: number): number {
  const n = a.length;
  if (n === 0) return 0;
  let leak = 0;
  const orders: Uint32Array[] = [];
  const where: Uint32Array[] = []; // where[p][pos] = index of pos in orders[p]
  const sizes: number[] = [];
  const parity = (v: Uint8Array, order: Uint32Array, s: number, e: number): number => {
    let x = 0;
    for (let i = s; i < e; i++) x ^= v[order[i]!]!;
    return x;
  };
  // Binary search inside [s, e) of pass p, where the parities differ; fixes one bit.
  const binary = (p: number, s: number, e: number): number => {
    const order = orders[p]!;
    while (e - s > 1) {
      const mid = (s + e) >>> 1;
      leak++;
      if (parity(a, order, s, mid) !== parity(b, order, s, mid)) e = mid;
      else s = mid;
    }
    const pos = order[s]!;
    b[pos] = b[pos]! ^ 1;
    return pos;
  };
  const blockRange = (p: number, blk: number): [number, number] => [blk * sizes[p]!, Math.min(n, (blk + 1) * sizes[p]!)];
  const k1 = Math.max(4, Math.ceil(0.73 / qber));
  for (let p = 0; p < passes; p++) {
    const order = p === 0 ? Uint32Array.from({ length: n }, (_, i) => i) : rng.permutation(n);
    const inv = new Uint32Array(n);
    for (let i = 0; i < n; i++) inv[order[i]!] = i;
    orders.push(order);
    where.push(inv);
    sizes.push(Math.min(n, k1 << p));
    const queue: [number, number][] = [];
    const blocks = Math.ceil(n / sizes[p]!);
    for (let blk = 0; blk < blocks; blk++) {
      const [s, e] = blockRange(p, blk);
      leak++;
      if (parity(a, order, s, e) !== parity(b, order, s, e)) queue.push([p, blk]);
    }
    while (queue.length) {
      const [q, blk] = queue.pop()!;
      const [s, e] = blockRange(q, blk);
      if (parity(a, orders[q]!, s, e) === parity(b, orders[q]!, s, e)) continue; // already fixed
      const pos = binary(q, s, e);
      for (let r = 0; r <= p; r++) if (r !== q) queue.push([r, Math.floor(where[r]![pos]! / sizes[r]!)]);
    }
  }
  return leak;
}

/**
 * Privacy amplification by a random Toeplitz matrix T (m × n, T[i][j] = t[i − j + n − 1]),
 * a 2-universal hash family: out = T·x over GF(2). Computed on 32-bit words.
 */
export function toeplitzHash(bits: Uint8Array, m: number, seed: Uint8Array): Uint8Array {
  const n = bits.length;
  // Reversing x turns row i into the window t[i .. i+n-1], so rows are word-aligned slices of t.
  const words = (n + 31) >>> 5;
  const x = new Uint32Array(words);
  for (let k = 0; k < n; k++) if (bits[n - 1 - k]) x[k >>> 5]! |= 1 << (k & 31);
  const tWords = new Uint32Array(((n + m + 63) >>> 5) + 1);
  for (let i = 0; i < tWords.length && i * 4 + 3 < seed.length; i++) {
    tWords[i] = (seed[i * 4]! | (seed[i * 4 + 1]! << 8) | (seed[i * 4 + 2]! << 16) | (seed[i * 4 + 3]! << 24)) >>> 0;
  }
  const tailMask = n & 31 ? (1 << (n & 31)) - 1 : 0xffffffff;
  const out = new Uint8Array(m >>> 3);
  for (let i = 0; i < m; i++) {
    const w0 = i >>> 5;
    const sh = i & 31;
    let acc = 0;
    for (let w = 0; w < words; w++) {
      let tw = sh === 0 ? tWords[w0 + w]! : (tWords[w0 + w]! >>> sh) | (tWords[w0 + w + 1]! << (32 - sh));
      if (w === words - 1) tw &= tailMask;
      acc ^= tw & x[w]!;
    }
    if (parity32(acc)) out[i >>> 3]! |= 1 << (i & 7);
  }
  return out;
}

function parity32(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}
