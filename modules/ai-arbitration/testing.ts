/**
 * Test harness for arbitration, usable by other modules' tests: a ModuleManager with bank,
 * a fake governance module and arbitration over an in-memory store. Messages run through the
 * real message router (schema, stateless validate, signer, band; all or nothing on a nested
 * branch) as a transaction's messages would, without fees; `block()` advances height, time
 * and prevHash and runs the end block. Invariants (per block and the O(cases) one) are
 * checked after every message and block.
 */
import { ContainerModule } from "inversify";
import { GENESIS_PREV_HASH, type ChainEvent, type ChainModule, type Ctx } from "../../runtime/modules/types.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { MSG_ROUTER_TOKEN, RouterError, type MsgRouter } from "../../runtime/modules/msg-router.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { defineModuleErrors } from "../../runtime/tx/errors.ts";
import { isNexusError } from "../../runtime/errors.ts";
import { GENESIS_TIME, TEST_CHAIN_ID, testSigner } from "../../test/helpers/node-harness.ts";
import { createBankModule, BankTokens, type BankKeeper } from "../bank/index.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { defaultBlockedAccounts } from "../bank/permissions.ts";
import { createArbitrationModule, ArbitrationTokens, ARBITRATION_BLOCKED_ACCOUNTS, ARBITRATION_MODULE_ACCOUNT, type ArbitrationKeeper } from "./index.ts";
import { defaultArbitrationGenesis, type ArbitrationGenesis } from "./genesis.ts";
import { defaultParams, NXT, DAY_MS, type ArbitrationParams } from "./params.ts";
import type { GovernanceForArbitration } from "./expected-keepers.ts";
import { casesProblem } from "./invariants.ts";
import type { Case, Decision, EvidenceItem } from "./records.ts";

export { GENESIS_TIME, NXT, DAY_MS };
export const addr = (n: number): string => testSigner(n).address;
/** Arbitration's authority in these tests (a keyed account so tests can sign as it). */
export const AUTHORITY = 7;
/** Remedies run as the "gov" module account (funded at genesis), as the chain wires it. */
export const REMEDY_SIGNER = moduleAddress("gov");
export const FORFEIT_TO = moduleAddress("treasury");
export const ARB_ACCOUNT = moduleAddress(ARBITRATION_MODULE_ACCOUNT);
export const FUNDED = 1_000_000n * NXT;
export const GOV_FUNDS = 50_000n * NXT;
export const BOND = 1000n * NXT;
export const hex = (s: string): string => toHex(sha256(utf8(s)));

class FakeGovError extends defineModuleErrors("govfake", { GOVFAKE_REFUSED: 1 }) {}

/** Records escalations; `refuse` makes it write, then throw its typed error (the write must not survive). */
export class FakeGovernance implements GovernanceForArbitration {
  calls: { title: string; summary: string; msgs: { typeUrl: string; value: unknown }[]; origin: string }[] = [];
  nextId = 1;
  refuse = false;
  submitEscalation(ctx: Ctx, p: { title: string; summary: string; msgs: { typeUrl: string; value: unknown }[]; origin: string }): number {
    ctx.kv("govfake").set(utf8(`proposal/${this.nextId}`), utf8(p.origin));
    if (this.refuse) throw new FakeGovError("GOVFAKE_REFUSED", "the constitution refuses this proposal");
    this.calls.push(p);
    ctx.emit("govfake.proposal", { id: String(this.nextId), origin: p.origin });
    return this.nextId++;
  }
}

export const FAKE_GOV_TOKEN = Symbol.for("test.arbitration.FakeGovernance");
const FAKE_GOV_MODULE = Symbol.for("test.arbitration.FakeGovernanceModule");

export interface ArbitrationChainOptions {
  /** Test keys registered as arbiters at genesis (default 20..25: six). */
  arbiters?: number[];
  /** Params over the defaults (the harness allows /bank.v1.MsgSend as a remedy unless told otherwise). */
  params?: Partial<ArbitrationParams>;
  /** Bind the fake governance (default true). */
  governance?: boolean;
  genesis?: Partial<ArbitrationGenesis>;
  /** A whole genesis document (bank and arbitration sections), e.g. another chain's export. */
  doc?: Record<string, unknown>;
}

export interface TxResult {
  code: string;
  events: ChainEvent[];
  error?: unknown;
}

export class ArbitrationChain {
  readonly store = new MemoryKV();
  readonly manager: ModuleManager;
  readonly gov = new FakeGovernance();
  height = 0;
  time = GENESIS_TIME;
  prevHash = GENESIS_PREV_HASH;
  /** Events of the last block's end block. */
  blockEvents: ChainEvent[] = [];

  constructor(o: ArbitrationChainOptions = {}) {
    const gov = this.gov;
    const modules: ChainModule[] = [
      createBankModule({ authority: addr(AUTHORITY), blockedAccounts: [...defaultBlockedAccounts(), ...ARBITRATION_BLOCKED_ACCOUNTS] }),
      {
        name: "govfake",
        version: 1,
        bindings: new ContainerModule(({ bind }) => {
          bind(FAKE_GOV_TOKEN).toConstantValue(gov);
          bind(FAKE_GOV_MODULE).toConstantValue({});
        }),
        instance: FAKE_GOV_MODULE,
      },
      createArbitrationModule({ authority: addr(AUTHORITY), remedySigner: REMEDY_SIGNER, forfeitTo: FORFEIT_TO, ...(o.governance === false ? {} : { governance: FAKE_GOV_TOKEN }) }),
    ];
    this.manager = new ModuleManager(modules);
    const bank = defaultBankGenesis();
    bank.balances = Array.from({ length: 30 }, (_, i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: FUNDED.toString() }] }));
    bank.moduleBalances = [{ module: "gov", coins: [{ denom: "nxt", amount: GOV_FUNDS.toString() }] }];
    const arbitration: ArbitrationGenesis = {
      ...defaultArbitrationGenesis(),
      params: { ...defaultParams(), remedyTypeUrls: ["/bank.v1.MsgSend"], ...o.params },
      arbiters: (o.arbiters ?? [20, 21, 22, 23, 24, 25]).map(addr),
      ...o.genesis,
    };
    this.manager.initGenesis(this.ctx(), o.doc ?? { bank, arbitration });
    this.check();
  }

  get keeper(): ArbitrationKeeper {
    return this.manager.container.get<ArbitrationKeeper>(ArbitrationTokens.Keeper);
  }

  get bank(): BankKeeper {
    return this.manager.container.get<BankKeeper>(BankTokens.Keeper);
  }

  get router(): MsgRouter {
    return this.manager.container.get<MsgRouter>(MSG_ROUTER_TOKEN);
  }

  ctx(events: ChainEvent[] = []): ExecContext {
    return new ExecContext({ chainId: TEST_CHAIN_ID, height: this.height, time: this.time, proposer: "", prevHash: this.prevHash }, "deliver", this.store, events);
  }

  /**
   * One message as a transaction signed by `signer` would run it (no fee): "OK" or the
   * module's own code (a schema refusal is "SCHEMA"; other router refusals keep their code).
   */
  tx(signer: string | number, typeUrl: string, value: Record<string, unknown>, band: Band = Band.NANO): TxResult {
    const s = typeof signer === "number" ? addr(signer) : signer;
    const events: ChainEvent[] = [];
    let r: TxResult;
    try {
      this.router.execute(this.ctx(events), { signer: s, band, msgs: [{ typeUrl, value }] });
      r = { code: "OK", events };
    } catch (e) {
      if (!(e instanceof RouterError)) throw e;
      const cause = (e as { cause?: unknown }).cause;
      const code = isNexusError(cause) ? cause.code : e.code === "ROUTER_INVALID_MSG" ? "SCHEMA" : e.code;
      r = { code, events: [], error: e };
    }
    this.check();
    return r;
  }

  /** Next block: height + 1, time (default + 1 s), a fresh prevHash; runs the end block. */
  block(timeMs?: number): ChainEvent[] {
    this.height++;
    this.time = timeMs ?? this.time + 1000;
    this.prevHash = toHex(sha256(utf8(`block-${this.height}-${this.time}`)));
    const events: ChainEvent[] = [];
    this.manager.endBlock(this.ctx(events));
    this.blockEvents = events;
    this.check();
    return events;
  }

  check(): void {
    const broken = this.manager.checkInvariants(this.ctx());
    const cases = casesProblem(this.ctx());
    if (broken.length > 0 || cases) throw new Error(`invariants broken: ${[...broken, cases].filter(Boolean).join("; ")}`);
  }

  /** Every stored entry (of one namespace when given), hex: to show a refused message changed nothing. */
  snapshot(namespace?: string): string {
    const out: string[] = [];
    const kv = namespace === undefined ? this.store : this.ctx().kv(namespace);
    for (const [k, v] of kv.iterate(new Uint8Array(0), undefined)) out.push(`${toHex(k)}=${toHex(v)}`);
    return out.join("\n");
  }

  balance(address: string): bigint {
    return this.bank.balance(this.ctx(), address, "nxt");
  }

  case(id: number): Case {
    const c = this.keeper.case(this.ctx(), id);
    if (!c) throw new Error(`no case ${id}`);
    return c;
  }

  query<T>(name: string, params: Record<string, unknown> = {}): T {
    return this.manager.query(this.ctx(), `arbitration/${name}`, params) as T;
  }

  // ---- message shortcuts --------------------------------------------------------------------

  evidence(side: "plaintiff" | "defendant", tag: string): EvidenceItem {
    return { hash: hex(`${side}-${tag}`), uri: `https://evidence.example/${side}/${tag}.json`, party: side };
  }

  /** MsgFileDispute of plaintiff against defendant (remedy: a MsgSend of `refund` from the remedy signer to the plaintiff). */
  filing(plaintiff: number, defendant: number, over: Record<string, unknown> = {}, refund = 500n * NXT): Record<string, unknown> {
    return {
      plaintiff: addr(plaintiff),
      defendant: addr(defendant),
      kind: "penalty_appeal",
      title: "Slashed while offline for maintenance",
      summaryHash: hex("summary"),
      evidence: [this.evidence("plaintiff", "1")],
      bond: BOND.toString(),
      remedy: [{ typeUrl: "/bank.v1.MsgSend", value: { from: REMEDY_SIGNER, to: addr(plaintiff), amount: [{ denom: "nxt", amount: refund.toString() }] } }],
      partialRemedy: [{ typeUrl: "/bank.v1.MsgSend", value: { from: REMEDY_SIGNER, to: addr(plaintiff), amount: [{ denom: "nxt", amount: (refund / 2n).toString() }] } }],
      ...over,
    };
  }

  /** Files and returns the new case (throws unless OK). */
  file(plaintiff: number, defendant: number, over: Record<string, unknown> = {}): Case {
    const r = this.tx(plaintiff, "/arbitration.v1.MsgFileDispute", this.filing(plaintiff, defendant, over));
    if (r.code !== "OK") throw new Error(`filing failed: ${r.code} ${(r.error as Error | undefined)?.message}`);
    const id = Number(r.events.find((e) => e.type === "arbitration.dispute_filed")!.attributes.caseId);
    return this.case(id);
  }

  rule(arbiter: string, caseId: number, decision: Decision, confidence: number, round?: number): TxResult {
    return this.tx(arbiter, "/arbitration.v1.MsgSubmitRuling", { arbiter, caseId, round: round ?? this.case(caseId).round, decision, confidence, rationaleHash: hex(`${arbiter}-${caseId}`) });
  }

  /** Every current panel member rules (decision, confidence) in turn; returns the last result. */
  ruleAll(caseId: number, votes: [Decision, number][]): TxResult {
    const panel = this.case(caseId).panel;
    let last: TxResult | undefined;
    votes.forEach(([d, c], i) => {
      last = this.rule(panel[i]!, caseId, d, c);
      if (last.code !== "OK") throw new Error(`ruling ${i} failed: ${last.code}`);
    });
    return last!;
  }

  appeal(appellant: number, caseId: number, bond: bigint = BOND): TxResult {
    return this.tx(appellant, "/arbitration.v1.MsgAppeal", { appellant: addr(appellant), caseId, bond: bond.toString() });
  }
}

export const eventsOf = (events: readonly ChainEvent[], type: string): Record<string, string>[] => events.filter((e) => e.type === type).map((e) => ({ ...e.attributes }));
