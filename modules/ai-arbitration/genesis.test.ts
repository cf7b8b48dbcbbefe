import { expect } from "chai";
import { ArbitrationChain, addr, AUTHORITY, eventsOf } from "./testing.ts";
import { defaultArbitrationGenesis, type ArbitrationGenesis } from "./genesis.ts";
import { defaultParams } from "./params.ts";
import { NexusError } from "../../runtime/errors.ts";

const P = 1;
const D = 2;

/** A chain with one case in each state: open round 2 with a ruling in, ruled, escalated, closed; one panel member removed. */
function busyChain(): ArbitrationChain {
  const h = new ArbitrationChain({ arbiters: [20, 21, 22, 23, 24, 25, 26] });
  const s = (i: number) => ({ summaryHash: h.evidence("plaintiff", `s${i}`).hash });
  const closed = h.file(P, D, s(1));
  h.ruleAll(closed.id, [["mediate", 900], ["mediate", 900], ["mediate", 900]]);
  h.block(h.case(closed.id).appealDeadlineMs!);
  const appealed = h.file(P, D, s(2));
  h.ruleAll(appealed.id, [["dismiss", 900], ["dismiss", 900], ["dismiss", 900]]);
  h.appeal(P, appealed.id);
  h.rule(h.case(appealed.id).panel[0]!, appealed.id, "plaintiff", 800);
  const ruled = h.file(P, D, s(3));
  h.ruleAll(ruled.id, [["plaintiff", 900], ["plaintiff", 900], ["dismiss", 900]]);
  const escalated = h.file(P, D, s(4));
  h.ruleAll(escalated.id, [["plaintiff", 900], ["dismiss", 900], ["mediate", 900]]);
  const open = h.file(P, D, s(5));
  expect(h.tx(AUTHORITY, "/arbitration.v1.MsgRemoveArbiter", { authority: addr(AUTHORITY), arbiter: open.panel[1]! }).code).to.equal("OK");
  return h;
}

describe("arbitration: genesis", () => {
  it("export then import gives the same arbitration state, byte for byte (derived entries rebuilt), and the imported chain runs on", () => {
    const h = busyChain();
    expect(h.query<{ cases: unknown[] }>("cases").cases.map((c) => (c as { status: string }).status)).to.deep.equal(["closed", "open", "ruled", "escalated", "open"]);
    const doc = h.manager.exportGenesis(h.ctx());
    const g = new ArbitrationChain({ doc: JSON.parse(JSON.stringify(doc)) });
    expect(g.snapshot("arbitration")).to.equal(h.snapshot("arbitration"));
    expect(g.manager.exportGenesis(g.ctx())).to.deep.equal(JSON.parse(JSON.stringify(doc)));
    // Both continue identically: the ruled case closes with its remedy, the open ones decide at their deadline.
    g.time = h.time;
    g.height = h.height;
    g.gov.nextId = h.gov.nextId; // the fake governance's proposal counter is not chain state
    const t = h.case(3).appealDeadlineMs!;
    expect(eventsOf(g.block(t), "arbitration.case_closed")).to.deep.equal(eventsOf(h.block(t), "arbitration.case_closed"));
    const t2 = h.case(5).rulingDeadlineMs;
    expect(g.block(t2).map((e) => e.type)).to.deep.equal(h.block(t2).map((e) => e.type));
    expect(g.snapshot("arbitration")).to.equal(h.snapshot("arbitration"));
  });

  it("paging: cases by id with `after`/`next`, optionally by status", () => {
    const h = busyChain();
    const p1 = h.query<{ cases: { id: number }[]; next: number | null }>("cases", { limit: 2 });
    expect([p1.cases.map((c) => c.id), p1.next]).to.deep.equal([[1, 2], 2]);
    const p2 = h.query<{ cases: { id: number }[]; next: number | null }>("cases", { limit: 2, after: p1.next });
    const p3 = h.query<{ cases: { id: number }[]; next: number | null }>("cases", { limit: 2, after: p2.next });
    expect([p2.cases.map((c) => c.id), p3.cases.map((c) => c.id), p3.next]).to.deep.equal([[3, 4], [5], null]);
    const open = h.query<{ cases: { id: number }[]; next: number | null }>("cases", { status: "open", limit: 1 });
    expect([open.cases.map((c) => c.id), open.next]).to.deep.equal([[2], 2]);
    expect(h.query<{ cases: { id: number }[] }>("cases", { status: "open", after: 2 }).cases.map((c) => c.id)).to.deep.equal([5]);
    expect(h.query("case", { caseId: 99 })).to.equal(null);
  });

  it("refuses invalid genesis: bad params, a case id beyond lastCaseId, a case twice, a ruled case without appeal deadline, too many arbiters", () => {
    const h = busyChain();
    const doc = JSON.parse(JSON.stringify(h.manager.exportGenesis(h.ctx()))) as { bank: unknown; arbitration: ArbitrationGenesis };
    const bad = (a: Partial<ArbitrationGenesis>) => {
      try {
        new ArbitrationChain({ doc: { bank: doc.bank, arbitration: { ...doc.arbitration, ...a } } });
      } catch (e) {
        return e instanceof NexusError ? e.code : String(e);
      }
      return "OK";
    };
    expect(bad({ params: { ...defaultParams(), quorum: 1 } })).to.equal("ARBITRATION_GENESIS_INVALID");
    expect(bad({ lastCaseId: 4 })).to.equal("ARBITRATION_GENESIS_INVALID");
    expect(bad({ cases: [...doc.arbitration.cases, doc.arbitration.cases[0]!] })).to.equal("ARBITRATION_GENESIS_INVALID");
    const ruled = doc.arbitration.cases.find((c) => c.status === "ruled")!;
    const { appealDeadlineMs: _drop, ...noDeadline } = ruled;
    expect(bad({ cases: doc.arbitration.cases.map((c) => (c === ruled ? noDeadline : c)) })).to.equal("ARBITRATION_GENESIS_INVALID");
    expect(bad({ params: { ...doc.arbitration.params, maxArbiters: 3, panelSize: 3 } })).to.equal("ARBITRATION_GENESIS_INVALID");
    // Bonds in cases without the module account's balance: the bonds invariant catches it.
    expect(() => new ArbitrationChain({ doc: { arbitration: doc.arbitration } })).to.throw(/invariants broken: arbitration\/bonds/);
    expect(bad({})).to.equal("OK");
    expect(defaultArbitrationGenesis()).to.deep.equal({ params: defaultParams(), arbiters: [], cases: [], lastCaseId: 0, removed: [] });
  });

  it("a removed panel member: no longer awaited (the round decides once the others ruled), the removal is on record, the invariant holds", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    expect(h.tx(AUTHORITY, "/arbitration.v1.MsgRemoveArbiter", { authority: addr(AUTHORITY), arbiter: c.panel[2]! }).code).to.equal("OK");
    expect(h.query("assigned", { arbiter: c.panel[2]! })).to.deep.equal({ cases: [] });
    h.rule(c.panel[0]!, c.id, "plaintiff", 900);
    const r = h.rule(c.panel[1]!, c.id, "plaintiff", 900);
    expect(eventsOf(r.events, "arbitration.case_ruled")[0]).to.include({ decision: "plaintiff", agreeing: "2" });
    // Registering it again clears the removal record.
    expect(h.tx(AUTHORITY, "/arbitration.v1.MsgRegisterArbiter", { authority: addr(AUTHORITY), arbiter: c.panel[2]! }).code).to.equal("OK");
    expect((h.manager.exportGenesis(h.ctx()).arbitration as ArbitrationGenesis).removed).to.deep.equal([]);
  });
});
