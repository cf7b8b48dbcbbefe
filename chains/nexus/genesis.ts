import type { GenesisDoc } from "../../runtime/app/application.ts";
import type { FundedAccount, GenesisValidator } from "../../runtime/modules/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { NXT_DENOM } from "../../modules/bank/params.ts";
import { defaultStakingGenesis } from "../../modules/staking/index.ts";

/** Operators of a validator network get this much besides their stake, to pay fees. */
export const OPERATOR_FEE_FUNDS = 1_000_000n * 100_000_000n;

const coins = (amount: bigint): { denom: string; amount: string }[] => [{ denom: NXT_DENOM, amount: amount.toString() }];

/**
 * The dev chain's genesis: every module's defaults (bank's holds SPEC's allocation of
 * 1 000 000 000 NXT to the module accounts) plus the funded dev accounts.
 */
export function nexusDevGenesis(modules: readonly ChainModule[], o: { chainId: string; genesisTime: number; accounts: readonly FundedAccount[] }): GenesisDoc {
  const bank = defaultBankGenesis();
  for (const a of o.accounts) bank.balances.push({ address: a.address, coins: coins(a.amount) });
  return buildGenesis(o.chainId, o.genesisTime, new ModuleManager(modules), { bank });
}

/**
 * A validator network's genesis: the validators bonded in staking, each operator funded with
 * its stake plus OPERATOR_FEE_FUNDS, and the extra funded accounts.
 */
export function nexusNetworkGenesis(
  modules: readonly ChainModule[],
  o: { chainId: string; genesisTime: number; validators: readonly GenesisValidator[]; accounts: readonly FundedAccount[] },
): GenesisDoc {
  const bank = defaultBankGenesis();
  for (const v of o.validators) bank.balances.push({ address: v.operator, coins: coins(v.stake + OPERATOR_FEE_FUNDS) });
  for (const a of o.accounts) bank.balances.push({ address: a.address, coins: coins(a.amount) });
  const staking = {
    ...defaultStakingGenesis(),
    validators: o.validators.map((v) => ({ operator: v.operator, consensusPubKey: v.consensusPubKey, band: v.band, amount: v.stake.toString(), moniker: v.moniker })),
  };
  return buildGenesis(o.chainId, o.genesisTime, new ModuleManager(modules), { bank, staking });
}
