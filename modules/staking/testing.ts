import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { ContainerModule, inject, injectable } from "inversify";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, GENESIS_TIME, type TestNode } from "../../test/helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { bankModule } from "../bank/index.ts";
import { NXT } from "../bank/params.ts";
import { stakingModule, StakingTokens, defaultStakingParams, type StakingKeeper, type StakingParams } from "./index.ts";
import { TEST_CHAIN_ID } from "../../test/helpers/node-harness.ts";

export { NXT, GENESIS_TIME };

/** Deterministic consensus key of test validator n. */
export function consKey(n: number): string {
  return toHex(sha256(utf8(`consensus-key-${n}`)));
}

export const addr = (n: number): string => testSigner(n).address;

/**
 * Stand-in for the consensus engine's integration: each block it reports the last commit's
 * signers (every member of the set for the previous height, minus `offline`) and any queued
 * double-sign evidence, through the staking keeper's public API.
 */
export const consensusPlan = {
  record: false,
  offline: new Set<string>(),
  evidence: [] as { id: string; height: number }[],
  reset(): void {
    this.record = false;
    this.offline.clear();
    this.evidence.length = 0;
  },
};

const FakeConsensusToken = Symbol.for("test.FakeConsensus");

@injectable()
class FakeConsensus implements ModuleInstance {
  constructor(@inject(StakingTokens.Keeper) private readonly keeper: StakingKeeper) {}

  beginBlock(ctx: Ctx): void {
    if (consensusPlan.record) {
      const signers = this.keeper
        .activeSetFor(ctx, ctx.block.height - 1)
        .map((m) => m.operator)
        .filter((op) => !consensusPlan.offline.has(op));
      this.keeper.recordSignatures(ctx, signers);
    }
    for (const e of consensusPlan.evidence.splice(0)) this.keeper.slashDoubleSign(ctx, e.id, e.height);
  }
}

export const fakeConsensusModule: ChainModule = {
  name: "fakeconsensus",
  version: 1,
  dependsOn: ["staking"],
  bindings: new ContainerModule(({ bind }) => {
    bind(FakeConsensusToken).to(FakeConsensus).inSingletonScope();
  }),
  instance: FakeConsensusToken,
};

export const MODULES = [bankModule, stakingModule, fakeConsensusModule];

export interface GenesisValidator {
  n: number;
  nxt: bigint;
  band?: number;
  commissionRateBps?: number;
}

export async function openStakingNode(opts: { validators: GenesisValidator[]; params?: Partial<StakingParams>; funded?: number; modules?: ChainModule[]; extraGenesis?: Record<string, unknown> }): Promise<Harness> {
  consensusPlan.reset();
  const modules = opts.modules ?? MODULES;
  const genesis = testGenesis({
    modules,
    funded: opts.funded ?? 10,
    extra: {
      ...opts.extraGenesis,
      staking: {
        params: { ...defaultStakingParams(), ...opts.params },
        validators: opts.validators.map((v) => ({
          operator: addr(v.n),
          consensusPubKey: consKey(v.n),
          band: v.band ?? 1 + (v.n % 7),
          amount: (v.nxt * NXT).toString(),
          moniker: `v${v.n}`,
          ...(v.commissionRateBps !== undefined ? { commissionRateBps: v.commissionRateBps } : {}),
        })),
      },
    },
  });
  const t = await openTestNode({ modules, genesis });
  return new Harness(t);
}

export class Harness {
  private pending = new Map<number, bigint>();

  constructor(readonly t: TestNode) {}

  get keeper(): StakingKeeper {
    return this.t.node.app.modules.container.get<StakingKeeper>(StakingTokens.Keeper);
  }

  /** Read-only context over committed state. */
  ctx(): Ctx {
    const s = this.t.node.status();
    return this.t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height, time: s.latestBlockTime, proposer: "", prevHash: GENESIS_PREV_HASH });
  }

  get height(): number {
    return this.t.node.height;
  }

  /** Sign and submit; returns the tx hash (throws TxError on admission failure). */
  async submit(n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], band: Band = Band.NANO): Promise<string> {
    const s = testSigner(n);
    const nonce = this.pending.get(n) ?? BigInt(this.t.node.getAccount(s.address).nonce);
    const d = signTx(
      { chainId: TEST_CHAIN_ID, sender: s.address, nonce, band, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs },
      [s],
    );
    await this.t.node.submitTx(d.bytes);
    this.pending.set(n, nonce + 1n);
    return toHex(d.hash);
  }

  async block(): Promise<number> {
    const b = await this.t.node.produceBlock();
    this.pending.clear();
    return b.header.height;
  }

  receipt(hash: string): ReceiptView {
    const r = this.t.node.getTx(hash);
    if (r.status !== "committed") throw new Error(`tx ${hash} is ${r.status}`);
    return r.receipt;
  }

  /** Submit one message, produce a block, and return its receipt. */
  async run(n: number, typeUrl: string, value: Record<string, unknown>, band: Band = Band.NANO): Promise<ReceiptView> {
    const h = await this.submit(n, [{ typeUrl, value }], band);
    await this.block();
    return this.receipt(h);
  }

  async ok(n: number, typeUrl: string, value: Record<string, unknown>): Promise<ReceiptView> {
    const r = await this.run(n, typeUrl, value);
    expect(r.codeName, r.log).to.equal("OK");
    return r;
  }

  async blocks(k: number): Promise<void> {
    for (let i = 0; i < k; i++) await this.block();
  }

  balance(address: string): bigint {
    return BigInt(this.t.node.getBalance(address, "nxt").amount);
  }

  query<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.t.node.query(`staking/${path}`, params) as T;
  }

  /** Operators of the set consensus uses at `height`. */
  setAt(height: number): string[] {
    return this.keeper.activeSetFor(this.ctx(), height).map((m) => m.operator);
  }

  invariants(): string[] {
    return this.t.node.app.modules.checkInvariants(this.ctx());
  }

  async close(): Promise<void> {
    consensusPlan.reset();
    await this.t.close();
    removeDir(this.t.dir);
  }
}
