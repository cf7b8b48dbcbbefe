import { expect } from "chai";
import { openTestNode, testSigner, removeDir, TEST_CHAIN_ID, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { defaultArbitrationGenesis, type Case } from "../../modules/ai-arbitration/index.ts";
import type { Proposal } from "../../modules/governance/records.ts";
import { blockRunner } from "./testing.ts";
import { nexusModules, NEXUS_AUTHORITY } from "./chain.ts";
import { nexusNetworkGenesis, DEV_VOTING_PERIOD_MS } from "./genesis.ts";

const NXT = 100_000_000n;
const MINUTE = 60_000;
const VALIDATORS = [10, 11, 12, 13, 14];
const ARBITERS = [20, 21, 22];
const PLAINTIFF = 0;
const DEFENDANT = 1;

/**
 * Governance and arbitration bound by chains/nexus: a panel's ruling runs its remedy (a
 * treasury spend) as governance's account; a split panel escalates to a governance proposal
 * carrying the remedy, which the validators pass and which then pays. Five validators in
 * bands 1..5, every module's invariants checked after every block.
 */
describe("chains/nexus: arbitration remedies and escalations through governance", function () {
  this.timeout(60_000);
  let t: TestNode;

  before(async () => {
    const genesis = nexusNetworkGenesis(nexusModules("single"), {
      chainId: TEST_CHAIN_ID,
      genesisTime: GENESIS_TIME,
      devnet: true,
      validators: VALIDATORS.map((n, i) => ({ operator: testSigner(n).address, consensusPubKey: toHex(sha256(utf8(`cons-${n}`))), band: 1 + i, moniker: `v${n}`, stake: 100_000n * NXT })),
      accounts: [PLAINTIFF, DEFENDANT, ...ARBITERS].map((n) => ({ address: testSigner(n).address, amount: 10_000n * NXT })),
    });
    const arbitration = defaultArbitrationGenesis();
    arbitration.params = { ...arbitration.params, rulingPeriodMs: MINUTE, appealPeriodMs: MINUTE, minBond: (100n * NXT).toString(), appealBond: (100n * NXT).toString() };
    arbitration.arbiters = ARBITERS.map((n) => testSigner(n).address);
    (genesis.modules as Record<string, unknown>).arbitration = arbitration;
    t = await openTestNode({ genesis, modules: nexusModules("single") });
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const bal = (n: number): bigint => BigInt(t.node.getBalance(testSigner(n).address, "nxt").amount);
  const query = <T>(path: string, params: Record<string, unknown> = {}): T => t.node.query(path, params) as T;

  /** One transaction per signer, all in one block; their receipts. */
  const block = blockRunner(() => t);
  const ok = (rs: ReceiptView[]): ReceiptView[] => {
    for (const r of rs) expect(r.codeName, r.log).to.equal("OK");
    return rs;
  };
  async function advance(ms: number): Promise<void> {
    t.clock.t += ms;
    await t.node.produceBlock();
  }

  const refund = (to: number, amount: bigint): Msg => ({
    typeUrl: "/economy.v1.MsgTreasurySpend",
    value: { authority: NEXUS_AUTHORITY, recipient: testSigner(to).address, amount: amount.toString(), purpose: "refund of a wrongful penalty" },
  });
  async function file(remedyAmount: bigint): Promise<Case> {
    const [r] = ok(
      await block([
        [
          PLAINTIFF,
          {
            typeUrl: "/arbitration.v1.MsgFileDispute",
            value: {
              plaintiff: testSigner(PLAINTIFF).address,
              defendant: testSigner(DEFENDANT).address,
              kind: "penalty_appeal",
              title: "wrongful penalty",
              summaryHash: "cd".repeat(32),
              evidence: [{ hash: "ef".repeat(32), uri: "https://example.org/e1", party: "plaintiff" }],
              bond: (100n * NXT).toString(),
              remedy: [refund(PLAINTIFF, remedyAmount)],
            },
          },
        ],
      ]),
    );
    const id = Number(r!.events.find((e) => e.type === "arbitration.dispute_filed")!.attributes.caseId);
    return query<Case>("arbitration/case", { caseId: id });
  }
  const rule = (c: Case, decisions: string[]): [number, Msg][] =>
    ARBITERS.map((n, i) => [n, { typeUrl: "/arbitration.v1.MsgSubmitRuling", value: { arbiter: testSigner(n).address, caseId: c.id, round: 1, decision: decisions[i]!, confidence: 900, rationaleHash: "12".repeat(32) } }]);

  it("a standing panel ruling pays its remedy from the treasury as governance's account once the appeal window passes", async () => {
    const c = await file(500n * NXT);
    expect(c.panel).to.have.length(3);
    const before = bal(PLAINTIFF);
    ok(await block(rule(c, ["plaintiff", "plaintiff", "plaintiff"])));
    expect(query<Case>("arbitration/case", { caseId: c.id }).status).to.equal("ruled");
    await advance(MINUTE + 1000);
    const closed = query<Case>("arbitration/case", { caseId: c.id });
    expect(closed.status).to.equal("closed");
    expect(closed.remedyResult).to.equal("executed");
    // The remedy's 500 NXT and the 100 NXT bond came back to the plaintiff.
    expect(bal(PLAINTIFF) - before).to.equal(600n * NXT);
  });

  it("a split panel escalates: governance opens a proposal with the remedy, the validators pass it, and it pays", async () => {
    const c = await file(300n * NXT);
    const before = bal(PLAINTIFF);
    ok(await block(rule(c, ["plaintiff", "defendant", "mediate"])));
    const escalated = query<Case>("arbitration/case", { caseId: c.id });
    expect(escalated.status).to.equal("escalated");
    const p = query<Proposal>("gov/proposal", { proposalId: escalated.proposalId });
    expect(p.status).to.equal("voting_period");
    expect(p.origin).to.equal(`arbitration/case/${c.id}`);
    expect(p.msgs.map((m) => m.typeUrl)).to.deep.equal(["/economy.v1.MsgTreasurySpend"]);
    ok(await block(VALIDATORS.map((n) => [n, { typeUrl: "/gov.v1.MsgVote", value: { voter: testSigner(n).address, proposalId: p.id, option: "yes" } }])));
    await advance(DEV_VOTING_PERIOD_MS);
    const ended = query<Proposal>("gov/proposal", { proposalId: p.id });
    expect(ended.status, ended.failReason).to.equal("passed");
    expect(ended.finalTally!.bandsApproved).to.equal(5);
    // 300 NXT granted by governance; the bond was returned at escalation (no ruling stood).
    expect(bal(PLAINTIFF) - before).to.equal(400n * NXT);
  });

  it("every module's MsgUpdateParams is a proposal message governance may carry (its authority is governance's account)", async () => {
    const modules = ["bank", "staking", "economy", "dex", "bhls", "gov", "arbitration"];
    const rs = await block(
      modules.map((m, i) => [
        // One proposer per proposal keeps them in one block with independent nonces.
        [PLAINTIFF, DEFENDANT, ...ARBITERS, ...VALIDATORS][i]!,
        {
          typeUrl: "/gov.v1.MsgSubmitProposal",
          value: {
            proposer: testSigner([PLAINTIFF, DEFENDANT, ...ARBITERS, ...VALIDATORS][i]!).address,
            band: Band.ATTO,
            title: `${m} params unchanged`,
            summary: "",
            msgs: [{ typeUrl: `/${m}.v1.MsgUpdateParams`, value: { authority: NEXUS_AUTHORITY, params: query(`${m}/params`) } }],
            initialDeposit: { denom: "nxt", amount: (100n * NXT).toString() },
          },
        },
      ]),
    );
    for (const [i, r] of rs.entries()) expect(r.codeName, `${modules[i]}: ${r.log}`).to.equal("OK");
  });

  it("every module's invariants hold", () => {
    const s = t.node.status();
    const ctx = t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height, time: s.latestBlockTime, proposer: "", prevHash: "0".repeat(64) });
    expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal([]);
  });
});
