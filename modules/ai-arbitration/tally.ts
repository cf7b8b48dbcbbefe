import { DECISIONS, type Decision } from "./records.ts";

export interface TallyRules {
  /** m: agreeing rulings a decision needs. */
  readonly quorum: number;
  /** Least mean confidence (permille) of the agreeing rulings. */
  readonly minConfidence: number;
}

export type TallyResult =
  | { readonly stands: true; readonly decision: Decision; readonly agreeing: number; readonly meanConfidence: number }
  | { readonly stands: false; readonly reason: "no_quorum" | "tie" | "low_confidence"; readonly decision?: Decision; readonly agreeing: number; readonly meanConfidence?: number };

/**
 * The ruling rule, a pure function of the rulings in: a decision stands when at least `quorum`
 * rulings agree on it and their mean confidence is at least `minConfidence` (compared as
 * sum ≥ minConfidence × count: no division, no rounding). The decision with the most votes is
 * the candidate; two with the most votes (possible only when quorum is not a strict majority,
 * which params refuse) are a "tie". meanConfidence is reported floored.
 */
export function tally(rulings: readonly { decision: Decision; confidence: number }[], rules: TallyRules): TallyResult {
  const count = new Map<Decision, number>();
  const sum = new Map<Decision, number>();
  for (const r of rulings) {
    count.set(r.decision, (count.get(r.decision) ?? 0) + 1);
    sum.set(r.decision, (sum.get(r.decision) ?? 0) + r.confidence);
  }
  let best: Decision | undefined;
  let tied = false;
  for (const d of DECISIONS) {
    const c = count.get(d) ?? 0;
    if (c === 0) continue;
    const b = best === undefined ? 0 : count.get(best)!;
    if (c > b) {
      best = d;
      tied = false;
    } else if (c === b) tied = true;
  }
  if (best === undefined) return { stands: false, reason: "no_quorum", agreeing: 0 };
  const agreeing = count.get(best)!;
  const total = sum.get(best)!;
  const meanConfidence = Math.floor(total / agreeing);
  if (agreeing < rules.quorum) return { stands: false, reason: "no_quorum", decision: best, agreeing, meanConfidence };
  if (tied) return { stands: false, reason: "tie", agreeing, meanConfidence };
  if (total < rules.minConfidence * agreeing) return { stands: false, reason: "low_confidence", decision: best, agreeing, meanConfidence };
  return { stands: true, decision: best, agreeing, meanConfidence };
}
