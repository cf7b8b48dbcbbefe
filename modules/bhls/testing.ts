import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID, type TestNode } from "../../test/helpers/node-harness.ts";
import { signTx, type Signer } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { ChainEvent, ChainModule, Ctx } from "../../runtime/modules/types.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { createBankModule, defaultModuleAccountPermissions } from "../bank/index.ts";
import { defaultBlockedAccounts } from "../bank/permissions.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { createStakingModule, StakingTokens, defaultStakingParams } from "../staking/index.ts";
import { createEconomyModule, EconomyTokens, ECONOMY_MODULE_ACCOUNT_PERMISSIONS, defaultEconomyParams, type CitizenRegistry } from "../economy/index.ts";
import { createBhlsModule, BhlsTokens, BHLS_BLOCKED_ACCOUNTS, type BhlsKeeper } from "./index.ts";
import { phoneHash, registerCitizenMsg, signAttestation, type Attestation } from "./attestation.ts";
import { defaultBhlsGenesis, type BhlsGenesis } from "./genesis.ts";
import { citizenCountersProblem } from "./invariants.ts";

export const NXT = 100_000_000n;
export const addr = (n: number): string => testSigner(n).address;
/** bhls's (and economy's) authority in these tests: a keyed test account, so a test can sign as it. */
export const AUTHORITY = 7;
export const SALT = utf8("test-attestor-salt");
export const phone = (i: number): string => phoneHash(SALT, `+1415555${String(i).padStart(4, "0")}`);
export const MINUTE = 60_000;

/** bank, staking, economy (citizens = this module's keeper) and bhls (epochs = economy's keeper): the chain's wiring. */
export function bhlsTestModules(): ChainModule[] {
  const bank = createBankModule({
    permissions: { ...defaultModuleAccountPermissions(), ...ECONOMY_MODULE_ACCOUNT_PERMISSIONS },
    blockedAccounts: [...defaultBlockedAccounts(), ...BHLS_BLOCKED_ACCOUNTS],
  });
  const staking = createStakingModule();
  const economy = createEconomyModule({ authority: addr(AUTHORITY), staking: StakingTokens.Keeper, citizens: BhlsTokens.Keeper });
  const bhls = createBhlsModule({ authority: addr(AUTHORITY), epochs: EconomyTokens.Keeper });
  return [bank, staking, economy, bhls];
}

export interface BhlsNodeOptions {
  /** Economy's epoch length (default one minute). */
  epochDurationMs?: number;
  /** bhls_floor_reserve at genesis, base units (default: the dev allocation's 20%). */
  floorReserve?: bigint;
  /** Test signers registered as attestors at genesis (moniker "a<n>"). */
  attestors?: number[];
  bhls?: Partial<BhlsGenesis>;
  /** Module account balances at genesis (base units), replacing the default allocation's. */
  moduleBalances?: Record<string, bigint>;
}

export async function openBhlsNode(o: BhlsNodeOptions = {}): Promise<BhlsHarness> {
  const modules = bhlsTestModules();
  const bank = defaultBankGenesis();
  bank.balances = Array.from({ length: 12 }, (_, i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] }));
  const balances = { ...o.moduleBalances, ...(o.floorReserve !== undefined ? { bhls_floor_reserve: o.floorReserve } : {}) };
  for (const [module, amount] of Object.entries(balances)) {
    bank.moduleBalances = bank.moduleBalances.filter((m) => m.module !== module);
    if (amount > 0n) bank.moduleBalances.push({ module, coins: [{ denom: "nxt", amount: amount.toString() }] });
  }
  const bhls: BhlsGenesis = {
    ...defaultBhlsGenesis(),
    attestors: (o.attestors ?? []).map((n) => ({ address: addr(n), moniker: `a${n}`, addedHeight: 0 })),
    ...o.bhls,
  };
  const genesis = testGenesis({
    modules,
    extra: {
      bank,
      staking: { params: { ...defaultStakingParams(), rewardPerBlock: "0" }, validators: [] },
      economy: { params: { ...defaultEconomyParams(), epochDurationMs: o.epochDurationMs ?? MINUTE }, transitions: [], budgets: [], nextBudgetId: 0 },
      bhls,
    },
  });
  const t = await openTestNode({ modules, genesis });
  return new BhlsHarness(t);
}

export class BhlsHarness {
  private pending = new Map<number, bigint>();
  readonly blockEvents: ChainEvent[][] = [];

  constructor(readonly t: TestNode) {
    const app = t.node.app;
    const exec = app.executeBlock.bind(app);
    app.executeBlock = (info, txs) => {
      const e = exec(info, txs);
      this.blockEvents.push(e.blockEvents);
      return e;
    };
  }

  get keeper(): BhlsKeeper {
    return this.t.node.app.modules.container.get<BhlsKeeper>(BhlsTokens.Keeper);
  }

  /** The keeper as economy sees it. */
  get registry(): CitizenRegistry {
    return this.keeper;
  }

  ctx(): Ctx {
    const s = this.t.node.status();
    return this.t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height, time: s.latestBlockTime, proposer: "", prevHash: GENESIS_PREV_HASH });
  }

  /** Block time of the last block, unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.t.node.status().latestBlockTime / 1000);
  }

  /** Sign with test key n (plus `also`, e.g. the authority for a two-signer transaction) and submit; rejects at checkTx like the node does. */
  async submit(n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], band: Band = Band.NANO, also: number[] = []): Promise<string> {
    const s = testSigner(n);
    const nonce = this.pending.get(n) ?? BigInt(this.t.node.getAccount(s.address).nonce);
    const signers: Signer[] = [s, ...also.map(testSigner)];
    const d = signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce, band, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs }, signers);
    await this.t.node.submitTx(d.bytes);
    this.pending.set(n, nonce + 1n);
    return toHex(d.hash);
  }

  /** Produce a block; `at` sets its time (ms) exactly. */
  async block(at?: number): Promise<number> {
    if (at !== undefined) this.t.clock.t = at - 1000;
    const b = await this.t.node.produceBlock();
    this.pending.clear();
    return b.header.height;
  }

  receipt(hash: string): ReceiptView {
    const r = this.t.node.getTx(hash);
    if (r.status !== "committed") throw new Error(`tx ${hash} is ${r.status}`);
    return r.receipt;
  }

  async run(n: number, typeUrl: string, value: Record<string, unknown>, band: Band = Band.NANO): Promise<ReceiptView> {
    const h = await this.submit(n, [{ typeUrl, value }], band);
    await this.block();
    return this.receipt(h);
  }

  async ok(n: number, typeUrl: string, value: Record<string, unknown>, band: Band = Band.NANO): Promise<ReceiptView> {
    const r = await this.run(n, typeUrl, value, band);
    expect(r.codeName, r.log).to.equal("OK");
    return r;
  }

  /** An attestation by test key `attestor` for `citizen` (a test key number or an address), signed unless `sign` says otherwise. */
  attestation(attestor: number, citizen: number | string, phoneHashHex: string, expiresAt: number, chainId = TEST_CHAIN_ID): Attestation {
    return { chainId, citizen: typeof citizen === "number" ? addr(citizen) : citizen, phoneHash: phoneHashHex, expiresAt, attestor: addr(attestor) };
  }

  /** MsgRegisterCitizen as the attestor service builds it; `signer` signs the attestation (default: the attestor). */
  registerMsg(a: Attestation, signer?: number): { typeUrl: string; value: Record<string, unknown> } {
    const s = testSigner(signer ?? testSignerIndex(a.attestor));
    return registerCitizenMsg(a, toHex(testSigner(testSignerIndex(a.attestor)).publicKey), signAttestation(a, s.secretKey));
  }

  /** Submit a registration in a PICO transaction signed by the attestor; the receipt. */
  async register(a: Attestation, signer?: number): Promise<ReceiptView> {
    const m = this.registerMsg(a, signer);
    return this.run(testSignerIndex(a.attestor), m.typeUrl, m.value, Band.PICO);
  }

  async claim(n: number, destination?: { chain: string; address: string }): Promise<ReceiptView> {
    return this.run(n, "/bhls.v1.MsgClaim", { citizen: addr(n), ...(destination ? { destination } : {}) });
  }

  balance(address: string): bigint {
    return BigInt(this.t.node.getBalance(address, "nxt").amount);
  }

  held(module: string): bigint {
    return this.balance(moduleAddress(module));
  }

  query<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.t.node.query(`bhls/${path}`, params) as T;
  }

  invariants(): string[] {
    return this.t.node.app.modules.checkInvariants(this.ctx());
  }

  /** O(n) counters check (test helper, not a per-block invariant). */
  counters(): string | null {
    return citizenCountersProblem(this.ctx());
  }

  exportGenesis(): Record<string, unknown> {
    return this.t.node.app.modules.exportGenesis(this.ctx());
  }

  async close(): Promise<void> {
    await this.t.close();
    removeDir(this.t.dir);
  }
}

const indexOf = new Map<string, number>();
/** The test key number of an address (0..99). */
export function testSignerIndex(address: string): number {
  if (indexOf.size === 0) for (let i = 0; i < 100; i++) indexOf.set(addr(i), i);
  const n = indexOf.get(address);
  if (n === undefined) throw new Error(`${address} is not a test key`);
  return n;
}
