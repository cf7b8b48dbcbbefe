import { expect } from "chai";
import { createHash } from "node:crypto";
import { ruleEngine, type RuleId } from "./engine.ts";
import { rulesArbiterPlugin } from "./plugin.ts";
import type { ArbitrationCase, Decision, IgnoredEvidence, Side, VerifiedEvidence } from "../decider.ts";

/** [side, credibility, support], optionally the party that filed it (default: the same side). */
type D = [Side, number, number, Side?];

function caseWith(n: number): ArbitrationCase {
  return {
    id: 7,
    kind: "penalty_appeal",
    plaintiff: "nxs1plaintiff",
    defendant: "nxs1defendant",
    title: "t",
    summaryHash: "00".repeat(32),
    evidence: Array.from({ length: n }, (_, i) => ({ hash: i.toString(16).padStart(64, "a"), uri: `file:///e/${i}.json`, party: "plaintiff" as Side })),
    status: "open",
    round: 1,
    panel: [],
    rulingDeadlineMs: 0,
    rulings: [],
  };
}

function input(docs: D[], ignored = 0): { case: ArbitrationCase; documents: VerifiedEvidence[]; ignored: IgnoredEvidence[] } {
  const c = caseWith(docs.length + ignored);
  const documents = docs.map(([side, credibility, support, party], index) => ({ item: { ...c.evidence[index]!, party: party ?? side }, index, doc: { side, credibility, support, statement: "s" } }));
  const ign = Array.from({ length: ignored }, (_, k) => ({ item: c.evidence[docs.length + k]!, index: docs.length + k, reason: "hash-mismatch", detail: "x" }));
  return { case: c, documents, ignored: ign };
}

/**
 * The SPEC's rule list as a table (docs/arbiter.md has the same one). Each row: documents,
 * expected S_plaintiff and S_defendant (ppm), the rule, the rule's decision, the confidence
 * (permille), and the decision submitted after the 750 threshold.
 */
const TABLE: { name: string; docs: D[]; sp: number; sd: number; rule: RuleId; ruleDecision: Decision; confidence: number; decision: Decision }[] = [
  { name: "no evidence → dismiss", docs: [], sp: 0, sd: 0, rule: "no-evidence", ruleDecision: "dismiss", confidence: 1000, decision: "dismiss" },
  { name: "only zero-credibility documents count as no evidence → dismiss", docs: [["plaintiff", 0, 1], ["defendant", 0, 1]], sp: 0, sd: 0, rule: "no-evidence", ruleDecision: "dismiss", confidence: 1000, decision: "dismiss" },
  { name: "plaintiff fully supported → plaintiff", docs: [["plaintiff", 1, 1]], sp: 1_000_000, sd: 0, rule: "strong-plaintiff", ruleDecision: "plaintiff", confidence: 1000, decision: "plaintiff" },
  { name: "S_plaintiff 0.700001 (just above 0.7) → plaintiff", docs: [["plaintiff", 1, 0.700001]], sp: 700_001, sd: 0, rule: "strong-plaintiff", ruleDecision: "plaintiff", confidence: 850, decision: "plaintiff" },
  { name: "S_plaintiff exactly 0.7 is not above 0.7 → modify", docs: [["plaintiff", 1, 0.7]], sp: 700_000, sd: 0, rule: "moderate-plaintiff", ruleDecision: "modify", confidence: 850, decision: "modify" },
  { name: "S_defendant 0.8 → defendant", docs: [["defendant", 1, 0.8]], sp: 0, sd: 800_000, rule: "strong-defendant", ruleDecision: "defendant", confidence: 900, decision: "defendant" },
  { name: "S_defendant exactly 0.7 → moderate defendant lead → defendant", docs: [["defendant", 1, 0.7]], sp: 0, sd: 700_000, rule: "moderate-defendant", ruleDecision: "defendant", confidence: 850, decision: "defendant" },
  { name: "strong plaintiff but a gap of 0.42 → confidence 710 → escalate", docs: [["plaintiff", 0.71, 1], ["defendant", 0.29, 1]], sp: 710_000, sd: 290_000, rule: "strong-plaintiff", ruleDecision: "plaintiff", confidence: 710, decision: "escalate" },
  { name: "credibility weighs: a low-credibility defendant document barely counts", docs: [["plaintiff", 0.9, 0.9], ["defendant", 0.1, 1]], sp: 810_000, sd: 100_000, rule: "strong-plaintiff", ruleDecision: "plaintiff", confidence: 855, decision: "plaintiff" },
  { name: "a tie → mediate, confidence 1000", docs: [["plaintiff", 1, 0.5], ["defendant", 1, 0.5]], sp: 250_000, sd: 250_000, rule: "close", ruleDecision: "mediate", confidence: 1000, decision: "mediate" },
  { name: "gap 0.1 → mediate at exactly 750 (stands)", docs: [["plaintiff", 1, 0.6], ["defendant", 1, 0.4]], sp: 300_000, sd: 200_000, rule: "close", ruleDecision: "mediate", confidence: 750, decision: "mediate" },
  { name: "gap 0.1004 → mediate at 749 → escalate", docs: [["plaintiff", 1, 0.6008], ["defendant", 1, 0.4]], sp: 300_400, sd: 200_000, rule: "close", ruleDecision: "mediate", confidence: 749, decision: "escalate" },
  { name: "gap 0.199999 (just below 0.2) → mediate, confidence 500 → escalate", docs: [["plaintiff", 1, 1], ["defendant", 1, 0.600002]], sp: 500_000, sd: 300_001, rule: "close", ruleDecision: "mediate", confidence: 500, decision: "escalate" },
  { name: "gap exactly 0.2 is not below 0.2 → modify, confidence 600 → escalate", docs: [["plaintiff", 1, 1], ["defendant", 1, 0.6]], sp: 500_000, sd: 300_000, rule: "moderate-plaintiff", ruleDecision: "modify", confidence: 600, decision: "escalate" },
  { name: "moderate plaintiff lead, gap 0.5 → modify at 750 (stands)", docs: [["plaintiff", 1, 0.5]], sp: 500_000, sd: 0, rule: "moderate-plaintiff", ruleDecision: "modify", confidence: 750, decision: "modify" },
  { name: "moderate plaintiff lead, gap 0.498 → modify at 749 → escalate", docs: [["plaintiff", 1, 0.498]], sp: 498_000, sd: 0, rule: "moderate-plaintiff", ruleDecision: "modify", confidence: 749, decision: "escalate" },
  { name: "moderate defendant lead, gap 0.2 → defendant at 600 → escalate", docs: [["plaintiff", 1, 0.6], ["defendant", 1, 1]], sp: 300_000, sd: 500_000, rule: "moderate-defendant", ruleDecision: "defendant", confidence: 600, decision: "escalate" },
  { name: "a document counts for the side it names, not the party that filed it", docs: [["plaintiff", 1, 0.9, "defendant"]], sp: 900_000, sd: 0, rule: "strong-plaintiff", ruleDecision: "plaintiff", confidence: 950, decision: "plaintiff" },
];

describe("arbiter rule engine (plugins/arbiters/rules)", () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const r = ruleEngine(input(row.docs));
      expect({ sp: r.sPlaintiffPpm, sd: r.sDefendantPpm, rule: r.rule, ruleDecision: r.ruleDecision, confidence: r.confidence, decision: r.decision }).to.deep.equal({
        sp: row.sp,
        sd: row.sd,
        rule: row.rule,
        ruleDecision: row.ruleDecision,
        confidence: row.confidence,
        decision: row.decision,
      });
      expect(Number.isInteger(r.confidence)).to.equal(true);
      expect(r.decider).to.equal("rules");
    });
  }

  it("ignored documents do not count, and the rationale says how many and why", () => {
    const r = ruleEngine(input([["plaintiff", 1, 0.9]], 2));
    expect(r.decision).to.equal("plaintiff");
    expect(r.rationale).to.include("1 used (plaintiff 1, defendant 0), 2 ignored (hash-mismatch 2)");
  });

  it("the rationale is deterministic text and rationaleHash is the sha256 hex of its UTF-8 bytes", () => {
    const a = ruleEngine(input([["plaintiff", 1, 0.6], ["defendant", 0.5, 0.2]]));
    const b = ruleEngine(input([["plaintiff", 1, 0.6], ["defendant", 0.5, 0.2]]));
    expect(a.rationale).to.equal(b.rationale);
    expect(a.rationaleHash).to.equal(createHash("sha256").update(Buffer.from(a.rationale, "utf8")).digest("hex"));
    expect(a.rationaleHash).to.match(/^[0-9a-f]{64}$/);
    expect(a.rationale).to.include("S_plaintiff=0.400000 S_defendant=0.066667 gap=0.333333");
    expect(a.rationale).to.include("rule: moderate plaintiff lead");
    expect(a.rationale).to.include("-> escalate");
    expect(a.rationale).to.match(/decision: escalate\n$/);
  });

  it("the rules plugin refuses options and decides like the engine", async () => {
    expect(() => rulesArbiterPlugin.create({ id: "rules", options: { x: 1 }, host: {}, dependency: () => undefined as never })).to.throw(/takes no options/);
    const d = await rulesArbiterPlugin.create({ id: "rules", options: {}, host: {}, dependency: () => undefined as never });
    const r = await d.decide(input([["defendant", 1, 1]]));
    expect(r).to.include({ decision: "defendant", confidence: 1000, decider: "rules" });
    expect(Object.keys(r).sort()).to.deep.equal(["confidence", "decider", "decision", "rationale", "rationaleHash"]);
  });
});
