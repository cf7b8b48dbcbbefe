/**
 * The seven spectral bands (SPEC.md): authority tiers 1..7. Band numbers are wire values.
 * Centre wavelengths are exact rationals in metres: λ = num / den.
 */
export enum Band {
  NANO = 1,
  PICO = 2,
  FEMTO = 3,
  ATTO = 4,
  ZEPTO = 5,
  YOCTO = 6,
  PLANCK = 7,
}

export const BAND_NAMES: Record<Band, string> = {
  [Band.NANO]: "NANO",
  [Band.PICO]: "PICO",
  [Band.FEMTO]: "FEMTO",
  [Band.ATTO]: "ATTO",
  [Band.ZEPTO]: "ZEPTO",
  [Band.YOCTO]: "YOCTO",
  [Band.PLANCK]: "PLANCK",
};

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Centre wavelength per band in metres: 900 nm, 50.5 pm, 50.5 fm, 50.5 am, 50.5 zm, 50.5 ym, 8.888e-35 m. */
export const CENTRE_WAVELENGTH_M: Record<Band, Rational> = {
  [Band.NANO]: { num: 900n, den: 10n ** 9n },
  [Band.PICO]: { num: 505n, den: 10n ** 13n },
  [Band.FEMTO]: { num: 505n, den: 10n ** 16n },
  [Band.ATTO]: { num: 505n, den: 10n ** 19n },
  [Band.ZEPTO]: { num: 505n, den: 10n ** 22n },
  [Band.YOCTO]: { num: 505n, den: 10n ** 25n },
  [Band.PLANCK]: { num: 8888n, den: 10n ** 38n },
};

/** authority(band) = band number, so authority² scales costs ×1, ×4, ×9 … ×49. */
export function authority(band: Band): bigint {
  return BigInt(band);
}

export function isBand(n: unknown): n is Band {
  return typeof n === "number" && Number.isInteger(n) && n >= Band.NANO && n <= Band.PLANCK;
}

export function bandName(b: number): string {
  return isBand(b) ? BAND_NAMES[b] : `unknown band ${b}`;
}

export function parseBand(s: string): Band {
  const up = s.toUpperCase();
  for (const [n, name] of Object.entries(BAND_NAMES)) if (name === up || n === s) return Number(n) as Band;
  throw new RangeError(`unknown band "${s}"; expected one of ${Object.values(BAND_NAMES).join(", ")} or 1..7`);
}
