/**
 * Arbitration rulings per second, and what deciding a round costs: --cases disputes filed
 * (each drawing a panel of 3 from --arbiters registered arbiters), then every panel member's
 * MsgSubmitRuling, in a shuffled order across cases, processed through the module's message
 * handlers.
 *
 *   npx tsx bench/arbitration-rulings.ts [--arbiters 50 --cases 3000 --block-rulings 1000]
 *
 * Keeper level, on a real store: bank, staking, governance and arbitration wired as
 * chains/nexus wires them (ModuleManager; escalations open governance proposals), over the
 * authenticated store on lmdb opened as the node opens state.lmdb. Each message runs through
 * the message router as a transaction's message does (schema, stateless checks, signer, band,
 * handler, on its own nested branch), in blocks of --block-rulings whose changes are staged and
 * committed; the journal is applied between blocks as an idle node would. Not included:
 * transaction decoding, signature checks, fees and mempool (bench/node-transfers.ts measures
 * those for a transfer). The ruling that completes a panel decides the round in the same
 * handler (tally; status ruled with an appeal window, or escalation to a governance
 * proposal): its cost against a panel's first and second rulings is the decision's cost.
 * Prints a table and writes bench/results/arbitration-rulings.json; nothing is asserted.
 */
import { Command } from "commander";
import { taggedAccount as account, seededRandom as rng } from "./lib/state-helpers.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { open, type RootDatabase } from "lmdb";
import { openAuthenticatedStore } from "../runtime/state/lmdb-store.ts";
import type { TreeStore } from "../runtime/state/authenticated-store.ts";
import { Branch } from "../runtime/state/branch.ts";
import type { KVStore } from "../runtime/state/types.ts";
import { ExecContext } from "../runtime/modules/context.ts";
import { ModuleManager } from "../runtime/modules/manager.ts";
import { MSG_ROUTER_TOKEN, type MsgRouter } from "../runtime/modules/msg-router.ts";
import type { ChainModule } from "../runtime/modules/types.ts";
import { moduleAddress } from "../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../runtime/crypto/hash.ts";
import { Band } from "../runtime/tx/bands.ts";
import { BankTokens, createBankModule } from "../modules/bank/index.ts";
import { defaultBlockedAccounts, defaultModuleAccountPermissions } from "../modules/bank/permissions.ts";
import { defaultBankGenesis } from "../modules/bank/genesis.ts";
import { NXT } from "../modules/bank/params.ts";
import { createStakingModule, StakingTokens, defaultStakingParams } from "../modules/staking/index.ts";
import { createGovModule, GovTokens, GOV_DEPOSITS } from "../modules/governance/index.ts";
import { defaultGovGenesis } from "../modules/governance/genesis.ts";
import { createArbitrationModule, ArbitrationTokens, ARBITRATION_BLOCKED_ACCOUNTS, defaultArbitrationGenesis, defaultArbitrationParams, tally as arbitrationTally, type ArbitrationKeeper, type Case, type Decision } from "../modules/ai-arbitration/index.ts";
import { ArbitrationTypeUrls } from "../modules/ai-arbitration/msgs.ts";
import { writeResults, rssMiB, progress } from "./lib/results.ts";

const opts = new Command()
  .description("arbitration: MsgSubmitRuling through the module's message handlers on lmdb; rulings/s and the cost of the ruling that decides a round")
  .option("--arbiters <n>", "registered arbiters (params.maxArbiters is raised when above 100)", "50")
  .option("--cases <n>", "disputes filed (panel of 3 each), so 3× rulings", "3000")
  .option("--plaintiffs <n>", "distinct filing accounts", "500")
  .option("--block-rulings <n>", "messages per committed block", "1000")
  .parse()
  .opts<{ arbiters: string; cases: string; plaintiffs: string; blockRulings: string }>();

const ARBITERS = Number(opts.arbiters);
const CASES = Number(opts.cases);
const PLAINTIFFS = Number(opts.plaintiffs);
const PER_BLOCK = Number(opts.blockRulings);
const PANEL = 3;
if (ARBITERS < PANEL) throw new Error(`--arbiters must be at least ${PANEL}`);

const CHAIN = "nexus-bench-1";
const GENESIS = 1_767_225_600_000;
const GOV = moduleAddress("gov");
const BOND = 1000n * NXT;

const arbiter = (i: number): string => account(0xa7, i);
const plaintiff = (i: number): string => account(0x91, i);
const defendant = (i: number): string => account(0xdf, i);
const hex = (s: string): string => toHex(sha256(utf8(s)));


/** bank, staking, governance and arbitration as chains/nexus wires them. */
function modules(): ChainModule[] {
  const bank = createBankModule({ authority: GOV, permissions: { ...defaultModuleAccountPermissions(), [GOV_DEPOSITS]: ["burner"] }, blockedAccounts: [...defaultBlockedAccounts(), GOV_DEPOSITS, ...ARBITRATION_BLOCKED_ACCOUNTS] });
  const staking = createStakingModule({ authority: GOV });
  const gov = createGovModule({ staking: StakingTokens.Keeper, paramsOf: { bank: BankTokens.Keeper, staking: StakingTokens.Keeper, arbitration: ArbitrationTokens.Keeper } });
  const arbitration = createArbitrationModule({ authority: GOV, governance: GovTokens.Keeper });
  return [bank, staking, gov, arbitration];
}

/**
 * How a case's panel rules (by case index): mostly a clear ruling that stands; some that
 * escalate to governance (low confidence, no majority, the panel asks for it).
 */
type Scenario = "stands_unanimous" | "stands_2_of_3" | "low_confidence" | "no_quorum" | "panel_escalates";
function scenario(i: number): Scenario {
  const k = i % 20;
  if (k < 14) return "stands_unanimous"; // 70%
  if (k < 16) return "stands_2_of_3"; // 10%
  if (k < 18) return "low_confidence"; // 10%
  if (k < 19) return "no_quorum"; // 5%
  return "panel_escalates"; // 5%
}
function ruling(s: Scenario, member: number): { decision: Decision; confidence: number } {
  switch (s) {
    case "stands_unanimous":
      return { decision: "plaintiff", confidence: 820 + 40 * member };
    case "stands_2_of_3":
      return member < 2 ? { decision: "defendant", confidence: 900 } : { decision: "dismiss", confidence: 700 };
    case "low_confidence":
      return { decision: "plaintiff", confidence: 500 };
    case "no_quorum":
      return { decision: (["plaintiff", "defendant", "modify"] as const)[member]!, confidence: 900 };
    case "panel_escalates":
      return { decision: "escalate", confidence: 950 };
  }
}

class Chain {
  readonly dir = mkdtempSync(join(tmpdir(), "nexus-bench-arb-"));
  readonly db: RootDatabase = open({ path: this.dir, overlappingSync: false, mapSize: 8 * 2 ** 30, noMetaSync: true });
  readonly store: TreeStore = openAuthenticatedStore(this.db, { autoApply: false });
  readonly manager = new ModuleManager(modules());
  readonly router = this.manager.container.get<MsgRouter>(MSG_ROUTER_TOKEN);
  readonly keeper = this.manager.container.get<ArbitrationKeeper>(ArbitrationTokens.Keeper);
  height = 0;
  time = GENESIS;

  ctx(store: KVStore, height: number, time: number): ExecContext {
    return new ExecContext({ chainId: CHAIN, height, time, proposer: "", prevHash: hex(`block-${height}`) }, height === 0 ? "genesis" : "deliver", store);
  }

  /** One committed block; returns the stage+commit(+apply) time. */
  block(f: (ctx: ExecContext) => void, genesis = false): { commitMs: number; applyMs: number } {
    const height = genesis ? 0 : this.height + 1;
    this.time += 1000;
    const branch = new Branch(this.store);
    f(this.ctx(branch, height, this.time));
    let t = performance.now();
    this.store.stage(branch.changes()).commit(++this.height);
    const commitMs = performance.now() - t;
    t = performance.now();
    this.store.applyPending();
    return { commitMs, applyMs: performance.now() - t };
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const us = (ms: number): number => Math.round(ms * 1000);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const c = new Chain();
console.log(`arbitration-rulings bench: node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}; state on lmdb in ${c.dir}`);

c.block((ctx) => {
  const bank = defaultBankGenesis();
  bank.balances = [];
  const filings = Math.ceil(CASES / PLAINTIFFS);
  for (let i = 0; i < PLAINTIFFS; i++) bank.balances.push({ address: plaintiff(i), coins: [{ denom: "nxt", amount: (BigInt(filings) * BOND + 100n * NXT).toString() }] });
  bank.moduleBalances = [{ module: "gov", coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] }];
  const arbitration = {
    ...defaultArbitrationGenesis(),
    params: { ...defaultArbitrationParams(), panelSize: PANEL, quorum: 2, maxArbiters: Math.max(100, ARBITERS), remedyTypeUrls: ["/bank.v1.MsgSend"] },
    arbiters: Array.from({ length: ARBITERS }, (_, i) => arbiter(i)),
  };
  c.manager.initGenesis(ctx, { bank, staking: { params: defaultStakingParams(), validators: [] }, gov: defaultGovGenesis(), arbitration });
}, true);

// ---- filings --------------------------------------------------------------------------------------

const fileMs: number[] = [];
let caseIds: number[] = [];
for (let k = 0; k < CASES; k += PER_BLOCK) {
  c.block((ctx) => {
    for (let i = k; i < Math.min(CASES, k + PER_BLOCK); i++) {
      const p = plaintiff(i % PLAINTIFFS);
      const value = {
        plaintiff: p,
        defendant: defendant(i),
        kind: "penalty_appeal",
        title: `Slashed while offline for maintenance (${i})`,
        summaryHash: hex(`summary-${i}`),
        evidence: [{ hash: hex(`evidence-${i}`), uri: `https://evidence.example/${i}/1.json`, party: "plaintiff" }],
        bond: BOND.toString(),
        remedy: [{ typeUrl: "/bank.v1.MsgSend", value: { from: GOV, to: p, amount: [{ denom: "nxt", amount: (500n * NXT).toString() }] } }],
        partialRemedy: [{ typeUrl: "/bank.v1.MsgSend", value: { from: GOV, to: p, amount: [{ denom: "nxt", amount: (250n * NXT).toString() }] } }],
      };
      const t = performance.now();
      const { events } = c.router.execute(ctx, { signer: p, band: Band.NANO, msgs: [{ typeUrl: ArbitrationTypeUrls.FileDispute, value }] });
      fileMs.push(performance.now() - t);
      caseIds.push(Number(events.find((e) => e.type === "arbitration.dispute_filed")!.attributes.caseId));
    }
  });
  progress("filings (MsgFileDispute through the router, committed per block)", Math.min(CASES, k + PER_BLOCK), CASES);
}

// ---- rulings ----------------------------------------------------------------------------------------

interface Ruling {
  caseIndex: number;
  caseId: number;
  member: number;
  arbiter: string;
}
const view = c.ctx(new Branch(c.store), c.height + 1, c.time);
const panels = caseIds.map((id) => c.keeper.case(view, id)!.panel);
const rulings: Ruling[] = [];
for (let i = 0; i < CASES; i++) for (let m = 0; m < PANEL; m++) rulings.push({ caseIndex: i, caseId: caseIds[i]!, member: m, arbiter: panels[i]![m]! });
{
  const rand = rng(7);
  for (let k = rulings.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [rulings[k], rulings[j]] = [rulings[j]!, rulings[k]!];
  }
}
const arrived = new Map<number, number>();
const times = { first: [] as number[], second: [] as number[], decidesStands: [] as number[], decidesEscalates: [] as number[] };
const blockExecMs: number[] = [];
const blockCommitMs: number[] = [];
const blockApplyMs: number[] = [];
let failed = 0;
for (let k = 0; k < rulings.length; k += PER_BLOCK) {
  let execMs = 0;
  const timing = c.block((ctx) => {
    for (const r of rulings.slice(k, k + PER_BLOCK)) {
      const { decision, confidence } = ruling(scenario(r.caseIndex), r.member);
      const value = { arbiter: r.arbiter, caseId: r.caseId, round: 1, decision, confidence, rationaleHash: hex(`${r.arbiter}-${r.caseId}`) };
      const n = arrived.get(r.caseId) ?? 0;
      const t = performance.now();
      try {
        c.router.execute(ctx, { signer: r.arbiter, band: Band.NANO, msgs: [{ typeUrl: ArbitrationTypeUrls.SubmitRuling, value }] });
      } catch (e) {
        failed++;
        if (failed <= 3) console.error(`ruling refused: ${(e as Error).message}`);
        continue;
      }
      const dt = performance.now() - t;
      execMs += dt;
      arrived.set(r.caseId, n + 1);
      if (n === 0) times.first.push(dt);
      else if (n === 1) times.second.push(dt);
      else (scenario(r.caseIndex).startsWith("stands") ? times.decidesStands : times.decidesEscalates).push(dt);
    }
  });
  blockExecMs.push(execMs);
  blockCommitMs.push(timing.commitMs);
  blockApplyMs.push(timing.applyMs);
  progress("rulings (MsgSubmitRuling through the router, committed per block)", Math.min(rulings.length, k + PER_BLOCK), rulings.length);
}

// ---- check and report --------------------------------------------------------------------------------

const after = c.ctx(new Branch(c.store), c.height + 1, c.time);
const statuses: Record<string, number> = {};
const reasons: Record<string, number> = {};
let proposals = 0;
for (const id of caseIds) {
  const k: Case = c.keeper.case(after, id)!;
  statuses[k.status] = (statuses[k.status] ?? 0) + 1;
  if (k.escalationReason) reasons[k.escalationReason] = (reasons[k.escalationReason] ?? 0) + 1;
  if (k.proposalId !== undefined) proposals++;
}
if ((statuses.open ?? 0) > 0) throw new Error(`${statuses.open} cases still open after every ruling`);

// The arbitration tally alone (pure), over a panel's three rulings.
const sample = [0, 1, 2].map((m) => ruling("stands_unanimous", m));
const p = defaultArbitrationParams();
let t = performance.now();
const N = 100_000;
for (let i = 0; i < N; i++) arbitrationTally(sample, p);
const pureTallyUs = ((performance.now() - t) * 1000) / N;

const totalRulings = rulings.length - failed;
const execTotal = sum(blockExecMs);
const withCommit = execTotal + sum(blockCommitMs);
const nonFinal = [...times.first, ...times.second];
const decides = [...times.decidesStands, ...times.decidesEscalates];
const fig = {
  rulings: totalRulings,
  refused: failed,
  blocks: blockExecMs.length,
  rulingsPerSecondHandlers: Math.round(totalRulings / (execTotal / 1000)),
  rulingsPerSecondWithCommit: Math.round(totalRulings / (withCommit / 1000)),
  blockExecMsP50: Math.round(pct(blockExecMs, 0.5)),
  blockCommitMsP50: Math.round(pct(blockCommitMs, 0.5)),
  blockApplyMsP50: Math.round(pct(blockApplyMs, 0.5)),
  perRulingUs: {
    first: { p50: us(pct(times.first, 0.5)), p99: us(pct(times.first, 0.99)), n: times.first.length },
    second: { p50: us(pct(times.second, 0.5)), p99: us(pct(times.second, 0.99)), n: times.second.length },
    lastDecidesStands: { p50: us(pct(times.decidesStands, 0.5)), p99: us(pct(times.decidesStands, 0.99)), n: times.decidesStands.length },
    lastDecidesEscalates: { p50: us(pct(times.decidesEscalates, 0.5)), p99: us(pct(times.decidesEscalates, 0.99)), n: times.decidesEscalates.length },
  },
  decisionCostUs: {
    stands: us(pct(times.decidesStands, 0.5) - pct(nonFinal, 0.5)),
    escalates: us(pct(times.decidesEscalates, 0.5) - pct(nonFinal, 0.5)),
    allLastRulings: us(pct(decides, 0.5) - pct(nonFinal, 0.5)),
  },
  pureTallyUs: Math.round(pureTallyUs * 100) / 100,
  filings: { cases: CASES, perSecondHandlers: Math.round(CASES / (sum(fileMs) / 1000)), p50Us: us(pct(fileMs, 0.5)) },
  outcome: { statuses, escalationReasons: reasons, governanceProposals: proposals },
};

const rows: [string, string][] = [
  [`MsgSubmitRuling through the router (handlers only), ${totalRulings} rulings over ${CASES} cases, ${ARBITERS} arbiters`, `${fig.rulingsPerSecondHandlers} rulings/s`],
  [`… including each block's stage + commit (${PER_BLOCK} per block; commit p50 ${fig.blockCommitMsP50} ms, handlers p50 ${fig.blockExecMsP50} ms)`, `${fig.rulingsPerSecondWithCommit} rulings/s`],
  [`one ruling, panel's 1st / 2nd (p50)`, `${fig.perRulingUs.first.p50} / ${fig.perRulingUs.second.p50} µs`],
  [`panel's last ruling, deciding: ruling stands (p50 / p99, n=${times.decidesStands.length})`, `${fig.perRulingUs.lastDecidesStands.p50} / ${fig.perRulingUs.lastDecidesStands.p99} µs`],
  [`panel's last ruling, deciding: escalates to a governance proposal (p50 / p99, n=${times.decidesEscalates.length})`, `${fig.perRulingUs.lastDecidesEscalates.p50} / ${fig.perRulingUs.lastDecidesEscalates.p99} µs`],
  [`decision's cost (last ruling p50 − 1st/2nd p50): stands / escalates`, `${fig.decisionCostUs.stands} / ${fig.decisionCostUs.escalates} µs`],
  [`pure tally() of 3 rulings`, `${fig.pureTallyUs} µs`],
  [`MsgFileDispute through the router (panel draw among ${ARBITERS})`, `${fig.filings.perSecondHandlers} filings/s (p50 ${fig.filings.p50Us} µs)`],
  [`cases after the rulings`, `${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(", ")}; escalations ${Object.entries(reasons).map(([k, v]) => `${k} ${v}`).join(", ")}; ${proposals} governance proposals`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log("");
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);

const path = writeResults("arbitration-rulings.json", "rulings", {
  note: "keeper level: messages through the module manager's message router (schema, signer, band, handler on a nested branch) on blocks committed to the authenticated store on lmdb; no tx decoding, signatures, fees or mempool. 2-core machine shared with other jobs.",
  parameters: { arbiters: ARBITERS, cases: CASES, panelSize: PANEL, plaintiffs: PLAINTIFFS, rulingsPerBlock: PER_BLOCK, mix: "70% unanimous plaintiff, 10% 2-of-3 defendant, 10% low confidence, 5% no majority, 5% panel escalates" },
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  ...fig,
  rssMiB: rssMiB(),
});
console.log(`results: ${path}`);
await c.close();
