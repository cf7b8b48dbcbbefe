import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { ContainerModule, inject, injectable } from "inversify";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID, type TestNode } from "../../test/helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { ChainEvent, ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { createBankModule, defaultModuleAccountPermissions } from "../bank/index.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { createStakingModule, StakingTokens, defaultStakingParams, type StakingParams } from "../staking/index.ts";
import { consKey } from "../staking/testing.ts";
import { createEconomyModule, EconomyTokens, ECONOMY_MODULE_ACCOUNT_PERMISSIONS, defaultEconomyParams, type EconomyKeeper, type EconomyParams, type CitizenRegistry } from "./index.ts";

export const NXT = 100_000_000n;
export const addr = (n: number): string => testSigner(n).address;
/** Economy's authority in these tests: a keyed test account, so a test can sign as it. */
export const AUTHORITY = 7;

/** A stand-in for the BHLS module's registry: the count the tests set. */
export const citizens = { count: 0n };
const CitizensToken = Symbol.for("test.Citizens");
class FakeCitizens implements CitizenRegistry {
  citizenCount(): bigint {
    return citizens.count;
  }
}

/** A stand-in for the messaging layer: consumes postage in its end block as planned. */
export const messaging = { plan: [] as { id: number; energy: bigint }[], results: [] as (bigint | string)[] };
const MessagingToken = Symbol.for("test.Messaging");
@injectable()
class FakeMessaging implements ModuleInstance {
  constructor(@inject(EconomyTokens.Keeper) private readonly keeper: EconomyKeeper) {}
  endBlock(ctx: Ctx): void {
    for (const c of messaging.plan.splice(0)) {
      try {
        messaging.results.push(this.keeper.consumePostage(ctx, c.id, c.energy));
      } catch (e) {
        messaging.results.push((e as { code: string }).code);
      }
    }
  }
}

export function economyTestModules(): ChainModule[] {
  const bank = createBankModule({ permissions: { ...defaultModuleAccountPermissions(), ...ECONOMY_MODULE_ACCOUNT_PERMISSIONS } });
  const staking = createStakingModule();
  const economy = createEconomyModule({ authority: addr(AUTHORITY), staking: StakingTokens.Keeper, citizens: CitizensToken });
  const fakes: ChainModule = {
    name: "fakes",
    version: 1,
    dependsOn: ["economy"],
    bindings: new ContainerModule(({ bind }) => {
      bind(CitizensToken).toConstantValue(new FakeCitizens());
      bind(MessagingToken).to(FakeMessaging).inSingletonScope();
    }),
    instance: MessagingToken,
  };
  // Registration order is hook order: the fake messaging layer's end block runs after economy's.
  return [bank, staking, economy, fakes];
}

export interface EconomyNodeOptions {
  validators?: { n: number; nxt: bigint; commissionRateBps?: number }[];
  params?: Partial<EconomyParams>;
  staking?: Partial<StakingParams>;
  /** Genesis balances of module accounts, replacing the default allocation's amount (base units). */
  moduleBalances?: Record<string, bigint>;
}

export async function openEconomyNode(o: EconomyNodeOptions = {}): Promise<EconomyHarness> {
  citizens.count = 0n;
  messaging.plan = [];
  messaging.results = [];
  const modules = economyTestModules();
  const bank = defaultBankGenesis();
  bank.balances = Array.from({ length: 10 }, (_, i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] }));
  for (const [module, amount] of Object.entries(o.moduleBalances ?? {})) {
    bank.moduleBalances = bank.moduleBalances.filter((m) => m.module !== module);
    if (amount > 0n) bank.moduleBalances.push({ module, coins: [{ denom: "nxt", amount: amount.toString() }] });
  }
  const genesis = testGenesis({
    modules,
    extra: {
      bank,
      staking: {
        // No block reward: every coin in the distribution account comes from fees.
        params: { ...defaultStakingParams(), rewardPerBlock: "0", ...o.staking },
        validators: (o.validators ?? [{ n: 0, nxt: 300n }, { n: 1, nxt: 100n, commissionRateBps: 2000 }]).map((v) => ({
          operator: addr(v.n),
          consensusPubKey: consKey(v.n),
          band: 1 + (v.n % 7),
          amount: (v.nxt * NXT).toString(),
          moniker: `v${v.n}`,
          ...(v.commissionRateBps !== undefined ? { commissionRateBps: v.commissionRateBps } : {}),
        })),
      },
      economy: { params: { ...defaultEconomyParams(), ...o.params }, transitions: [], budgets: [], nextBudgetId: 0 },
    },
  });
  const t = await openTestNode({ modules, genesis });
  return new EconomyHarness(t);
}

export class EconomyHarness {
  private pending = new Map<number, bigint>();
  /** Block events of each block produced, in order. */
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

  get keeper(): EconomyKeeper {
    return this.t.node.app.modules.container.get<EconomyKeeper>(EconomyTokens.Keeper);
  }

  ctx(): Ctx {
    const s = this.t.node.status();
    return this.t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height, time: s.latestBlockTime, proposer: "", prevHash: GENESIS_PREV_HASH });
  }

  async submit(n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], band: Band = Band.NANO): Promise<string> {
    const s = testSigner(n);
    const nonce = this.pending.get(n) ?? BigInt(this.t.node.getAccount(s.address).nonce);
    const d = signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce, band, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs }, [s]);
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

  async run(n: number, typeUrl: string, value: Record<string, unknown>): Promise<ReceiptView> {
    const h = await this.submit(n, [{ typeUrl, value }]);
    await this.block();
    return this.receipt(h);
  }

  async ok(n: number, typeUrl: string, value: Record<string, unknown>): Promise<ReceiptView> {
    const r = await this.run(n, typeUrl, value);
    expect(r.codeName, r.log).to.equal("OK");
    return r;
  }

  balance(address: string): bigint {
    return BigInt(this.t.node.getBalance(address, "nxt").amount);
  }

  held(module: string): bigint {
    return this.balance(moduleAddress(module));
  }

  burned(): bigint {
    return BigInt((this.t.node.query("bank/supply", { denom: "nxt" }) as { burned: string }).burned);
  }

  query<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.t.node.query(`economy/${path}`, params) as T;
  }

  staking<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.t.node.query(`staking/${path}`, params) as T;
  }

  /** Events of type `type` in the last block's hooks. */
  events(type: string, block = this.blockEvents.length - 1): Record<string, string>[] {
    return (this.blockEvents[block] ?? []).filter((e) => e.type === type).map((e) => ({ ...e.attributes }));
  }

  invariants(): string[] {
    return this.t.node.app.modules.checkInvariants(this.ctx());
  }

  async close(): Promise<void> {
    citizens.count = 0n;
    await this.t.close();
    removeDir(this.t.dir);
  }
}
