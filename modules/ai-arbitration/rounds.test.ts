import { expect } from "chai";
import { ArbitrationChain, addr, eventsOf, ARB_ACCOUNT, BOND, DAY_MS, FORFEIT_TO, FUNDED, GOV_FUNDS, NXT, REMEDY_SIGNER } from "./testing.ts";
import type { Case } from "./records.ts";

const P = 1; // plaintiff
const D = 2; // defendant
const REFUND = 500n * NXT;

describe("arbitration: a round from filing to close", () => {
  it("a panel ruling that stands: ruled, then at the appeal deadline the remedy runs through the router and the bond comes back", () => {
    const h = new ArbitrationChain();
    h.block();
    const c = h.file(P, D);
    expect(c).to.deep.include({ id: 1, status: "open", round: 1, rulings: [], bond: BOND.toString(), rulingDeadlineMs: h.time + 3 * DAY_MS, filedAtHeight: h.height });
    expect(c.panel).to.have.length(3);
    expect(h.balance(addr(P))).to.equal(FUNDED - BOND);
    expect(h.balance(ARB_ACCOUNT)).to.equal(BOND);
    // Each panel member sees the case as assigned.
    for (const a of c.panel) expect(h.query<{ cases: Case[] }>("assigned", { arbiter: a }).cases.map((x) => x.id)).to.deep.equal([1]);
    const outsider = h.query<{ arbiters: string[] }>("arbiters").arbiters.find((a) => !c.panel.includes(a))!;
    expect(h.query<{ cases: Case[] }>("assigned", { arbiter: outsider }).cases).to.deep.equal([]);

    h.block();
    expect(h.rule(c.panel[0]!, 1, "plaintiff", 900).code).to.equal("OK");
    expect(h.query<{ cases: Case[] }>("assigned", { arbiter: c.panel[0]! }).cases).to.deep.equal([]);
    expect(h.rule(c.panel[1]!, 1, "plaintiff", 700).code).to.equal("OK");
    expect(h.case(1).status).to.equal("open"); // two of three in: waits for the third or the deadline
    const last = h.rule(c.panel[2]!, 1, "dismiss", 950);
    expect(eventsOf(last.events, "arbitration.case_ruled")).to.deep.equal([
      { caseId: "1", round: "1", decision: "plaintiff", agreeing: "2", meanConfidence: "800", appealDeadlineMs: String(h.time + 2 * DAY_MS) },
    ]);
    const ruled = h.case(1);
    expect(ruled).to.deep.include({ status: "ruled", outcome: "plaintiff", appealDeadlineMs: h.time + 2 * DAY_MS });
    for (const a of c.panel) expect(h.query<{ cases: Case[] }>("assigned", { arbiter: a }).cases).to.deep.equal([]);

    // One ms before the deadline nothing happens; at the deadline the effects run.
    h.block(ruled.appealDeadlineMs! - 1);
    expect(h.case(1).status).to.equal("ruled");
    const ev = h.block(ruled.appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: "1", outcome: "plaintiff", remedy: "executed" }]);
    expect(eventsOf(ev, "bank.transfer").map((t) => t.from)).to.deep.equal([REMEDY_SIGNER, ARB_ACCOUNT]);
    expect(h.case(1)).to.deep.include({ status: "closed", remedyResult: "executed", closedAtMs: ruled.appealDeadlineMs });
    expect(h.balance(addr(P))).to.equal(FUNDED + REFUND);
    expect(h.balance(REMEDY_SIGNER)).to.equal(GOV_FUNDS - REFUND);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
    expect(h.query<{ cases: Case[] }>("cases", { status: "closed" }).cases.map((x) => x.id)).to.deep.equal([1]);
    expect(h.query<{ cases: Case[] }>("cases", { status: "open" }).cases).to.deep.equal([]);
  });

  it("escalates on disagreement (no m agree), on low mean confidence, and on a standing 'escalate'; bonds come back; the proposal carries the remedy", () => {
    const h = new ArbitrationChain();
    const a = h.file(P, D);
    const b = h.file(P, D, { summaryHash: h.evidence("plaintiff", "s2").hash });
    const c = h.file(P, D, { summaryHash: h.evidence("plaintiff", "s3").hash });
    expect(h.balance(ARB_ACCOUNT)).to.equal(3n * BOND);
    const ea = h.ruleAll(a.id, [["plaintiff", 900], ["defendant", 900], ["mediate", 900]]);
    expect(eventsOf(ea.events, "arbitration.case_escalated")).to.deep.equal([{ caseId: String(a.id), round: "1", proposalId: "1", reason: "no_quorum" }]);
    const eb = h.ruleAll(b.id, [["plaintiff", 800], ["plaintiff", 690], ["plaintiff", 750]]);
    expect(eventsOf(eb.events, "arbitration.case_escalated")[0]).to.include({ reason: "low_confidence", proposalId: "2" });
    const ec = h.ruleAll(c.id, [["escalate", 900], ["escalate", 900], ["dismiss", 900]]);
    expect(eventsOf(ec.events, "arbitration.case_escalated")[0]).to.include({ reason: "panel_escalated", proposalId: "3" });
    expect(h.case(a.id)).to.deep.include({ status: "escalated", outcome: "escalate", proposalId: 1, escalationReason: "no_quorum" });
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
    expect(h.balance(addr(P))).to.equal(FUNDED);
    expect(h.gov.calls).to.have.length(3);
    expect(h.gov.calls[0]).to.deep.include({ origin: `arbitration/case/${a.id}`, msgs: a.remedy });
    expect(h.gov.calls[0]!.title).to.equal(`Arbitration case ${a.id}: ${a.title}`);
    // An escalated case takes no more rulings.
    expect(h.rule(a.panel[0]!, a.id, "plaintiff", 900).code).to.equal("ARBITRATION_CASE_NOT_OPEN");
  });

  it("at the ruling deadline decides with what is there: 2 agreeing of 3 stand; 1 ruling escalates; none escalates", () => {
    const h = new ArbitrationChain();
    const a = h.file(P, D);
    const b = h.file(P, D, { summaryHash: h.evidence("plaintiff", "s2").hash });
    const c = h.file(P, D, { summaryHash: h.evidence("plaintiff", "s3").hash });
    h.rule(a.panel[0]!, a.id, "defendant", 800);
    h.rule(a.panel[1]!, a.id, "defendant", 800);
    h.rule(b.panel[0]!, b.id, "defendant", 1000);
    // The deadline is inclusive: a ruling at exactly rulingDeadlineMs counts; the end block of that block decides.
    h.block(a.rulingDeadlineMs - 1);
    expect(h.case(a.id).status).to.equal("open");
    const ev = h.block(a.rulingDeadlineMs);
    expect(eventsOf(ev, "arbitration.case_ruled")).to.deep.include({ caseId: String(a.id), round: "1", decision: "defendant", agreeing: "2", meanConfidence: "800", appealDeadlineMs: String(h.time + 2 * DAY_MS) });
    expect(eventsOf(ev, "arbitration.case_escalated").map((e) => [e.caseId, e.reason])).to.deep.equal([
      [String(b.id), "no_quorum"],
      [String(c.id), "no_quorum"],
    ]);
    // The late third arbiter is refused.
    h.block();
    expect(h.rule(a.panel[2]!, a.id, "plaintiff", 900).code).to.equal("ARBITRATION_CASE_NOT_OPEN");
    // Defendant prevails: no remedy, the plaintiff's bond goes to the forfeit address.
    const t0 = h.balance(FORFEIT_TO);
    const closed = h.block(h.case(a.id).appealDeadlineMs!);
    expect(eventsOf(closed, "arbitration.case_closed")).to.deep.equal([{ caseId: String(a.id), outcome: "defendant", remedy: "none" }]);
    expect(eventsOf(closed, "arbitration.bond_forfeited")).to.deep.equal([{ caseId: String(a.id), who: addr(P), amount: BOND.toString(), to: FORFEIT_TO }]);
    expect(h.balance(FORFEIT_TO) - t0).to.equal(BOND);
    expect(h.balance(addr(P))).to.equal(FUNDED - BOND);
  });

  it("effects by decision: modify runs partialRemedy (penalty halved), mediate runs nothing, dismiss forfeits; bonds returned for modify and mediate", () => {
    const h = new ArbitrationChain();
    const ids = ["modify", "mediate", "dismiss"].map((d, i) => {
      const c = h.file(P, D, { summaryHash: h.evidence("plaintiff", `s${i}`).hash });
      h.ruleAll(c.id, [[d as "modify", 800], [d as "modify", 800], ["plaintiff", 800]]);
      return c.id;
    });
    const t0 = h.balance(FORFEIT_TO);
    const ev = h.block(h.case(ids[0]!).appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([
      { caseId: "1", outcome: "modify", remedy: "executed" },
      { caseId: "2", outcome: "mediate", remedy: "none" },
      { caseId: "3", outcome: "dismiss", remedy: "none" },
    ]);
    expect(h.balance(REMEDY_SIGNER)).to.equal(GOV_FUNDS - REFUND / 2n);
    // Two bonds returned, one forfeited; the refund was half.
    expect(h.balance(addr(P))).to.equal(FUNDED - BOND + REFUND / 2n);
    expect(h.balance(FORFEIT_TO) - t0).to.equal(BOND);
  });

  it("a remedy that fails at execution: the case closes (remedy failed, nothing of it kept), the bond is returned, the block goes on", () => {
    const h = new ArbitrationChain();
    const big = h.file(P, D, h.filing(P, D, {}, GOV_FUNDS + 1n));
    const ok = h.file(P, D, { summaryHash: h.evidence("plaintiff", "s2").hash });
    h.ruleAll(big.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    h.ruleAll(ok.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    const ev = h.block(h.case(big.id).appealDeadlineMs!);
    const failed = eventsOf(ev, "arbitration.remedy_failed");
    expect(failed).to.have.length(1);
    expect(failed[0]).to.include({ caseId: String(big.id), code: "BANK_INSUFFICIENT_FUNDS" });
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([
      { caseId: String(big.id), outcome: "plaintiff", remedy: "failed" },
      { caseId: String(ok.id), outcome: "plaintiff", remedy: "executed" },
    ]);
    expect(h.case(big.id).remedyResult).to.equal("failed");
    expect(h.balance(REMEDY_SIGNER)).to.equal(GOV_FUNDS - REFUND);
    expect(h.balance(addr(P))).to.equal(FUNDED + REFUND);
  });

  it("a remedy whose typeUrl governance removed from the allowlist after filing does not run", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    h.ruleAll(c.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    const p = h.keeper.params(h.ctx());
    h.keeper.setParams(h.ctx(), { ...p, remedyTypeUrls: ["/economy.v1.MsgTreasuryDraw"] });
    const ev = h.block(h.case(c.id).appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: String(c.id), outcome: "plaintiff", remedy: "not_allowed" }]);
    expect(eventsOf(ev, "arbitration.remedy_failed")[0]).to.include({ code: "ARBITRATION_REMEDY_NOT_ALLOWED" });
    expect(h.balance(REMEDY_SIGNER)).to.equal(GOV_FUNDS);
    expect(h.balance(addr(P))).to.equal(FUNDED);
  });

  it("end block work is bounded: maxDuePerBlock deadlines per block, the rest in the next blocks, oldest first", () => {
    const h = new ArbitrationChain({ params: { maxDuePerBlock: 2 } });
    for (let i = 0; i < 5; i++) h.file(P, D, { summaryHash: h.evidence("plaintiff", `s${i}`).hash });
    const deadline = h.case(1).rulingDeadlineMs;
    const counts = [deadline, deadline + 1, deadline + 2].map((t) => eventsOf(h.block(t), "arbitration.case_escalated").map((e) => e.caseId));
    expect(counts).to.deep.equal([["1", "2"], ["3", "4"], ["5"]]);
  });
});
