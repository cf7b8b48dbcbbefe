import { expect } from "chai";
import { ArbitrationChain, addr, eventsOf, ARB_ACCOUNT, BOND, FORFEIT_TO, FUNDED, GOV_FUNDS, NXT, REMEDY_SIGNER } from "./testing.ts";

const P = 1;
const D = 2;
const REFUND = 500n * NXT;

/** A case whose round 1 stood for `decision`. */
function ruledCase(h: ArbitrationChain, decision: "plaintiff" | "defendant" | "dismiss" = "defendant"): number {
  const c = h.file(P, D);
  h.ruleAll(c.id, [[decision, 900], [decision, 900], [decision, 900]]);
  return c.id;
}

describe("arbitration: appeals", () => {
  it("the first appeal goes to a fresh panel that excludes round 1's; the appellant's bond is held; round 2 runs like round 1", () => {
    const h = new ArbitrationChain();
    const id = ruledCase(h, "defendant");
    const first = h.case(id).panel;
    h.block();
    const r = h.appeal(P, id);
    expect(r.code).to.equal("OK");
    expect(eventsOf(r.events, "arbitration.appealed")).to.deep.equal([{ caseId: String(id), round: "1", appellant: addr(P), bond: BOND.toString() }]);
    const c = h.case(id);
    expect(c).to.deep.include({ status: "open", round: 2, appeals: 1, appellant: addr(P), appealBond: BOND.toString(), rulings: [], drawnAtHeight: h.height });
    expect(c.outcome).to.equal(undefined);
    expect(c.appealDeadlineMs).to.equal(undefined);
    expect(c.panel).to.have.length(3);
    for (const a of c.panel) expect(first).to.not.include(a);
    expect(c.priorRounds).to.have.length(1);
    expect(c.priorRounds[0]).to.deep.include({ round: 1, panel: first, outcome: "defendant" });
    expect(eventsOf(r.events, "arbitration.assigned").map((e) => [e.arbiter, e.round])).to.deep.equal(c.panel.map((a) => [a, "2"]));
    expect(h.balance(ARB_ACCOUNT)).to.equal(2n * BOND);
    // Round 1's arbiters are no longer on the panel; a ruling for round 1 is the wrong round.
    expect(h.rule(first[0]!, id, "plaintiff", 900, 2).code).to.equal("ARBITRATION_NOT_ON_PANEL");
    expect(h.rule(c.panel[0]!, id, "plaintiff", 900, 1).code).to.equal("ARBITRATION_WRONG_ROUND");
    // Round 2 reverses round 1: the appellant's bond comes back, and the plaintiff's, and the remedy runs.
    h.ruleAll(id, [["plaintiff", 900], ["plaintiff", 800], ["defendant", 900]]);
    expect(h.case(id)).to.deep.include({ status: "ruled", round: 2, outcome: "plaintiff" });
    const ev = h.block(h.case(id).appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: String(id), outcome: "plaintiff", remedy: "executed" }]);
    expect(eventsOf(ev, "arbitration.bond_returned").map((e) => [e.who, e.amount])).to.deep.equal([
      [addr(P), BOND.toString()],
      [addr(P), BOND.toString()],
    ]);
    expect(h.balance(addr(P))).to.equal(FUNDED + REFUND);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
  });

  it("round 2 confirms round 1: the appellant's bond is forfeited (and the defendant appellant's plaintiff-won case pays the remedy)", () => {
    const h = new ArbitrationChain();
    const id = ruledCase(h, "plaintiff");
    expect(h.appeal(D, id).code).to.equal("OK");
    h.ruleAll(id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    const t0 = h.balance(FORFEIT_TO);
    const ev = h.block(h.case(id).appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.bond_forfeited")).to.deep.equal([{ caseId: String(id), who: addr(D), amount: BOND.toString(), to: FORFEIT_TO }]);
    expect(h.balance(FORFEIT_TO) - t0).to.equal(BOND);
    expect(h.balance(addr(D))).to.equal(FUNDED - BOND);
    expect(h.balance(addr(P))).to.equal(FUNDED + REFUND);
  });

  it("the second appeal goes to governance: a proposal with the remedy; round 2's ruling settles the bonds; a third appeal is refused", () => {
    const h = new ArbitrationChain();
    const id = ruledCase(h, "defendant");
    h.appeal(P, id);
    h.ruleAll(id, [["defendant", 900], ["defendant", 900], ["defendant", 900]]);
    const t0 = h.balance(FORFEIT_TO);
    const r = h.appeal(P, id);
    expect(r.code).to.equal("OK");
    expect(eventsOf(r.events, "arbitration.appealed")).to.deep.equal([{ caseId: String(id), round: "2", appellant: addr(P), bond: BOND.toString() }]);
    expect(eventsOf(r.events, "arbitration.case_escalated")).to.deep.equal([{ caseId: String(id), round: "2", proposalId: "1", reason: "second_appeal" }]);
    expect(eventsOf(r.events, "govfake.proposal")).to.deep.equal([{ id: "1", origin: `arbitration/case/${id}` }]);
    expect(h.gov.calls).to.have.length(1);
    expect(h.gov.calls[0]!.msgs).to.deep.equal(h.case(id).remedy);
    const c = h.case(id);
    expect(c).to.deep.include({ status: "escalated", outcome: "escalate", proposalId: 1, appeals: 2, escalationReason: "second_appeal" });
    expect(c.priorRounds.map((x) => [x.round, x.outcome])).to.deep.equal([
      [1, "defendant"],
      [2, "defendant"],
    ]);
    // Round 2 said defendant: the plaintiff's bond and its first appeal's bond are forfeited; the second appeal's bond was never taken.
    expect(h.balance(FORFEIT_TO) - t0).to.equal(2n * BOND);
    expect(h.balance(addr(P))).to.equal(FUNDED - 2n * BOND);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
    expect(h.appeal(P, id).code).to.equal("ARBITRATION_NO_MORE_APPEALS");
    expect(h.appeal(D, id).code).to.equal("ARBITRATION_NO_MORE_APPEALS");
  });

  it("a first appeal with too few arbiters left for a fresh panel goes to governance; no appeal bond is taken, the plaintiff's is returned", () => {
    const h = new ArbitrationChain({ arbiters: [20, 21, 22, 23, 24] });
    const id = ruledCase(h, "dismiss");
    const r = h.appeal(P, id);
    expect(r.code).to.equal("OK");
    expect(eventsOf(r.events, "arbitration.case_escalated")).to.deep.equal([{ caseId: String(id), round: "1", proposalId: "1", reason: "too_few_arbiters" }]);
    expect(h.case(id)).to.deep.include({ status: "escalated", appeals: 1 });
    expect(h.balance(addr(P))).to.equal(FUNDED);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
  });

  it("a round 2 without a standing ruling escalates and returns both bonds", () => {
    const h = new ArbitrationChain();
    const id = ruledCase(h, "defendant");
    h.appeal(D, id);
    const ev = h.block(h.case(id).rulingDeadlineMs);
    expect(eventsOf(ev, "arbitration.case_escalated")).to.deep.equal([{ caseId: String(id), round: "2", proposalId: "1", reason: "no_quorum" }]);
    expect(h.balance(addr(P))).to.equal(FUNDED);
    expect(h.balance(addr(D))).to.equal(FUNDED);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
  });

  it("appeal window: open until appealDeadlineMs inclusive, then the case closes and appeals are refused", () => {
    const h = new ArbitrationChain();
    const id = ruledCase(h, "defendant");
    const deadline = h.case(id).appealDeadlineMs!;
    h.block(deadline - 1);
    expect(h.case(id).status).to.equal("ruled");
    // At the deadline block the appeal runs before the end block would close the case.
    h.time = deadline;
    expect(h.appeal(P, id).code).to.equal("OK");
    const h2 = new ArbitrationChain();
    const id2 = ruledCase(h2, "defendant");
    h2.block(h2.case(id2).appealDeadlineMs!);
    expect(h2.case(id2).status).to.equal("closed");
    expect(h2.appeal(P, id2).code).to.equal("ARBITRATION_NOT_APPEALABLE");
  });

  it("governance refuses the escalation: the case is escalated without a proposal, nothing governance wrote survives", () => {
    const h = new ArbitrationChain();
    h.gov.refuse = true;
    const c = h.file(P, D);
    const r = h.ruleAll(c.id, [["plaintiff", 900], ["defendant", 900], ["mediate", 900]]);
    expect(r.code).to.equal("OK");
    const e = eventsOf(r.events, "arbitration.case_escalated")[0]!;
    expect(e).to.include({ proposalId: "", reason: "no_quorum" });
    expect(e.error).to.match(/^GOVFAKE_REFUSED/);
    expect(h.case(c.id).proposalId).to.equal(undefined);
    expect(h.ctx().kv("govfake").get(new TextEncoder().encode("proposal/1"))).to.equal(undefined);
    expect(h.balance(addr(P))).to.equal(FUNDED);
  });

  it("no governance bound: escalation is recorded with the reason, the chain goes on", () => {
    const h = new ArbitrationChain({ governance: false });
    const c = h.file(P, D);
    const ev = h.block(c.rulingDeadlineMs);
    const e = eventsOf(ev, "arbitration.case_escalated")[0]!;
    expect(e).to.include({ caseId: String(c.id), proposalId: "" });
    expect(e.error).to.match(/^ARBITRATION_NO_GOVERNANCE/);
    expect(h.balance(REMEDY_SIGNER)).to.equal(GOV_FUNDS);
  });
});
