import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import { EconomyKeeper, EconomyConfigToken } from "./keeper/economy-keeper.ts";
import { RuntimeEnergyPrice } from "./keeper/energy-price.ts";
import { EconomyDeps, type CitizenRegistry } from "./expected-keepers.ts";
import { economyConfig } from "./params.ts";
import { economyMsgs } from "./msgs.ts";
import { economyQueries } from "./queries.ts";
import { economyGenesis, type EconomyGenesis } from "./genesis.ts";
import { economyInvariants } from "./invariants.ts";

export const EconomyTokens = {
  /** EconomyKeeper: also the DEX's liquidity-allocation port and the messaging layer's postage. */
  Keeper: Symbol.for("economy.Keeper"),
  Module: Symbol.for("economy.Module"),
  /** EconomyConfig: the authority over params and treasury draws. */
  Config: EconomyConfigToken,
} as const;

@injectable()
export class EconomyModule implements ModuleInstance<EconomyGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(EconomyTokens.Keeper) readonly keeper: EconomyKeeper) {
    this.msgs = economyMsgs(keeper);
    this.genesis = economyGenesis(keeper);
    this.queries = economyQueries(keeper);
    this.invariants = economyInvariants(keeper);
  }

  /**
   * Bounded: route the block's fees (O(active set) inside staking), then at most one epoch
   * transition (a fixed number of transfers). Must run after every hook that can pay into
   * fee_collector, so fee_collector is empty when the block ends.
   */
  endBlock(ctx: Ctx): void {
    this.keeper.endBlock(ctx);
  }
}

export interface EconomyModuleOptions {
  /** Address allowed to send MsgUpdateParams and MsgTreasuryDraw (the governance module account). */
  authority: string;
  /** Token of a service implementing StakingForEconomy (the reference chain: StakingTokens.Keeper). */
  staking: symbol;
  /** Token of a CitizenRegistry (the BHLS module, later). Without it the count is 0: no index, normal branch. */
  citizens?: symbol;
  /** Token of a BankForEconomy (default: bank's keeper, Symbol.for("bank.Keeper")). */
  bank?: symbol;
  /** Token of an EnergyPrice (default: the runtime params' joulesPerUnit in state). */
  energyPrice?: symbol;
}

const NO_CITIZENS: CitizenRegistry = { citizenCount: () => 0n };

/**
 * Orbital transitions of fees and reserves: fee routing, messaging postage, epoch transitions
 * and crisis protection (docs/economy.md). The chain's bank must give "burner" to fee_collector
 * and postage (ECONOMY_MODULE_ACCOUNT_PERMISSIONS), and run this end block after every module
 * that pays into fee_collector.
 */
export function createEconomyModule(opts: EconomyModuleOptions): ChainModule {
  const config = economyConfig({ authority: opts.authority });
  return {
    name: "economy",
    version: 1,
    dependsOn: ["bank", "staking"],
    bindings: new ContainerModule(({ bind }) => {
      bind(EconomyTokens.Config).toConstantValue(config);
      bind(EconomyDeps.Bank).toService(opts.bank ?? Symbol.for("bank.Keeper"));
      bind(EconomyDeps.Staking).toService(opts.staking);
      if (opts.citizens) bind(EconomyDeps.Citizens).toService(opts.citizens);
      else bind(EconomyDeps.Citizens).toConstantValue(NO_CITIZENS);
      if (opts.energyPrice) bind(EconomyDeps.EnergyPrice).toService(opts.energyPrice);
      else bind(EconomyDeps.EnergyPrice).to(RuntimeEnergyPrice).inSingletonScope();
      bind(EconomyTokens.Keeper).to(EconomyKeeper).inSingletonScope();
      bind(EconomyTokens.Module).to(EconomyModule).inSingletonScope();
    }),
    instance: EconomyTokens.Module,
  };
}

export { EconomyKeeper } from "./keeper/economy-keeper.ts";
export { EconomyTypeUrls, type MsgBuyPostage, type MsgTreasuryDraw, type MsgUpdateParams } from "./msgs.ts";
export { EconomyError, ECONOMY_ERRORS, type EconomyErrorCode } from "./errors.ts";
export { EconomyEvents } from "./events.ts";
export { defaultParams as defaultEconomyParams, economyConfig, type EconomyConfig, type EconomyParams } from "./params.ts";
export { defaultEconomyGenesis, type EconomyGenesis } from "./genesis.ts";
export {
  FEE_COLLECTOR,
  TRANSITION_RESERVE,
  BHLS_FLOOR_RESERVE,
  TREASURY,
  POSTAGE,
  LIQUIDITY_ACCOUNTS,
  ECONOMY_MODULE_ACCOUNT_PERMISSIONS,
  type LiquidityAccount,
} from "./accounts.ts";
export type { BankForEconomy, StakingForEconomy, CitizenRegistry, EnergyPrice } from "./expected-keepers.ts";
export { EconomyDeps } from "./expected-keepers.ts";
export type { PostageBudget, TransitionRecord, EpochState } from "./records.ts";
export type { StabilityIndex } from "./stability.ts";
export type { CrisisBranch } from "./transition.ts";
