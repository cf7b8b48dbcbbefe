/**
 * SPEC.md: the BHLS floor's accounting categories, per 1 150 NXT. Labels on every payout;
 * no coin moves per category. Order is the order of events and docs: never reorder.
 */
export const CATEGORY_WEIGHTS = [
  ["food", 250n],
  ["water", 50n],
  ["housing", 400n],
  ["energy", 150n],
  ["healthcare", 200n],
  ["connectivity", 75n],
  ["recycling", 25n],
] as const;

export type Category = (typeof CATEGORY_WEIGHTS)[number][0];

/** Σ weights = 1 150. */
export const CATEGORY_TOTAL = CATEGORY_WEIGHTS.reduce((s, [, w]) => s + w, 0n);

/**
 * Pure: each category gets floor(amount × weight / 1150); what rounding leaves goes to
 * housing, so the parts always sum to `amount`.
 */
export function splitCategories(amount: bigint): Record<Category, bigint> {
  if (amount < 0n) throw new RangeError("splitCategories: negative amount");
  const out = {} as Record<Category, bigint>;
  let given = 0n;
  for (const [c, w] of CATEGORY_WEIGHTS) {
    out[c] = (amount * w) / CATEGORY_TOTAL;
    given += out[c];
  }
  out.housing += amount - given;
  return out;
}

/** Pure: the pro-rata rule: min(monthlyAmount, floor(reserve / citizens)); 0 with no citizens. */
export function epochShare(monthlyAmount: bigint, reserve: bigint, citizens: bigint): bigint {
  if (citizens <= 0n) return 0n;
  const even = reserve / citizens;
  return even < monthlyAmount ? even : monthlyAmount;
}
