import { POWER_REDUCTION } from "./params.ts";
import type { Validator } from "./types.ts";

/** Consensus power: whole NXT of stake. */
export function powerOf(tokens: bigint): bigint {
  return tokens / POWER_REDUCTION;
}

/** Eligible for the active set: not jailed and at least one unit of power. */
export function eligible(v: Validator): boolean {
  return !v.jailed && powerOf(v.tokens) >= 1n;
}
