import { expect } from "chai";
import { defineModuleErrors } from "../../../runtime/tx/errors.ts";
import { ArbitrationChain, addr, eventsOf, ARB_ACCOUNT, BOND, DAY_MS, FORFEIT_TO, FUNDED, NXT, REMEDY_SIGNER } from "../testing.ts";
import type { ArbitrationGenesis } from "../genesis.ts";

const P = 1; // plaintiff
const D = 2; // defendant
const REFUND = 500n * NXT;

/** A governance refusal whose message is longer than a case_escalated event keeps. */
class LongGovError extends defineModuleErrors("govlong", { GOVLONG_REFUSED: 1 }) {}

describe("arbitration outcomes: deciding, escalating and closing", () => {
  it("a ruling one day in puts the appeal deadline on the ruling deadline: at that time the case closes with its remedy and is not decided again", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    h.block(h.time + DAY_MS);
    const ruled = h.ruleAll(c.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    // Filed at t, ruled at t + 1 day: appeal deadline t + 1 + 2 days = ruling deadline t + 3 days.
    expect(eventsOf(ruled.events, "arbitration.case_ruled")).to.deep.equal([
      { caseId: "1", round: "1", decision: "plaintiff", agreeing: "3", meanConfidence: "900", appealDeadlineMs: String(c.rulingDeadlineMs) },
    ]);
    const ev = h.block(c.rulingDeadlineMs);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: "1", outcome: "plaintiff", remedy: "executed" }]);
    expect(eventsOf(ev, "arbitration.case_ruled")).to.deep.equal([]);
    expect(h.case(1)).to.deep.include({ status: "closed", outcome: "plaintiff", remedyResult: "executed", closedAtMs: c.rulingDeadlineMs, appealDeadlineMs: c.rulingDeadlineMs });
    expect(h.balance(addr(P))).to.equal(FUNDED + REFUND);
    expect(h.balance(ARB_ACCOUNT)).to.equal(0n);
  });

  it("the escalation proposal's summary states the reason, round, kind, parties, summary hash and evidence count, and what passing it does", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D, { evidence: [h.evidence("plaintiff", "1"), h.evidence("plaintiff", "2")] });
    h.ruleAll(c.id, [["plaintiff", 900], ["defendant", 900], ["mediate", 900]]);
    expect(h.gov.calls).to.have.length(1);
    expect(h.gov.calls[0]!.summary).to.equal(
      `Escalated by arbitration (no_quorum) in round 1. Kind penalty_appeal; plaintiff ${addr(P)}; defendant ${addr(D)}; ` +
        `summary sha256 ${c.summaryHash}; 2 evidence items. The proposal's messages are the remedy the plaintiff asked for: passing it grants them.`,
    );
  });

  it("the escalation proposal's title is 'Arbitration case <id>: <title>' cut to 200 characters", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D, { title: "x".repeat(200) });
    h.block(c.rulingDeadlineMs);
    expect(h.gov.calls.map((p) => p.title)).to.deep.equal([`Arbitration case 1: ${"x".repeat(180)}`]);
  });

  it("a governance refusal with a long message: case_escalated carries '<code>: <message>' cut to 300 characters, and no proposal", () => {
    const h = new ArbitrationChain();
    h.gov.submitEscalation = () => {
      throw new LongGovError("GOVLONG_REFUSED", `refused: ${"r".repeat(400)}`);
    };
    const c = h.file(P, D);
    const ev = h.block(c.rulingDeadlineMs);
    const error = `GOVLONG_REFUSED: refused: ${"r".repeat(274)}`;
    expect(error).to.have.length(300);
    expect(eventsOf(ev, "arbitration.case_escalated")).to.deep.equal([{ caseId: "1", round: "1", proposalId: "", reason: "no_quorum", error }]);
    expect(h.case(1)).to.deep.include({ status: "escalated", escalationReason: "no_quorum" });
    expect(h.case(1).proposalId).to.equal(undefined);
  });

  it("a remedy whose typeUrl left the allowlist: remedy_failed names the typeUrl that is no longer allowed", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    h.ruleAll(c.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    h.keeper.setParams(h.ctx(), { ...h.keeper.params(h.ctx()), remedyTypeUrls: ["/economy.v1.MsgTreasuryDraw"] });
    const ev = h.block(h.case(c.id).appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.remedy_failed")).to.deep.equal([
      { caseId: "1", code: "ARBITRATION_REMEDY_NOT_ALLOWED", reason: "/bank.v1.MsgSend is no longer among params.remedyTypeUrls" },
    ]);
  });

  it("a remedy the router refuses with a long message: remedy_failed has the router's code and its message cut to 300 characters; the case closes", () => {
    const h = new ArbitrationChain();
    const field = "f".repeat(400);
    const send = { from: REMEDY_SIGNER, to: addr(P), amount: [{ denom: "nxt", amount: REFUND.toString() }], [field]: 1 };
    const c = h.file(P, D, { remedy: [{ typeUrl: "/bank.v1.MsgSend", value: send }] });
    h.ruleAll(c.id, [["plaintiff", 900], ["plaintiff", 900], ["plaintiff", 900]]);
    const ev = h.block(h.case(c.id).appealDeadlineMs!);
    const reason = `message 0 (/bank.v1.MsgSend): value has unknown field "${"f".repeat(245)}`;
    expect(reason).to.have.length(300);
    expect(eventsOf(ev, "arbitration.remedy_failed")).to.deep.equal([{ caseId: "1", code: "ROUTER_INVALID_MSG", reason }]);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: "1", outcome: "plaintiff", remedy: "failed" }]);
    expect(h.balance(addr(P))).to.equal(FUNDED);
  });

  it("genesis refuses a round-2 case without its prior round, and a round-1 case with an appellant", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    h.ruleAll(c.id, [["defendant", 900], ["defendant", 900], ["defendant", 900]]);
    h.appeal(P, c.id);
    h.ruleAll(c.id, [["defendant", 900], ["defendant", 900], ["defendant", 900]]);
    const doc = JSON.parse(JSON.stringify(h.manager.exportGenesis(h.ctx()))) as { bank: unknown; arbitration: ArbitrationGenesis };
    const stored = doc.arbitration.cases[0]!;
    expect(stored).to.deep.include({ status: "ruled", round: 2, appellant: addr(P), appealBond: BOND.toString() });
    expect(stored.priorRounds).to.have.length(1);
    const withCases = (cases: unknown[]) => () => new ArbitrationChain({ doc: { bank: doc.bank, arbitration: { ...doc.arbitration, cases } } });
    expect(withCases([{ ...stored, priorRounds: [] }])).to.throw("ruled case 1 is in round 2 but lists 0 prior rounds (expected 1)");
    const { appellant: _a, appealBond: _b, ...noAppellant } = stored;
    expect(withCases([noAppellant])).to.throw("ruled case 1 is in round 2 without an appellant");
    expect(withCases([{ ...stored, round: 1, priorRounds: [] }])).to.throw("case 1 names an appellant in round 1");
    // The exported document itself imports, and closes the case with the appellant's bond forfeited.
    const g = new ArbitrationChain({ doc: { bank: doc.bank, arbitration: doc.arbitration } });
    const t0 = g.balance(FORFEIT_TO);
    const ev = g.block(stored.appealDeadlineMs!);
    expect(eventsOf(ev, "arbitration.case_closed")).to.deep.equal([{ caseId: "1", outcome: "defendant", remedy: "none" }]);
    // The plaintiff lost both rounds: its filing bond and its appeal bond are forfeited.
    const forfeited = { caseId: "1", who: addr(P), amount: BOND.toString(), to: FORFEIT_TO };
    expect(eventsOf(ev, "arbitration.bond_forfeited")).to.deep.equal([forfeited, forfeited]);
    expect(eventsOf(ev, "arbitration.bond_returned")).to.deep.equal([]);
    expect(g.balance(ARB_ACCOUNT)).to.equal(0n);
    expect(g.balance(FORFEIT_TO) - t0).to.equal(2n * BOND);
  });
});
