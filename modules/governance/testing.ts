import { expect } from "chai";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { BankTokens, createBankModule } from "../bank/index.ts";
import { defaultBlockedAccounts, defaultModuleAccountPermissions } from "../bank/permissions.ts";
import { createStakingModule, StakingTokens } from "../staking/index.ts";
import { openStakingNode, Harness, NXT, type GenesisValidator } from "../staking/testing.ts";
import { createGovModule, GovTokens, GOV_DEPOSITS } from "./index.ts";
import { defaultGovGenesis, type GovGenesis } from "./genesis.ts";
import type { GovKeeper } from "./keeper/gov-keeper.ts";
import type { Proposal } from "./records.ts";
import { GovTypeUrls } from "./msgs.ts";
import { endorse } from "./endorsement.ts";
import { TEST_CHAIN_ID } from "../../test/helpers/node-harness.ts";

export { NXT };
export const GOV = moduleAddress("gov");
export const MINUTE = 60_000;
export const addr = (n: number): string => testSigner(n).address;

/** bank, staking and governance, wired as chains/nexus wires them (governance's account is every authority). */
export function govTestModules(): ChainModule[] {
  const bank = createBankModule({ permissions: { ...defaultModuleAccountPermissions(), [GOV_DEPOSITS]: ["burner"] }, blockedAccounts: [...defaultBlockedAccounts(), GOV_DEPOSITS] });
  const staking = createStakingModule({ authority: GOV, hooks: [GovTokens.Keeper] });
  const gov = createGovModule({ staking: StakingTokens.Keeper, paramsOf: { bank: BankTokens.Keeper, staking: StakingTokens.Keeper } });
  return [bank, staking, gov];
}

/** Test params: one-minute periods, a 1 000 NXT deposit. */
export function testGovGenesis(over: Partial<GovGenesis> = {}): GovGenesis {
  const g = defaultGovGenesis();
  return { ...g, params: { ...g.params, minDeposit: (1000n * NXT).toString(), maxDepositPeriodMs: MINUTE, votingPeriodMs: MINUTE }, ...over };
}

/** Validators 0..n-1 (bands 1..5 in turn, `stake` NXT each); accounts 0..19 funded with 1 000 000 NXT. */
export async function openGovNode(o: { validators?: GenesisValidator[]; gov?: GovGenesis } = {}): Promise<GovHarness> {
  const validators = o.validators ?? [0, 1, 2, 3, 4].map((n) => ({ n, nxt: 100_000n, band: 1 + (n % 5) }));
  const h = await openStakingNode({ validators, funded: 20, modules: govTestModules(), extraGenesis: { gov: o.gov ?? testGovGenesis() } });
  return new GovHarness(h);
}

export type AnyMsg = { typeUrl: string; value: Record<string, unknown> };

export class GovHarness {
  constructor(readonly h: Harness) {}

  get keeper(): GovKeeper {
    return this.h.t.node.app.modules.container.get<GovKeeper>(GovTokens.Keeper);
  }

  proposal(id: number): Proposal {
    return this.h.t.node.query("gov/proposal", { proposalId: id }) as Proposal;
  }

  /** Submit with the full deposit (unless `deposit` says otherwise); returns the receipt. */
  async submit(n: number, p: { band?: number; title?: string; msgs: AnyMsg[]; deposit?: bigint; denom?: string; endorsers?: number[] }): Promise<ReceiptView> {
    const band = p.band ?? Band.ATTO;
    const title = p.title ?? "test proposal";
    const summary = "a test";
    const endorsements = (p.endorsers ?? []).map((e) => endorse(TEST_CHAIN_ID, { band, title, summary, msgs: p.msgs }, testSigner(e).secretKey));
    const deposit = p.deposit ?? 1000n * NXT;
    return this.h.run(n, GovTypeUrls.SubmitProposal, {
      proposer: addr(n),
      band,
      title,
      summary,
      msgs: p.msgs,
      ...(deposit > 0n ? { initialDeposit: { denom: p.denom ?? "nxt", amount: deposit.toString() } } : {}),
      ...(endorsements.length ? { endorsements } : {}),
    });
  }

  /** Submit, expect success, return the new proposal's id. */
  async submitOk(n: number, p: Parameters<GovHarness["submit"]>[1]): Promise<number> {
    const r = await this.submit(n, p);
    expect(r.codeName, r.log).to.equal("OK");
    const ev = r.events.find((e) => e.type === "gov.proposal_submitted");
    return Number(ev!.attributes.proposalId);
  }

  vote(n: number, id: number, option: "yes" | "no" | "abstain" | "veto"): Promise<ReceiptView> {
    return this.h.run(n, GovTypeUrls.Vote, { voter: addr(n), proposalId: id, option });
  }

  async voteAll(ns: number[], id: number, option: "yes" | "no" | "abstain" | "veto"): Promise<void> {
    const hashes = [];
    for (const n of ns) hashes.push(await this.h.submit(n, [{ typeUrl: GovTypeUrls.Vote, value: { voter: addr(n), proposalId: id, option } }]));
    await this.h.block();
    for (const hash of hashes) expect(this.h.receipt(hash).codeName, this.h.receipt(hash).log).to.equal("OK");
  }

  /** Move block time past `ms` and produce a block (the end block then sees it). */
  async advance(ms: number): Promise<void> {
    this.h.t.clock.t += ms;
    await this.h.block();
  }

  invariants(): string[] {
    return this.h.invariants();
  }

  close(): Promise<void> {
    return this.h.close();
  }
}
