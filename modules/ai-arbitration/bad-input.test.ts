import { expect } from "chai";
import { Band } from "../../runtime/tx/bands.ts";
import { ArbitrationChain, addr, AUTHORITY, BOND, NXT, type TxResult } from "./testing.ts";
import { ARBITRATION_ERRORS } from "./errors.ts";

const P = 1;
const D = 2;
const FILE = "/arbitration.v1.MsgFileDispute";
const EVIDENCE = "/arbitration.v1.MsgAddEvidence";

/** Runs f and checks it was refused with `code` and left the store exactly as it was. */
function refused(h: ArbitrationChain, code: string, f: () => TxResult): void {
  const before = h.snapshot();
  const r = f();
  expect(r.code, (r.error as Error | undefined)?.message).to.equal(code);
  expect(h.snapshot(), `${code} changed state`).to.equal(before);
}

describe("arbitration: bad input, each with its own code, changing nothing", () => {
  it("filing: unknown kind (schema), bad hashes, too much evidence, low bond, wrong denomination, remedy not allowed, against oneself, too few arbiters", () => {
    const h = new ArbitrationChain({ params: { maxEvidence: 2 } });
    const file = (over: Record<string, unknown>, signer = P) => () => h.tx(signer, FILE, h.filing(P, D, over));
    refused(h, "SCHEMA", file({ kind: "tax_dispute" }));
    refused(h, "ARBITRATION_BAD_HASH", file({ evidence: [{ ...h.evidence("plaintiff", "1"), hash: "abc" }] }));
    refused(h, "ARBITRATION_BAD_HASH", file({ evidence: [{ ...h.evidence("plaintiff", "1"), hash: "A".repeat(64) }] }));
    refused(h, "ARBITRATION_BAD_HASH", file({ summaryHash: "z".repeat(64) }));
    refused(h, "ARBITRATION_TOO_MUCH_EVIDENCE", file({ evidence: ["1", "2", "3"].map((t) => h.evidence("plaintiff", t)) }));
    refused(h, "ARBITRATION_DUPLICATE_EVIDENCE", file({ evidence: [h.evidence("plaintiff", "1"), h.evidence("plaintiff", "1")] }));
    refused(h, "ARBITRATION_EVIDENCE_PARTY", file({ evidence: [h.evidence("defendant", "1")] }));
    refused(h, "ARBITRATION_BOND_TOO_LOW", file({ bond: (BOND - 1n).toString() }));
    refused(h, "ARBITRATION_WRONG_DENOM", file({ bond: `${BOND}usdc` }));
    refused(h, "SCHEMA", file({ bond: "1000 NXT" }));
    refused(h, "ARBITRATION_REMEDY_NOT_ALLOWED", file({ remedy: [{ typeUrl: "/bank.v1.MsgUpdateParams", value: {} }] }));
    refused(h, "ARBITRATION_REMEDY_NOT_ALLOWED", file({ partialRemedy: [{ typeUrl: "/staking.v1.MsgUnbond", value: {} }] }));
    refused(h, "ARBITRATION_SELF_DISPUTE", () => h.tx(P, FILE, h.filing(P, P)));
    // Someone else cannot file in the plaintiff's name (the signer must be the plaintiff).
    refused(h, "ROUTER_UNAUTHORIZED", file({}, D));
    // A bond the plaintiff cannot pay: bank's own error.
    refused(h, "BANK_INSUFFICIENT_FUNDS", file({ bond: (2_000_000n * NXT).toString() }));
    // The bond with its denomination spelled out is fine.
    expect(h.tx(P, FILE, h.filing(P, D, { bond: `${BOND}nxt` })).code).to.equal("OK");
    const few = new ArbitrationChain({ arbiters: [20, 21] });
    refused(few, "ARBITRATION_TOO_FEW_ARBITERS", () => few.tx(P, FILE, few.filing(P, D)));
  });

  it("rulings: unknown case, not on the panel, wrong round, after the deadline, duplicate, removed arbiter, bad rationale hash", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    const [a0, a1] = c.panel as [string, string];
    const outsider = h.keeper.arbiters(h.ctx()).find((a) => !c.panel.includes(a))!;
    refused(h, "ARBITRATION_UNKNOWN_CASE", () => h.rule(a0, 99, "plaintiff", 900, 1));
    refused(h, "ARBITRATION_NOT_ON_PANEL", () => h.rule(outsider, c.id, "plaintiff", 900));
    refused(h, "ARBITRATION_NOT_ON_PANEL", () => h.rule(addr(3), c.id, "plaintiff", 900));
    refused(h, "ARBITRATION_WRONG_ROUND", () => h.rule(a0, c.id, "plaintiff", 900, 2));
    refused(h, "SCHEMA", () => h.tx(a0, "/arbitration.v1.MsgSubmitRuling", { arbiter: a0, caseId: c.id, round: 1, decision: "plaintiff", confidence: 1001, rationaleHash: "0".repeat(64) }));
    refused(h, "SCHEMA", () => h.tx(a0, "/arbitration.v1.MsgSubmitRuling", { arbiter: a0, caseId: c.id, round: 1, decision: "guilty", confidence: 900, rationaleHash: "0".repeat(64) }));
    refused(h, "ARBITRATION_BAD_HASH", () => h.tx(a0, "/arbitration.v1.MsgSubmitRuling", { arbiter: a0, caseId: c.id, round: 1, decision: "plaintiff", confidence: 900, rationaleHash: "xyz" }));
    expect(h.rule(a0, c.id, "plaintiff", 900).code).to.equal("OK");
    refused(h, "ARBITRATION_DUPLICATE_RULING", () => h.rule(a0, c.id, "dismiss", 900));
    expect(h.tx(AUTHORITY, "/arbitration.v1.MsgRemoveArbiter", { authority: addr(AUTHORITY), arbiter: a1 }).code).to.equal("OK");
    refused(h, "ARBITRATION_ARBITER_REMOVED", () => h.rule(a1, c.id, "plaintiff", 900));
    // After the deadline, before the end block that would decide (a backlog): refused as late.
    h.time = c.rulingDeadlineMs + 1;
    refused(h, "ARBITRATION_DEADLINE_PASSED", () => h.rule(c.panel[2]!, c.id, "plaintiff", 900));
  });

  it("evidence: by a non-party, marked for the other side, beyond maxEvidence, duplicate, on a case not open, after the deadline", () => {
    const h = new ArbitrationChain({ params: { maxEvidence: 3 } });
    const c = h.file(P, D);
    const add = (who: number, items: unknown[], caseId = c.id) => () => h.tx(who, EVIDENCE, { party: addr(who), caseId, evidence: items });
    refused(h, "ARBITRATION_NOT_PARTY", add(3, [h.evidence("plaintiff", "x")]));
    refused(h, "ARBITRATION_EVIDENCE_PARTY", add(D, [h.evidence("plaintiff", "x")]));
    refused(h, "ARBITRATION_TOO_MUCH_EVIDENCE", add(D, ["a", "b", "c"].map((t) => h.evidence("defendant", t))));
    refused(h, "ARBITRATION_DUPLICATE_EVIDENCE", add(P, [h.evidence("plaintiff", "1")]));
    refused(h, "ARBITRATION_BAD_HASH", add(D, [{ ...h.evidence("defendant", "a"), hash: "00" }]));
    refused(h, "ARBITRATION_UNKNOWN_CASE", add(D, [h.evidence("defendant", "a")], 42));
    const r = h.tx(D, EVIDENCE, { party: addr(D), caseId: c.id, evidence: [h.evidence("defendant", "a")] });
    expect(r.code).to.equal("OK");
    expect(r.events.find((e) => e.type === "arbitration.evidence_added")?.attributes).to.deep.equal({ caseId: String(c.id), party: "defendant", count: "1", total: "2" });
    expect(h.case(c.id).evidence.map((e) => e.party)).to.deep.equal(["plaintiff", "defendant"]);
    h.time = c.rulingDeadlineMs + 1;
    refused(h, "ARBITRATION_DEADLINE_PASSED", add(D, [h.evidence("defendant", "b")]));
    h.block(c.rulingDeadlineMs + 2);
    refused(h, "ARBITRATION_CASE_NOT_OPEN", add(D, [h.evidence("defendant", "b")]));
  });

  it("appeals: by a non-party, outside the window (open, closed), low bond, wrong denomination, unknown case, third appeal", () => {
    const h = new ArbitrationChain();
    const c = h.file(P, D);
    refused(h, "ARBITRATION_NOT_APPEALABLE", () => h.appeal(P, c.id));
    h.ruleAll(c.id, [["dismiss", 900], ["dismiss", 900], ["dismiss", 900]]);
    refused(h, "ARBITRATION_NOT_PARTY", () => h.appeal(3, c.id));
    refused(h, "ARBITRATION_UNKNOWN_CASE", () => h.appeal(P, 77));
    refused(h, "ARBITRATION_BOND_TOO_LOW", () => h.appeal(P, c.id, BOND - 1n));
    refused(h, "ARBITRATION_WRONG_DENOM", () => h.tx(P, "/arbitration.v1.MsgAppeal", { appellant: addr(P), caseId: c.id, bond: `${BOND}weth` }));
    refused(h, "BANK_INSUFFICIENT_FUNDS", () => h.appeal(P, c.id, 2_000_000n * NXT));
    h.time = h.case(c.id).appealDeadlineMs! + 1;
    refused(h, "ARBITRATION_NOT_APPEALABLE", () => h.appeal(P, c.id));
    h.time = h.case(c.id).appealDeadlineMs!;
    expect(h.appeal(P, c.id).code).to.equal("OK");
    refused(h, "ARBITRATION_NOT_APPEALABLE", () => h.appeal(D, c.id)); // round 2 is open, not ruled
    h.ruleAll(c.id, [["dismiss", 900], ["dismiss", 900], ["dismiss", 900]]);
    expect(h.appeal(D, c.id).code).to.equal("OK");
    refused(h, "ARBITRATION_NO_MORE_APPEALS", () => h.appeal(P, c.id));
  });

  it("authority messages: non-authority refused; arbiter registered twice; unknown arbiter removed; too many arbiters; params need ATTO and valid values", () => {
    const h = new ArbitrationChain({ params: { maxArbiters: 7 } });
    const reg = (signer: number, arbiter: number) => () => h.tx(signer, "/arbitration.v1.MsgRegisterArbiter", { authority: addr(signer), arbiter: addr(arbiter) });
    const rem = (signer: number, arbiter: number) => () => h.tx(signer, "/arbitration.v1.MsgRemoveArbiter", { authority: addr(signer), arbiter: addr(arbiter) });
    refused(h, "ARBITRATION_UNAUTHORIZED", reg(3, 26));
    refused(h, "ARBITRATION_ARBITER_EXISTS", reg(AUTHORITY, 20));
    refused(h, "ARBITRATION_UNAUTHORIZED", rem(3, 20));
    refused(h, "ARBITRATION_UNKNOWN_ARBITER", rem(AUTHORITY, 26));
    const ok = reg(AUTHORITY, 26)();
    expect(ok.code).to.equal("OK");
    expect(ok.events).to.deep.equal([{ type: "arbitration.arbiter_registered", attributes: { arbiter: addr(26) } }]);
    refused(h, "ARBITRATION_TOO_MANY_ARBITERS", reg(AUTHORITY, 27));
    expect(rem(AUTHORITY, 26)().code).to.equal("OK");
    expect(h.query<{ arbiters: string[] }>("arbiters").arbiters).to.not.include(addr(26));

    const params = { ...h.keeper.params(h.ctx()), panelSize: 5, quorum: 3 };
    const upd = (signer: number, p: unknown, band = Band.ATTO) => () => h.tx(signer, "/arbitration.v1.MsgUpdateParams", { authority: addr(signer), params: p }, band);
    refused(h, "ROUTER_BAND_TOO_LOW", upd(AUTHORITY, params, Band.NANO));
    refused(h, "ARBITRATION_UNAUTHORIZED", upd(3, params));
    refused(h, "ARBITRATION_INVALID_PARAMS", upd(AUTHORITY, { ...params, quorum: 2 })); // not a majority of 5
    refused(h, "ARBITRATION_INVALID_PARAMS", upd(AUTHORITY, { ...params, quorum: 6 }));
    refused(h, "ARBITRATION_INVALID_PARAMS", upd(AUTHORITY, { ...params, minBond: "0" }));
    refused(h, "ARBITRATION_INVALID_PARAMS", upd(AUTHORITY, { ...params, remedyTypeUrls: ["/arbitration.v1.MsgAppeal"] }));
    refused(h, "SCHEMA", upd(AUTHORITY, { ...params, minConfidence: 1001 }));
    const r = upd(AUTHORITY, params)();
    expect(r.code).to.equal("OK");
    expect(h.query("params")).to.deep.equal(params);
    // The new panel size applies to the next filing.
    expect(h.file(P, D).panel).to.have.length(5);
  });

  it("every error code of the table is exercised by a test in this folder", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL(".", import.meta.url);
    const text = readdirSync(dir)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => readFileSync(new URL(f, dir), "utf8"))
      .join("\n");
    const missing = Object.keys(ARBITRATION_ERRORS).filter((code) => !text.includes(`"${code}"`) && !text.includes(`/^${code}/`));
    expect(missing).to.deep.equal([]);
  });
});
