import { Band, CENTRE_WAVELENGTH_M, authority, type Rational } from "./bands.ts";

/**
 * E = h·f energy enforcement (SPEC.md), in exact rational arithmetic:
 *   energy(tx) = h · f(band) · n · authority(band)²,  f = c / λ
 *   fee(tx)    = ceil(energy / joulesPerUnit[band]) + tip
 */
export const PLANCK_H: Rational = { num: 662607015n, den: 10n ** 42n }; // J·s, exact (SI 2019)
export const SPEED_OF_LIGHT = 299_792_458n; // m/s, exact

/** joulesPerUnit per band, as exact rationals (a governance parameter table). */
export type JoulesPerUnit = Record<Band, Rational>;

export function reduce(r: Rational): Rational {
  const g = gcd(r.num, r.den);
  return { num: r.num / g, den: r.den / g };
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Photon frequency of a band's centre wavelength, Hz, exact. */
export function frequency(band: Band): Rational {
  const l = CENTRE_WAVELENGTH_M[band];
  return reduce({ num: SPEED_OF_LIGHT * l.den, den: l.num });
}

/** Energy in joules of `n` bytes in `band`, exact. */
export function energyJoules(band: Band, n: number): Rational {
  const f = frequency(band);
  const a = authority(band);
  return reduce({ num: PLANCK_H.num * f.num * BigInt(n) * a * a, den: PLANCK_H.den * f.den });
}

// Both functions below are pure and run for every transaction; sizes repeat, so remember them.
const energyMemo = new Map<number, bigint>();
const feeMemo = new WeakMap<JoulesPerUnit, Map<number, bigint>>();
const MEMO_MAX = 100_000;
const memoKey = (band: Band, n: number): number => n * 8 + band;

/** Energy in attojoules rounded up: what every receipt records. */
export function energyAttojoules(band: Band, n: number): bigint {
  const k = memoKey(band, n);
  let v = energyMemo.get(k);
  if (v === undefined) {
    const e = energyJoules(band, n);
    v = ceilDiv(e.num * 10n ** 18n, e.den);
    if (energyMemo.size >= MEMO_MAX) energyMemo.clear();
    energyMemo.set(k, v);
  }
  return v;
}

/** Base fee (no tip) in base units: ceil(energy / joulesPerUnit[band]). */
export function baseFee(band: Band, n: number, jpu: JoulesPerUnit): bigint {
  let m = feeMemo.get(jpu);
  if (!m) feeMemo.set(jpu, (m = new Map()));
  const k = memoKey(band, n);
  let v = m.get(k);
  if (v === undefined) {
    const e = energyJoules(band, n);
    const j = jpu[band];
    v = ceilDiv(e.num * j.den, e.den * j.num);
    if (m.size >= MEMO_MAX) m.clear();
    m.set(k, v);
  }
  return v;
}

/**
 * Defaults: a 250-byte NANO transaction costs 10 000 base units, and every other band's
 * joulesPerUnit scales with its frequency, so the same bytes cost authority² times more.
 */
export const DEFAULT_REFERENCE_BYTES = 250;
export const DEFAULT_REFERENCE_FEE = 10_000n;

export function defaultJoulesPerUnit(): JoulesPerUnit {
  const eRef = energyJoules(Band.NANO, DEFAULT_REFERENCE_BYTES);
  const jNano = reduce({ num: eRef.num, den: eRef.den * DEFAULT_REFERENCE_FEE });
  const fNano = frequency(Band.NANO);
  const out = {} as JoulesPerUnit;
  for (let b = Band.NANO; b <= Band.PLANCK; b++) {
    const f = frequency(b);
    out[b as Band] = reduce({ num: jNano.num * f.num * fNano.den, den: jNano.den * f.den * fNano.num });
  }
  return out;
}

/** "num/den" text form used in params and genesis files. */
export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

export function parseRational(s: string): Rational {
  const m = /^([0-9]+)\/([1-9][0-9]*)$/.exec(s);
  if (!m) throw new RangeError(`"${s}" is not a positive rational "num/den"`);
  const r = reduce({ num: BigInt(m[1]!), den: BigInt(m[2]!) });
  if (r.num === 0n) throw new RangeError(`"${s}" must be greater than zero`);
  return r;
}
