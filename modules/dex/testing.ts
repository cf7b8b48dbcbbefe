/**
 * Test harnesses for the dex, usable by other modules' tests:
 * - MemoryDex: the keeper over an in-memory store with a real BankKeeper, block time under the
 *   test's control and `atomic` (a failing call leaves state untouched, as a tx branch does).
 *   Fast: for vectors, property tests and simulations.
 * - openDexNode / DexHarness: a test node with bank + dex + a fake LiquidityAllocationSource,
 *   funded accounts, and real signed transactions through checkTx and finalizeBlock.
 */
import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { ContainerModule } from "inversify";
import { expect } from "chai";
import { openTestNode, testSigner, removeDir, GENESIS_TIME, TEST_CHAIN_ID, type TestNode } from "../../test/helpers/node-harness.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { Branch } from "../../runtime/state/branch.ts";
import type { KVStore } from "../../runtime/state/types.ts";
import type { ChainModule, Ctx } from "../../runtime/modules/types.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { NexusError } from "../../runtime/errors.ts";
import { BankKeeper, createBankModule, bankConfig, defaultModuleAccountPermissions, defaultBlockedAccounts } from "../bank/index.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { NXT } from "../bank/params.ts";
import { createDexModule, DexTokens } from "./index.ts";
import { DexKeeper } from "./keeper/dex-keeper.ts";
import { dexConfig, lpDenom, defaultParams, DEX_MODULE_ACCOUNT, type DexParams } from "./params.ts";
import { defaultDexGenesis, type DexGenesis } from "./genesis.ts";
import type { LiquidityAllocationSource } from "./expected-keepers.ts";
import type { Pool } from "./keys.ts";
import { dexInvariants } from "./invariants.ts";

export { GENESIS_TIME, NXT };

/** Test denominations every funded account holds (besides nxt, the fee denomination). */
export const TEST_DENOMS = ["nxt", "usdc", "weth"] as const;
/** Balance of each test denomination per funded account (10^30 base units, room for the 1e18-scaled vectors). */
export const FUNDED = 10n ** 30n;
export const e18 = (n: number | bigint): bigint => BigInt(n) * 10n ** 18n;

/** Liquidity allocation accounts the fake source returns by default. */
export const DEFAULT_FEE_SHARES = [
  { module: "liquidity_pool_a", bps: 6000 },
  { module: "liquidity_pool_b", bps: 4000 },
];

/** A LiquidityAllocationSource whose shares a test may change. */
export class FakeAllocationSource implements LiquidityAllocationSource {
  shares: { module: string; bps: number }[] = DEFAULT_FEE_SHARES.map((s) => ({ ...s }));
  liquidityAllocationShares(): readonly { module: string; bps: number }[] {
    return this.shares;
  }
}

/** Bank permissions the dex needs, on top of the reference defaults. */
export function dexBankPermissions(): ReturnType<typeof defaultModuleAccountPermissions> {
  return { ...defaultModuleAccountPermissions(), [DEX_MODULE_ACCOUNT]: ["minter", "burner"] };
}

// ---- in-memory keeper harness -------------------------------------------------------------------

/** The dex keeper over an in-memory store with a real bank; block time set by the test. */
export class MemoryDex {
  readonly store: KVStore = new MemoryKV();
  readonly bank: BankKeeper;
  readonly keeper: DexKeeper;
  readonly fees = new FakeAllocationSource();
  /** Block time in ms. */
  timeMs = GENESIS_TIME;
  height = 1;

  constructor(opts: { authority?: string; feeRecipients?: boolean; params?: Partial<DexParams> } = {}) {
    this.bank = new BankKeeper(bankConfig({ permissions: dexBankPermissions(), blockedAccounts: [...defaultBlockedAccounts(), DEX_MODULE_ACCOUNT] }));
    const withFees = opts.feeRecipients ?? true;
    this.keeper = new DexKeeper(this.bank, dexConfig(opts.authority ?? testSigner(9).address, withFees), withFees ? this.fees : undefined);
    if (opts.params) this.keeper.setParams(this.ctx(), { ...defaultParams(), ...opts.params });
  }

  ctx(store: KVStore = this.store): Ctx {
    return new ExecContext({ chainId: TEST_CHAIN_ID, height: this.height, time: this.timeMs, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", store);
  }

  /** Runs f on a branch written only if it returns: a throw leaves state untouched, as a failed transaction. */
  atomic<T>(f: (ctx: Ctx) => T): T {
    const b = new Branch(this.store);
    const r = f(this.ctx(b));
    b.write();
    return r;
  }

  /** The code of the error f throws on a branch (state untouched), or "OK". */
  code(f: (ctx: Ctx) => unknown): string {
    try {
      this.atomic(f);
      return "OK";
    } catch (e) {
      if (e instanceof NexusError) return e.code;
      throw e;
    }
  }

  /** Block time in whole seconds. */
  get now(): number {
    return Math.floor(this.timeMs / 1000);
  }

  /** Next block, `seconds` later. */
  advance(seconds: number): void {
    this.timeMs += seconds * 1000;
    this.height++;
  }

  fund(address: string, denom: string, amount: bigint): void {
    this.bank.genesisCredit(this.ctx(), address, { denom, amount });
  }

  balance(address: string, denom: string): bigint {
    return this.bank.balance(this.ctx(), address, denom);
  }

  pool(id: number): Pool {
    const p = this.keeper.pool(this.ctx(), id);
    if (!p) throw new Error(`no pool ${id}`);
    return p;
  }

  lp(address: string, poolId: number): bigint {
    return this.balance(address, lpDenom(poolId));
  }

  /** Creates the pool of two denominations (empty) and returns its id. */
  createPool(a: string, b: string): number {
    return this.atomic((ctx) => this.keeper.createPool(ctx, a, b).id);
  }

  /** Broken dex invariants (reserves = module balance, LP supply = totalSupply); empty when all hold. */
  invariants(): string[] {
    const ctx = this.ctx();
    return Object.entries(dexInvariants(this.keeper)).flatMap(([name, f]) => {
      const v = f(ctx);
      return v === null ? [] : [`${name}: ${v}`];
    });
  }
}


/** Deterministic test account n (the node harness's keys). */
export const addr = (n: number): string => testSigner(n).address;

// ---- node harness -----------------------------------------------------------------------------

export const FEE_RECIPIENTS_TOKEN = Symbol.for("test.dex.FeeRecipients");
/** The fake source the node harness binds (shared: tests may change its shares). */
export const nodeFeeSource = new FakeAllocationSource();

const FakeAllocationModuleToken = Symbol.for("test.dex.FakeAllocationModule");
export const fakeAllocationModule: ChainModule = {
  name: "dexfees",
  version: 1,
  bindings: new ContainerModule(({ bind }) => {
    bind(FEE_RECIPIENTS_TOKEN).toConstantValue(nodeFeeSource);
    bind(FakeAllocationModuleToken).toConstantValue({});
  }),
  instance: FakeAllocationModuleToken,
};

/** Authority of the dex in the node harness: test key 9. */
export const AUTHORITY_KEY = 9;

export interface OpenDexNodeOptions {
  /** Funded test keys 0..funded-1 (default 6), each with FUNDED of every TEST_DENOMS. */
  funded?: number;
  /** Bind the fake liquidity allocation source (default true). */
  feeRecipients?: boolean;
  dex?: Partial<DexGenesis>;
  /** Balances of the genesis funder module account (ecosystem_fund), per denomination. */
  funderBalances?: Record<string, bigint>;
}

export async function openDexNode(opts: OpenDexNodeOptions = {}): Promise<DexHarness> {
  nodeFeeSource.shares = DEFAULT_FEE_SHARES.map((s) => ({ ...s }));
  const withFees = opts.feeRecipients ?? true;
  const modules: ChainModule[] = [
    createBankModule({ permissions: dexBankPermissions(), blockedAccounts: [...defaultBlockedAccounts(), DEX_MODULE_ACCOUNT] }),
    ...(withFees ? [fakeAllocationModule] : []),
    createDexModule({ authority: addr(AUTHORITY_KEY), ...(withFees ? { feeRecipients: FEE_RECIPIENTS_TOKEN } : {}) }),
  ];
  const bank = defaultBankGenesis();
  const funded = opts.funded ?? 6;
  const keys = [...Array.from({ length: funded }, (_, i) => i), ...(funded <= AUTHORITY_KEY ? [AUTHORITY_KEY] : [])];
  bank.balances = keys.map((i) => ({ address: addr(i), coins: TEST_DENOMS.map((d) => ({ denom: d, amount: FUNDED.toString() })) }));
  if (opts.funderBalances) {
    const eco = bank.moduleBalances.find((m) => m.module === "ecosystem_fund")!;
    for (const [denom, amount] of Object.entries(opts.funderBalances)) {
      const c = eco.coins.find((x) => x.denom === denom);
      if (c) c.amount = (BigInt(c.amount) + amount).toString();
      else eco.coins.push({ denom, amount: amount.toString() });
    }
  }
  const genesis = buildGenesis(TEST_CHAIN_ID, GENESIS_TIME, new ModuleManager(modules), { bank, dex: { ...defaultDexGenesis(), ...opts.dex } });
  const t = await openTestNode({ modules, genesis });
  return new DexHarness(t);
}

/** A receipt, or the admission error of a transaction refused in checkTx (codeName: the module code of a failing validate, else the TxError code). */
export type DeliverResult = Pick<ReceiptView, "codeName" | "log"> & Partial<ReceiptView> & { admitted: boolean };

export class DexHarness {
  private pending = new Map<number, bigint>();

  constructor(readonly t: TestNode) {}

  get keeper(): DexKeeper {
    return this.t.node.app.modules.container.get<DexKeeper>(DexTokens.Keeper);
  }

  /** Read-only context over committed state, at the last block's time. */
  ctx(): Ctx {
    const s = this.t.node.status();
    return this.t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height, time: s.latestBlockTime, proposer: "", prevHash: GENESIS_PREV_HASH });
  }

  /** Unix seconds of the last committed block. */
  now(): number {
    return Math.floor(this.t.node.status().latestBlockTime / 1000);
  }

  /** A deadline `seconds` (default 3600) after the last block. */
  deadline(seconds = 3600): number {
    return this.now() + seconds;
  }

  /** Moves the node's clock: the next block is about `seconds` later than it would have been. */
  advance(seconds: number): void {
    this.t.clock.t += seconds * 1000;
  }

  private async submit(n: number, msgs: Msg[]): Promise<string> {
    const s = testSigner(n);
    const nonce = this.pending.get(n) ?? BigInt(this.t.node.getAccount(s.address).nonce);
    const d = signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: msgs as never }, [s]);
    await this.t.node.submitTx(d.bytes);
    this.pending.set(n, nonce + 1n);
    return toHex(d.hash);
  }

  async block(): Promise<number> {
    const b = await this.t.node.produceBlock();
    this.pending.clear();
    return b.header.height;
  }

  /** Signs `msg` with test key `sender`, commits it in a block of its own, and returns the receipt (or the checkTx refusal). */
  async deliver(sender: number, msg: Msg): Promise<DeliverResult> {
    let hash: string;
    try {
      hash = await this.submit(sender, [msg]);
    } catch (e) {
      // checkTx wraps a message's validate error as TX_INVALID_MSG with the module's code in its context
      if (e instanceof NexusError) return { codeName: typeof e.context.code === "string" ? e.context.code : e.code, log: e.message, admitted: false };
      throw e;
    }
    await this.block();
    const r = this.t.node.getTx(hash);
    if (r.status !== "committed") throw new Error(`tx ${hash} is ${r.status}`);
    return { ...r.receipt, admitted: true };
  }

  /** deliver, expecting success. */
  async ok(sender: number, msg: Msg): Promise<ReceiptView> {
    const r = await this.deliver(sender, msg);
    expect(r.codeName, r.log).to.equal("OK");
    return r as ReceiptView;
  }

  /** deliver, expecting the error `code` (in a receipt or at admission). */
  async fails(sender: number, msg: Msg, code: string): Promise<DeliverResult> {
    const r = await this.deliver(sender, msg);
    expect(r.codeName, r.log).to.equal(code);
    return r;
  }

  balance(address: string, denom: string): bigint {
    return BigInt(this.t.node.getBalance(address, denom).amount);
  }

  /** Balances of `address` in every test denomination (and LP of the pools given). */
  balances(address: string, poolIds: number[] = []): Record<string, bigint> {
    const out: Record<string, bigint> = {};
    for (const d of [...TEST_DENOMS, ...poolIds.map(lpDenom)]) out[d] = this.balance(address, d);
    return out;
  }

  pool(id: number): Pool {
    const p = this.keeper.pool(this.ctx(), id);
    if (!p) throw new Error(`no pool ${id}`);
    return p;
  }

  poolByDenoms(a: string, b: string): Pool | undefined {
    return this.keeper.poolByDenoms(this.ctx(), a, b);
  }

  query<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.t.node.query(`dex/${path}`, params) as T;
  }

  invariants(): string[] {
    return this.t.node.app.modules.checkInvariants(this.ctx());
  }

  moduleAddress(name: string): string {
    return moduleAddress(name);
  }

  async close(): Promise<void> {
    await this.t.close();
    removeDir(this.t.dir);
  }
}
