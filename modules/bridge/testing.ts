import { expect } from "chai";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { GENESIS_PREV_HASH, type ChainModule } from "../../runtime/modules/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { TEST_CHAIN_ID, testSigner } from "../../test/helpers/node-harness.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { BankTokens, createBankModule } from "../bank/index.ts";
import { defaultBlockedAccounts, defaultModuleAccountPermissions } from "../bank/permissions.ts";
import { defaultBankGenesis } from "../bank/genesis.ts";
import { createStakingModule, StakingTokens } from "../staking/index.ts";
import { openStakingNode, type Harness, type GenesisValidator } from "../staking/testing.ts";
import { createGovModule, GovTokens, GOV_DEPOSITS } from "../governance/index.ts";
import { GovHarness, testGovGenesis } from "../governance/testing.ts";
import { createEconomyModule, EconomyTokens, ECONOMY_MODULE_ACCOUNT_PERMISSIONS } from "../economy/index.ts";
import { BHLS_BLOCKED_ACCOUNTS, BhlsTokens, createBhlsModule } from "../bhls/index.ts";
import type { BhlsGenesis } from "../bhls/genesis.ts";
import { createBridgeModule, BridgeTokens } from "./index.ts";
import { BRIDGE_BLOCKED_ACCOUNTS, BRIDGE_ESCROW } from "./accounts.ts";
import { defaultBridgeGenesis, type BridgeGenesis } from "./genesis.ts";
import { BridgeTypeUrls } from "./msgs.ts";
import { evmAddressOf, mintDigest, signEvmDigest } from "./eip712.ts";
import { recordsProblem } from "./invariants.ts";
import type { BridgeKeeper } from "./keeper/bridge-keeper.ts";
import type { OutboundView } from "./keeper/outbound.ts";
import type { InboundView } from "./keeper/inbound.ts";
import type { ChainSettings } from "./params.ts";

export const NXT = 100_000_000n;
export const GOV = moduleAddress("gov");
export const ESCROW = moduleAddress(BRIDGE_ESCROW);
export const addr = (n: number): string => testSigner(n).address;

/** Validator n's EVM attestation key (secp256k1), deterministic. */
export const evmSecret = (n: number): Uint8Array => sha256(utf8(`evm-attestation-key-${n}`));
export const evmKey = (n: number): string => evmAddressOf(secp256k1.getPublicKey(evmSecret(n), false));

export const EVM_CHAIN: ChainSettings = {
  name: "evm-local",
  family: "evm",
  enabled: true,
  paused: false,
  confirmations: 2,
  minAmount: (1n * NXT).toString(),
  rateLimit: { capacity: (1000n * NXT).toString(), refillPerSecond: (10n * NXT).toString() },
  outboundTtlSeconds: 3600,
  evm: { chainId: 31337, bridgeContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" },
};
export const SUBSTRATE_CHAIN: ChainSettings = { ...EVM_CHAIN, name: "assethub", family: "substrate", evm: undefined, substrate: { ss58Prefix: 42, assetId: "1984" } };
export const COSMOS_CHAIN: ChainSettings = { ...EVM_CHAIN, name: "cosmoshub", family: "cosmos", evm: undefined, cosmos: { chainId: "cosmoshub-4", prefix: "cosmos", denom: "ibc/nxt" } };
for (const c of [SUBSTRATE_CHAIN, COSMOS_CHAIN]) delete (c as { evm?: unknown }).evm;

export const EVM_RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/**
 * bank, staking, governance and the bridge, wired as chains/nexus would wire them; with `bhls`,
 * economy and BHLS too, bound to the bridge for cross-chain claims.
 */
export function bridgeTestModules(o: { bhls?: boolean } = {}): ChainModule[] {
  const bank = createBankModule({
    permissions: { ...defaultModuleAccountPermissions(), [GOV_DEPOSITS]: ["burner"], ...(o.bhls ? ECONOMY_MODULE_ACCOUNT_PERMISSIONS : {}) },
    blockedAccounts: [...defaultBlockedAccounts(), GOV_DEPOSITS, ...BRIDGE_BLOCKED_ACCOUNTS, ...(o.bhls ? BHLS_BLOCKED_ACCOUNTS : [])],
  });
  const staking = createStakingModule({ authority: GOV, hooks: [GovTokens.Keeper] });
  const gov = createGovModule({ staking: StakingTokens.Keeper, paramsOf: { bank: BankTokens.Keeper, staking: StakingTokens.Keeper, bridge: BridgeTokens.Keeper } });
  const bridge = createBridgeModule({ authority: GOV, staking: StakingTokens.Keeper, ...(o.bhls ? { bhls: BhlsTokens.Keeper } : {}) });
  if (!o.bhls) return [bank, staking, gov, bridge];
  const economy = createEconomyModule({ authority: GOV, staking: StakingTokens.Keeper, citizens: BhlsTokens.Keeper });
  const bhls = createBhlsModule({ authority: GOV, epochs: EconomyTokens.Keeper });
  return [bank, staking, economy, bhls, gov, bridge];
}

/** Three chains, and EVM keys for validators 0..`evmKeys`-1. */
export function testBridgeGenesis(evmKeys: number[] = [0, 1, 2]): BridgeGenesis {
  return { ...defaultBridgeGenesis(), chains: [EVM_CHAIN, SUBSTRATE_CHAIN, COSMOS_CHAIN], attestationKeys: evmKeys.map((n) => ({ validator: addr(n), family: "evm" as const, key: evmKey(n) })) };
}

/**
 * Validators 0..2 (equal power, bands 1..3: two of them are exactly 2/3, never enough), or
 * `validators`; accounts 0..19 funded with 1 000 000 NXT.
 */
export async function openBridgeNode(o: { validators?: GenesisValidator[]; bridge?: BridgeGenesis; escrow?: bigint; bhls?: BhlsGenesis } = {}): Promise<BridgeHarness> {
  const validators = o.validators ?? [0, 1, 2].map((n) => ({ n, nxt: 100_000n, band: 1 + n }));
  const extra: Record<string, unknown> = { gov: testGovGenesis(), bridge: o.bridge ?? testBridgeGenesis(), ...(o.bhls ? { bhls: o.bhls } : {}) };
  if (o.escrow !== undefined) {
    // bank's genesis as the harness builds it, plus the escrow's balance (a chain started from an export).
    const bank = defaultBankGenesis();
    bank.balances = Array.from({ length: 20 }, (_, i) => ({ address: addr(i), coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] }));
    if (o.escrow > 0n) bank.moduleBalances.push({ module: BRIDGE_ESCROW, coins: [{ denom: "nxt", amount: o.escrow.toString() }] });
    extra.bank = bank;
  }
  const h = await openStakingNode({ validators, funded: 20, modules: bridgeTestModules({ bhls: o.bhls !== undefined }), extraGenesis: extra });
  return new BridgeHarness(h);
}

export type Receipt = ReceiptView;

export class BridgeHarness {
  readonly gov: GovHarness;

  constructor(readonly h: Harness) {
    this.gov = new GovHarness(h);
  }

  get keeper(): BridgeKeeper {
    return this.h.t.node.app.modules.container.get<BridgeKeeper>(BridgeTokens.Keeper);
  }

  query<T>(path: string, params: Record<string, unknown> = {}): T {
    return this.h.t.node.query(`bridge/${path}`, params) as T;
  }

  outbound(chain: string, seq: number): OutboundView {
    return this.query<OutboundView>("outbound", { chain, seq });
  }

  inbound(chain: string, seq: number): InboundView | null {
    return this.query<InboundView | null>("inbound", { chain, seq });
  }

  /**
   * A branch of committed state at the next height and block time `timeMs` (the last block's by
   * default): keeper calls on it see their own writes, which are then discarded.
   */
  branch(timeMs?: number): ExecContext {
    const s = this.h.t.node.status();
    return this.h.t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: s.height + 1, time: timeMs ?? s.latestBlockTime, proposer: "", prevHash: GENESIS_PREV_HASH });
  }

  /** The same branch seen at another block time and height (events still collect in `ctx.events`). */
  static at(ctx: ExecContext, timeMs: number, height = ctx.block.height): ExecContext {
    return new ExecContext({ ...ctx.block, time: timeMs, height }, ctx.mode, ctx.store, ctx.events);
  }

  /** Block time of the last block, unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.h.t.node.status().latestBlockTime / 1000);
  }

  femto(n: number, typeUrl: string, value: Record<string, unknown>): Promise<Receipt> {
    return this.h.run(n, typeUrl, value, Band.FEMTO);
  }

  out(n: number, chain: string, recipient: string, amount: bigint): Promise<Receipt> {
    return this.h.run(n, BridgeTypeUrls.BridgeOut, { sender: addr(n), chain, recipient, amount: amount.toString() });
  }

  /** Validator n's EIP-712 Mint signature for an outbound transfer (by its deterministic EVM key, or `secret`). */
  mintSignature(chain: ChainSettings, seq: number, secret: Uint8Array): string {
    const o = this.outbound(chain.name, seq);
    return signEvmDigest(mintDigest({ chainId: chain.evm!.chainId, verifyingContract: chain.evm!.bridgeContract }, { transferId: o.transferId, recipient: o.recipient, amount: BigInt(o.amount), expiresAt: o.expiresAt }), secret);
  }

  sign(n: number, chain: string, seq: number, signature: string): Promise<Receipt> {
    return this.femto(n, BridgeTypeUrls.SignOutbound, { validator: addr(n), chain, seq, signature });
  }

  result(n: number, chain: string, seq: number, result: "executed" | "expired"): Promise<Receipt> {
    return this.femto(n, BridgeTypeUrls.AttestOutboundResult, { validator: addr(n), chain, seq, result });
  }

  attestIn(n: number, chain: string, seq: number, c: { sender: string; recipient: string; amount: bigint; sourceTx: string }): Promise<Receipt> {
    return this.femto(n, BridgeTypeUrls.AttestInbound, { validator: addr(n), chain, seq, sender: c.sender, recipient: c.recipient, amount: c.amount.toString(), sourceTx: c.sourceTx });
  }

  /**
   * A FEMTO transaction sent by validator `sender` carrying a message in the name of account
   * `as` (both sign): reaches the handler's own checks past the band rule.
   */
  async coSigned(sender: number, as: number, typeUrl: string, value: Record<string, unknown>): Promise<Receipt> {
    const s = testSigner(sender);
    const nonce = BigInt(this.h.t.node.getAccount(s.address).nonce);
    const d = signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce, band: Band.FEMTO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: [{ typeUrl, value: { ...value, validator: addr(as) } }] }, [s, testSigner(as)]);
    await this.h.t.node.submitTx(d.bytes);
    await this.h.block();
    return this.h.receipt(toHex(d.hash));
  }

  /** Several validators' messages in one block; returns their receipts. */
  async together(items: [number, string, Record<string, unknown>][]): Promise<Receipt[]> {
    const hashes: string[] = [];
    for (const [n, typeUrl, value] of items) hashes.push(await this.h.submit(n, [{ typeUrl, value }], Band.FEMTO));
    await this.h.block();
    return hashes.map((x) => this.h.receipt(x));
  }

  /** A ZEPTO governance proposal carrying `msgs`, voted yes by validators `voters`, run to its end. */
  async govRun(msgs: { typeUrl: string; value: Record<string, unknown> }[], voters: number[] = [0, 1, 2]): Promise<string> {
    const id = await this.gov.submitOk(10, { band: Band.ZEPTO, msgs, endorsers: [0, 1, 2] }); // the constitution asks ZEPTO for 3 FEMTO endorsements
    await this.gov.voteAll(voters, id, "yes");
    await this.gov.advance(61_000);
    const p = this.gov.proposal(id);
    return p.status + (p.failReason ? `: ${p.failReason}` : "");
  }

  /** Move block time forward by `seconds` and produce a block. */
  async advance(seconds: number): Promise<void> {
    this.h.t.clock.t += seconds * 1000;
    await this.h.block();
  }

  balance(address: string): bigint {
    return this.h.balance(address);
  }

  /** Per-block invariants of every module, then the bridge's record walk. */
  checkAll(): void {
    expect(this.h.invariants()).to.deep.equal([]);
    expect(recordsProblem(this.h.ctx())).to.equal(null);
  }

  close(): Promise<void> {
    return this.h.close();
  }
}

export const ok = (r: Receipt): void => {
  expect(r.codeName, r.log).to.equal("OK");
};
export const fails = (r: Receipt, code: string): void => {
  expect(r.codeName, r.log).to.equal(code);
};
