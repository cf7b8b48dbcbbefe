import { defineChain, type ChainDefinition, type ConsensusMode } from "../../runtime/modules/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { NXT, NXT_DECIMALS, NXT_DENOM } from "../../modules/bank/params.ts";
import { stakingModule } from "../../modules/staking/index.ts";
import { consensusModule } from "../../runtime/node/consensus/chain-module.ts";
import { nexusDevGenesis, nexusNetworkGenesis } from "./genesis.ts";

/**
 * The modules of the reference NexusOS chain. Registration order is also the default order
 * of genesis and block hooks; `order` below pins the hooks where order matters.
 */
export function nexusModules(consensus: ConsensusMode): ChainModule[] {
  const modules: ChainModule[] = [bankModule, stakingModule];
  // Only BFT validators produce commits and evidence for the consensus module to record.
  if (consensus === "bft") modules.push(consensusModule);
  return modules;
}

/** THE reference NexusOS chain: the only place that names its modules (docs/modules.md). */
export const nexusChain = defineChain({
  name: "NexusOS",
  binary: "nexus",
  modules: nexusModules,
  order: {
    // bank first: staking's genesis bonds the validators' stake out of balances bank credits.
    initGenesis: ["bank", "staking", "consensus"],
    beginBlock: ["bank", "staking", "consensus"],
    // staking's end block returns the validator-set updates, which must see every stake
    // change of the block: a module whose end block changes stake is named before staking
    // (modules not named here run after the named ones).
    endBlock: ["bank", "consensus", "staking"],
  },
  denoms: [{ base: NXT_DENOM, display: "NXT", decimals: NXT_DECIMALS }],
  genesis: {
    dev: (o) => nexusDevGenesis(nexusModules("single"), o),
    network: (o) => nexusNetworkGenesis(nexusModules("bft"), o),
  },
  dev: {
    chainId: "nexus-dev-1",
    devnetChainId: "nexus-devnet-1",
    keyNames: ["alice", "bob", "carol"],
    keyBalance: 10_000_000n * NXT,
    validatorStake: 100_000n * NXT,
  },
  accounts: {
    // Governance will send MsgUpdateParams and treasury spends from this account.
    authority: moduleAddress("gov"),
    permissions: {
      // bank's genesis mints the initial supply through this account
      genesis: ["minter", "burner"],
      // slashing burns from the staking pools
      bonded_pool: ["burner", "staking"],
      not_bonded_pool: ["burner", "staking"],
    },
  },
} satisfies ChainDefinition);
