import type { GenesisDoc } from "../../app/application.ts";
import { ModuleManager } from "../../modules/manager.ts";
import type { ChainModule } from "../../modules/types.ts";
import { buildGenesis } from "../genesis.ts";
import { defaultBankGenesis } from "../../../modules/bank/genesis.ts";
import { NXT } from "../../../modules/bank/params.ts";
import { defaultStakingGenesis } from "../../../modules/staking/index.ts";

export interface GenesisValidatorSpec {
  /** Operator address (= consensus signer address). */
  readonly operator: string;
  /** 32-byte Ed25519 consensus public key, hex. */
  readonly consensusPubKey: string;
  readonly band: number;
  readonly moniker: string;
  /** Self-delegation in whole NXT. */
  readonly stakeNxt: bigint;
}

/**
 * Bands so that any N-1 of N validators still span min(5, populated bands): every populated
 * band gets at least two validators, with at most 5 bands (more would not be required
 * anyway). 4 validators: bands 1,2,1,2 (two each, 2 required); 10 or more: 5 bands.
 */
export function assignBands(n: number): number[] {
  const bands = Math.max(1, Math.min(5, Math.floor(n / 2)));
  return Array.from({ length: n }, (_, i) => 1 + (i % bands));
}

/**
 * One genesis for a validator network: the validators bonded in staking (each operator
 * funded with its stake plus `operatorNxt` for fees), and extra funded accounts.
 */
export function validatorNetworkGenesis(o: {
  chainId: string;
  genesisTime: number;
  modules: ChainModule[];
  validators: readonly GenesisValidatorSpec[];
  accounts?: readonly { address: string; nxt: bigint }[];
  operatorNxt?: bigint;
}): GenesisDoc {
  const bank = defaultBankGenesis();
  const coins = (nxt: bigint): { denom: string; amount: string }[] => [{ denom: "nxt", amount: (nxt * NXT).toString() }];
  for (const v of o.validators) bank.balances.push({ address: v.operator, coins: coins(v.stakeNxt + (o.operatorNxt ?? 1_000_000n)) });
  for (const a of o.accounts ?? []) bank.balances.push({ address: a.address, coins: coins(a.nxt) });
  const staking = defaultStakingGenesis();
  const stakingGenesis = {
    ...staking,
    validators: o.validators.map((v) => ({
      operator: v.operator,
      consensusPubKey: v.consensusPubKey,
      band: v.band,
      amount: (v.stakeNxt * NXT).toString(),
      moniker: v.moniker,
    })),
  };
  return buildGenesis(o.chainId, o.genesisTime, new ModuleManager(o.modules), { bank, staking: stakingGenesis });
}
