import { CONFIDENCE_THRESHOLD, finishRuling, type DecideInput, type Decision, type DeciderRuling } from "../decider.ts";

/**
 * The transparent rule engine of the SPEC ("AI arbitration"), a pure function of the case and
 * its verified evidence documents: same input, same ruling, same rationale bytes, on every
 * machine. docs/arbiter.md gives the same formulas and table.
 *
 * All arithmetic is on integers in parts per million (ppm), so the boundaries 0.7 and 0.2 are
 * exact: a document's credibility and support are rounded to the nearest millionth first.
 *
 *   W            = Σ credibility_i                          over all usable documents
 *   S_plaintiff  = Σ credibility_i · support_i / W          over documents whose side is "plaintiff"
 *   S_defendant  = Σ credibility_i · support_i / W          over documents whose side is "defendant"
 *   gap          = S_plaintiff − S_defendant                (S_plaintiff + S_defendant ≤ 1)
 *
 * A document counts for the side it names (its `side`), whoever filed it.
 *
 * Rules, first match wins:
 *   1. no usable document, or W = 0          → dismiss      confidence 1000
 *   2. S_plaintiff > 0.7                     → plaintiff    confidence 500 + |gap|/2
 *   3. S_defendant > 0.7                     → defendant    confidence 500 + |gap|/2
 *   4. |gap| < 0.2                           → mediate      confidence 1000 − 2.5·|gap|
 *   5. gap ≥ 0.2 (so S_plaintiff ≤ 0.7)      → modify       confidence 500 + |gap|/2   (penalty halved: the case's partialRemedy)
 *   6. otherwise (−gap ≥ 0.2, S_defendant ≤ 0.7, a moderate defendant lead) → defendant, confidence 500 + |gap|/2
 *   then: confidence < 750 (permille)        → escalate (the confidence is kept)
 *
 * Confidence, in permille and rounded half up, measures the margin: for a ruling for one side
 * it grows with the gap (0.5 at no gap, 1 at a gap of 1, 0.75 at a gap of 0.5); for mediation
 * it shrinks as the gap grows (1 at a tie, 0.75 at a gap of 0.1, 0.5 at the 0.2 boundary).
 */

export const PPM = 1_000_000;
/** "one side's credibility-weighted support above 0.7". */
export const STRONG_PPM = 700_000;
/** "gap below 0.2". */
export const CLOSE_GAP_PPM = 200_000;

export type RuleId = "no-evidence" | "strong-plaintiff" | "strong-defendant" | "close" | "moderate-plaintiff" | "moderate-defendant";

export interface RuleEngineResult extends DeciderRuling {
  /** The decision of the rule before the confidence threshold. */
  ruleDecision: Decision;
  rule: RuleId;
  sPlaintiffPpm: number;
  sDefendantPpm: number;
  gapPpm: number;
}

function ppm(x: number): bigint {
  return BigInt(Math.round(x * PPM));
}

/** Round-half-up division of non-negative bigints. */
function divRound(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

function fmt(p: number | bigint): string {
  const v = Number(p);
  const sign = v < 0 ? "-" : "";
  const a = Math.abs(v);
  return `${sign}${Math.floor(a / PPM)}.${String(a % PPM).padStart(6, "0")}`;
}

const RULE_TEXT: Record<RuleId, string> = {
  "no-evidence": "no usable evidence -> dismiss",
  "strong-plaintiff": "S_plaintiff > 0.700000 -> plaintiff",
  "strong-defendant": "S_defendant > 0.700000 -> defendant",
  close: "|gap| < 0.200000 -> mediate",
  "moderate-plaintiff": "moderate plaintiff lead (gap >= 0.200000, S_plaintiff <= 0.700000) -> modify (penalty halved)",
  "moderate-defendant": "moderate defendant lead (-gap >= 0.200000, S_defendant <= 0.700000) -> defendant",
};

/** The rule engine: a ruling from the case and its verified documents. */
export function ruleEngine(input: DecideInput): RuleEngineResult {
  const c = input.case;
  const docs = input.documents;
  let w = 0n;
  let np = 0n;
  let nd = 0n;
  for (const d of docs) {
    const cr = ppm(d.doc.credibility);
    const sp = ppm(d.doc.support);
    w += cr;
    if (d.doc.side === "plaintiff") np += cr * sp;
    else nd += cr * sp;
  }
  let rule: RuleId;
  let decision: Decision;
  let sp = 0;
  let sd = 0;
  let confidence: number;
  if (docs.length === 0 || w === 0n) {
    rule = "no-evidence";
    decision = "dismiss";
    confidence = 1000;
  } else {
    // Σ c·s is in ppm², W in ppm: the quotient is in ppm.
    sp = Number(divRound(np, w));
    sd = Number(divRound(nd, w));
    const gap = Math.abs(sp - sd);
    const sideConfidence = 500 + Number(divRound(BigInt(gap), 2000n));
    if (sp > STRONG_PPM) [rule, decision, confidence] = ["strong-plaintiff", "plaintiff", sideConfidence];
    else if (sd > STRONG_PPM) [rule, decision, confidence] = ["strong-defendant", "defendant", sideConfidence];
    else if (gap < CLOSE_GAP_PPM) [rule, decision, confidence] = ["close", "mediate", 1000 - Number(divRound(BigInt(gap), 400n))];
    else if (sp > sd) [rule, decision, confidence] = ["moderate-plaintiff", "modify", sideConfidence];
    else [rule, decision, confidence] = ["moderate-defendant", "defendant", sideConfidence];
  }
  const gapPpm = sp - sd;
  const count = (side: string): number => docs.filter((d) => d.doc.side === side).length;
  const reasons = new Map<string, number>();
  for (const i of input.ignored) reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
  const ignoredText = input.ignored.length ? ` (${[...reasons].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${r} ${n}`).join(", ")})` : "";
  const lines = [
    `NexusOS rule engine v1: case ${c.id}, round ${c.round}, kind ${c.kind}`,
    `evidence: ${docs.length} used (plaintiff ${count("plaintiff")}, defendant ${count("defendant")}), ${input.ignored.length} ignored${ignoredText}`,
    ...docs.map((d) => `  #${d.index} ${d.item.hash.slice(0, 16)} side=${d.doc.side} credibility=${fmt(ppm(d.doc.credibility))} support=${fmt(ppm(d.doc.support))}`),
    `S = sum(credibility*support) of a side / sum(credibility): S_plaintiff=${fmt(sp)} S_defendant=${fmt(sd)} gap=${fmt(gapPpm)}`,
    `rule: ${RULE_TEXT[rule]}`,
  ];
  const confText = rule === "no-evidence" ? "1000 (no evidence)" : rule === "close" ? `1000 - 2.5*|gap| = ${confidence}` : `500 + |gap|/2 = ${confidence}`;
  const r = finishRuling("rules", decision, confidence, "");
  lines.push(`confidence: ${confText} permille${r.decision !== decision ? ` < ${CONFIDENCE_THRESHOLD} -> escalate` : ""}`);
  lines.push(`decision: ${r.decision}`);
  const rationale = lines.join("\n") + "\n";
  return { ...finishRuling("rules", decision, confidence, rationale), ruleDecision: decision, rule, sPlaintiffPpm: sp, sDefendantPpm: sd, gapPpm };
}
