import { defineChain, type ChainDefinition, type ConsensusMode, type ModulePermission } from "../../runtime/modules/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { createBankModule } from "../../modules/bank/index.ts";
import { NXT, NXT_DECIMALS, NXT_DENOM } from "../../modules/bank/params.ts";
import { createStakingModule, StakingTokens } from "../../modules/staking/index.ts";
import { createConsensusModule } from "../../modules/consensus/index.ts";
import { createEconomyModule, EconomyTokens } from "../../modules/economy/index.ts";
import { createDexModule } from "../../modules/dex/index.ts";
import { createBhlsModule, BhlsTokens } from "../../modules/bhls/index.ts";
import { createGovModule, GovTokens } from "../../modules/governance/index.ts";
import { createArbitrationModule, ArbitrationTokens } from "../../modules/ai-arbitration/index.ts";
import { createBridgeModule, BridgeTokens } from "../../modules/bridge/index.ts";
import { createAchievementsModule } from "../../modules/achievements/index.ts";
import { BankTokens } from "../../modules/bank/index.ts";
import { DexTokens } from "../../modules/dex/index.ts";
import { nexusDevGenesis, nexusNetworkGenesis } from "./genesis.ts";

/** Who may send each module's privileged messages (MsgUpdateParams…): governance's module account. */
export const NEXUS_AUTHORITY = moduleAddress("gov");

/**
 * Module-account permissions bank enforces (Cosmos x/auth): only a minter mints, only a burner
 * burns. Accounts not listed may hold and send coins, nothing more.
 */
export const NEXUS_PERMISSIONS = {
  // slashing burns stake from the staking pools
  bonded_pool: ["burner", "staking"],
  not_bonded_pool: ["burner", "staking"],
  distribution: [],
  validator_pool: [],
  // economy burns 20% of every block's fees and of every postage payment
  fee_collector: ["burner"],
  postage: ["burner"],
  // the DEX mints and burns its pools' LP shares (and only it: NEXUS_DENOM_OWNERS)
  dex: ["minter", "burner"],
  // governance burns the deposits of vetoed proposals
  gov_deposits: ["burner"],
} as const satisfies Record<string, readonly ModulePermission[]>;

/** Denominations only their module mints and burns: LP shares are the DEX's. */
export const NEXUS_DENOM_OWNERS = { "dex/": "dex" } as const;

/**
 * Module accounts that refuse plain sends (Cosmos blockedAddrs): their balances must equal
 * what their module accounts for, so a stray MsgSend would break an invariant. Treasury-like
 * accounts (validator_pool, treasury, the reserves) stay open so anyone can fund them.
 */
export const NEXUS_BLOCKED_ACCOUNTS = ["bonded_pool", "not_bonded_pool", "distribution", "fee_collector", "bank_multisend_escrow", "postage", "dex", "bhls_bridge_escrow", "gov_deposits", "arbitration", "bridge_escrow"] as const;

const bankModule = createBankModule({ authority: NEXUS_AUTHORITY, permissions: NEXUS_PERMISSIONS, blockedAccounts: NEXUS_BLOCKED_ACCOUNTS, denomOwners: NEXUS_DENOM_OWNERS });
// Governance listens to delegation changes (its running vote tallies).
const stakingModule = createStakingModule({ authority: NEXUS_AUTHORITY, hooks: [GovTokens.Keeper] });
// Records each block's last commit and evidence; slashes through staking's keeper.
const consensusModule = createConsensusModule({ staking: StakingTokens.Keeper });
// Fees, postage, epochs and crisis protection; pays validators' fee share through staking;
// counts citizens (the stability index) through bhls.
const economyModule = createEconomyModule({ authority: NEXUS_AUTHORITY, staking: StakingTokens.Keeper, citizens: BhlsTokens.Keeper });
// The protocol fee's LP goes to economy's twelve liquidity allocation accounts.
const dexModule = createDexModule({ authority: NEXUS_AUTHORITY, feeRecipients: EconomyTokens.Keeper });
// The BHLS floor: citizens attested by phone (PICO), monthly claims per economy's epochs.
const bhlsModule = createBhlsModule({ authority: NEXUS_AUTHORITY, epochs: EconomyTokens.Keeper });
// Governance: its account is NEXUS_AUTHORITY, so a passed proposal's messages carry every
// module's authority. The constitution compares these modules' params before and after.
const govModule = createGovModule({
  staking: StakingTokens.Keeper,
  paramsOf: { bank: BankTokens.Keeper, staking: StakingTokens.Keeper, economy: EconomyTokens.Keeper, dex: DexTokens.Keeper, bhls: BhlsTokens.Keeper, arbitration: ArbitrationTokens.Keeper, bridge: BridgeTokens.Keeper },
});
// AI-assisted arbitration: panels of governance-registered arbiters; a ruling that stands runs
// its remedy (allowlisted by governance) as governance's account; the rest escalate to a proposal.
const arbitrationModule = createArbitrationModule({ authority: NEXUS_AUTHORITY, governance: GovTokens.Keeper });
// The NexusOS end of the bridges: NXT locked for other chains in bridge_escrow, credited back on
// attestations of > 2/3 of the validators' power (docs/bridges.md).
// BHLS claims a citizen directs to an EVM chain are delivered by its BHLSDistributor.
const bridgeModule = createBridgeModule({ authority: NEXUS_AUTHORITY, staking: StakingTokens.Keeper, bhls: BhlsTokens.Keeper });
// Badges and points from what transactions do (afterTx); only attested citizens refer.
const achievementsModule = createAchievementsModule({ citizens: BhlsTokens.Keeper });

/**
 * The modules of the reference NexusOS chain. Registration order is also the default order
 * of genesis and block hooks; `order` below pins the hooks where order matters.
 */
export function nexusModules(consensus: ConsensusMode): ChainModule[] {
  const modules: ChainModule[] = [bankModule, stakingModule];
  // Only BFT validators produce commits and evidence for the consensus module to record.
  if (consensus === "bft") modules.push(consensusModule);
  modules.push(economyModule, dexModule, bhlsModule, govModule, arbitrationModule, bridgeModule, achievementsModule);
  return modules;
}

/** THE reference NexusOS chain: the only place that names its modules (docs/modules.md). */
export const nexusChain = defineChain({
  name: "NexusOS",
  binary: "nexus",
  modules: nexusModules,
  order: {
    // bank first: staking's genesis bonds the validators' stake out of balances bank credits.
    // dex after bank: its bootstrap pools are funded from balances bank credits.
    initGenesis: ["bank", "staking", "consensus", "economy", "dex", "bhls", "gov", "arbitration", "bridge", "achievements"],
    beginBlock: ["bank", "staking", "consensus"],
    // staking's end block returns the validator-set updates, which must see every stake
    // change of the block: a module whose end block changes stake is named before staking
    // (modules not named here run after the named ones). economy routes the block's fees, so
    // it runs after every module that pays into fee_collector: last.
    // gov before staking: a passed proposal may change stake or staking's params; arbitration
    // before gov: a case escalated at its deadline opens its proposal in the same block.
    // bridge after gov: a proposal unpausing a chain pays its waiting credits in the same block.
    endBlock: ["bank", "consensus", "arbitration", "gov", "bridge", "staking", "dex", "economy"],
  },
  denoms: [{ base: NXT_DENOM, display: "NXT", decimals: NXT_DECIMALS }],
  genesis: {
    dev: (o) => nexusDevGenesis(nexusModules("single"), o),
    network: (o) => nexusNetworkGenesis(nexusModules("bft"), o),
  },
  dev: {
    chainId: "nexus-dev-1",
    devnetChainId: "nexus-devnet-1",
    // "attestor" is the dev chain's one registered BHLS attestor (nexus attestor start --dev).
    // "arbiter" is the dev chain's one registered arbiter (nexus arbiter start --dev).
    keyNames: ["alice", "bob", "carol", "attestor", "arbiter"],
    keyBalance: 10_000_000n * NXT,
    validatorStake: 100_000n * NXT,
  },
  accounts: { authority: NEXUS_AUTHORITY, permissions: NEXUS_PERMISSIONS },
} satisfies ChainDefinition);
