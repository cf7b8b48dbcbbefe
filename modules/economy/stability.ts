import { NXT } from "./params.ts";
import type { CrisisBranch } from "./transition.ts";

/** SPEC.md: the BHLS floor pays 1 150 NXT per citizen per month; the reserve should cover 6 months. */
export const FLOOR_PER_CITIZEN_MONTH = 1150n * NXT;
export const RESERVE_MONTHS = 6n;
/** Decimals of the index's fixed-point text form. */
export const INDEX_DECIMALS = 6;

export interface StabilityIndex {
  /** bhls_floor_reserve balance, base units. */
  readonly numerator: bigint;
  /** citizens × 1150 NXT × 6, base units (0 with no citizens). */
  readonly denominator: bigint;
  readonly citizens: bigint;
  /** floor(numerator / denominator × 10^6) as "1.234567"; null with no citizens (the index is undefined, the branch normal). */
  readonly index: string | null;
  readonly branch: CrisisBranch;
}

/**
 * Pure: stability index = floor reserve / (citizens × 1 150 NXT × 6), compared exactly
 * (below 1 ⇔ num < den; below 0.5 ⇔ 2·num < den), shown rounded down to 6 decimals.
 */
export function stabilityIndex(floorReserve: bigint, citizens: bigint): StabilityIndex {
  if (floorReserve < 0n || citizens < 0n) throw new RangeError("stabilityIndex: negative input");
  const denominator = citizens * FLOOR_PER_CITIZEN_MONTH * RESERVE_MONTHS;
  if (denominator === 0n) return { numerator: floorReserve, denominator, citizens, index: null, branch: "normal" };
  const scaled = (floorReserve * 10n ** BigInt(INDEX_DECIMALS)) / denominator;
  const whole = scaled / 10n ** BigInt(INDEX_DECIMALS);
  const frac = (scaled % 10n ** BigInt(INDEX_DECIMALS)).toString().padStart(INDEX_DECIMALS, "0");
  const branch: CrisisBranch = 2n * floorReserve < denominator ? "below-0.5" : floorReserve < denominator ? "below-1" : "normal";
  return { numerator: floorReserve, denominator, citizens, index: `${whole}.${frac}`, branch };
}
