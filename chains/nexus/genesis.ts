import type { GenesisDoc } from "../../runtime/app/application.ts";
import type { FundedAccount, GenesisValidator } from "../../runtime/modules/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { NXT_DENOM } from "../../modules/bank/params.ts";
import { defaultStakingGenesis } from "../../modules/staking/index.ts";
import { defaultEconomyGenesis } from "../../modules/economy/index.ts";
import { defaultDexGenesis } from "../../modules/dex/index.ts";
import { defaultBhlsGenesis } from "../../modules/bhls/index.ts";
import { defaultGovGenesis, type GovGenesis } from "../../modules/governance/genesis.ts";
import { defaultArbitrationGenesis } from "../../modules/ai-arbitration/index.ts";

const NXT = 100_000_000n;

/** Operators of a validator network get this much besides their stake, to pay fees. */
export const OPERATOR_FEE_FUNDS = 1_000_000n * 100_000_000n;

const coins = (amount: bigint): { denom: string; amount: string }[] => [{ denom: NXT_DENOM, amount: amount.toString() }];

/**
 * The dev chain's genesis: every module's defaults (bank's holds SPEC's allocation of
 * 1 000 000 000 NXT to the module accounts) plus the funded dev accounts.
 */
export function nexusDevGenesis(modules: readonly ChainModule[], o: { chainId: string; genesisTime: number; accounts: readonly FundedAccount[] }): GenesisDoc {
  const bank = defaultBankGenesis();
  // A development-only denomination, worth nothing, so the DEX can be tried on a dev chain.
  bank.denomMetadata.push({ denom: DEV_DENOM, display: "DEVUSD", exponent: 6 });
  for (const a of o.accounts) bank.balances.push({ address: a.address, coins: [...coins(a.amount), { denom: DEV_DENOM, amount: (1_000_000n * DEV_UNIT).toString() }] });
  const eco = bank.moduleBalances.find((m) => m.module === "ecosystem_fund")!;
  eco.coins.push({ denom: DEV_DENOM, amount: DEV_POOL_DEVUSD.toString() });
  // One NXT/DEVUSD pool bootstrapped from the ecosystem fund (its LP is community-owned).
  const dex = { ...defaultDexGenesis(), bootstrapPools: [{ denomA: NXT_DENOM, amountA: DEV_POOL_NXT.toString(), denomB: DEV_DENOM, amountB: DEV_POOL_DEVUSD.toString() }] };
  // Epochs of a minute, so a developer sees orbital transitions happen.
  const economy = defaultEconomyGenesis();
  economy.params = { ...economy.params, epochDurationMs: DEV_EPOCH_MS };
  // The dev key named "attestor" is the chain's one registered attestor.
  const bhls = defaultBhlsGenesis();
  const attestor = o.accounts.find((a) => a.name === DEV_ATTESTOR_KEY);
  if (attestor) bhls.attestors.push({ address: attestor.address, moniker: "dev attestor", addedHeight: 0 });
  // The dev key named "arbiter" is the chain's one arbiter: panels of one, minutes not days.
  const arbitration = defaultArbitrationGenesis();
  arbitration.params = { ...arbitration.params, panelSize: 1, quorum: 1, rulingPeriodMs: 10 * 60_000, appealPeriodMs: 60_000, minBond: (100n * NXT).toString(), appealBond: (100n * NXT).toString() };
  const arbiter = o.accounts.find((a) => a.name === DEV_ARBITER_KEY);
  if (arbiter) arbitration.arbiters.push(arbiter.address);
  return buildGenesis(o.chainId, o.genesisTime, new ModuleManager(modules), { bank, dex, economy, bhls, gov: devGovGenesis(), arbitration });
}

/**
 * Governance on a dev chain or devnet: minutes, not days, and a 100 NXT deposit, so a
 * proposal goes from draft to execution while a developer watches (scripts/governance/).
 */
export function devGovGenesis(): GovGenesis {
  const g = defaultGovGenesis();
  return { ...g, params: { ...g.params, minDeposit: (100n * NXT).toString(), maxDepositPeriodMs: 10 * 60_000, votingPeriodMs: DEV_VOTING_PERIOD_MS } };
}
/** Voting period of dev chains and the devnet (a network's genesis keeps 3 days). */
export const DEV_VOTING_PERIOD_MS = 30_000;

/** The dev chain's test denomination (6 decimals) and its bootstrap pool: 1 000 000 NXT for 1 000 000 DEVUSD. */
export const DEV_DENOM = "devusd";
const DEV_UNIT = 1_000_000n;
const DEV_POOL_NXT = 1_000_000n * 100_000_000n;
const DEV_POOL_DEVUSD = 1_000_000n * DEV_UNIT;
/** The dev key registered as the dev chain's arbiter. */
export const DEV_ARBITER_KEY = "arbiter";
/** The dev key registered as the dev chain's BHLS attestor. */
export const DEV_ATTESTOR_KEY = "attestor";
/** Epoch length of the dev chain (a network's genesis keeps 30 days). */
export const DEV_EPOCH_MS = 60_000;

/**
 * A validator network's genesis: the validators bonded in staking, each operator funded with
 * its stake plus OPERATOR_FEE_FUNDS, and the extra funded accounts.
 */
export function nexusNetworkGenesis(
  modules: readonly ChainModule[],
  o: { chainId: string; genesisTime: number; validators: readonly GenesisValidator[]; accounts: readonly FundedAccount[]; devnet?: boolean },
): GenesisDoc {
  const bank = defaultBankGenesis();
  for (const v of o.validators) bank.balances.push({ address: v.operator, coins: coins(v.stake + OPERATOR_FEE_FUNDS) });
  for (const a of o.accounts) bank.balances.push({ address: a.address, coins: coins(a.amount) });
  const staking = {
    ...defaultStakingGenesis(),
    validators: o.validators.map((v) => ({ operator: v.operator, consensusPubKey: v.consensusPubKey, band: v.band, amount: v.stake.toString(), moniker: v.moniker })),
  };
  // The devnet (`nexus devnet`) is a development network: governance in minutes there too.
  const extra = o.devnet ? { gov: devGovGenesis() } : {};
  return buildGenesis(o.chainId, o.genesisTime, new ModuleManager(modules), { bank, staking, ...extra });
}
