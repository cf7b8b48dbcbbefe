import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance, ValidatorUpdate } from "../../runtime/modules/types.ts";
import { RuntimeTokens } from "../../runtime/app/interfaces.ts";
import { StakingKeeper, StakingConfigToken } from "./keeper/staking-keeper.ts";
import { stakingConfig, type StakingModuleOptions } from "./params.ts";
import { NO_STAKING_HOOKS, StakingDeps, type StakingHooks } from "./expected-keepers.ts";
import { stakingMsgs } from "./msgs.ts";
import { stakingGenesis, type StakingGenesis } from "./genesis.ts";
import { stakingQueries } from "./queries.ts";
import { stakingInvariants } from "./invariants.ts";
import { FemtoRoleProvider, StakingKeeperToken } from "./band-provider.ts";
import type { StakingValidatorUpdate } from "./types.ts";

export const StakingTokens = {
  Keeper: StakingKeeperToken,
  Module: Symbol.for("staking.Module"),
  FemtoProvider: Symbol.for("staking.FemtoRoleProvider"),
  /** StakingConfig: the authority over the params. */
  Config: StakingConfigToken,
} as const;

@injectable()
export class StakingModule implements ModuleInstance<StakingGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(StakingTokens.Keeper) readonly keeper: StakingKeeper) {
    this.msgs = stakingMsgs(keeper);
    this.genesis = stakingGenesis(keeper);
    this.queries = stakingQueries(keeper);
    this.invariants = stakingInvariants(keeper);
  }

  /** O(active set): the block reward. */
  beginBlock(ctx: Ctx): void {
    this.keeper.beginBlock(ctx);
  }

  /** Matured queue entries (bounded by maxMaturePerBlock), then O(maxValidators) set updates. */
  endBlock(ctx: Ctx): StakingValidatorUpdate[] {
    return this.keeper.endBlock(ctx);
  }

  /** The set history endBlock records (effective heights): what state sync checks peers' validator sets against. */
  consensusSet(ctx: Ctx, height: number): ValidatorUpdate[] {
    return this.keeper.valset.activeSetFor(ctx, height).map((m) => ({ address: m.operator, power: m.power, consensusPubKey: m.consensusPubKey, band: m.band }));
  }
}

/**
 * Validators, delegation, rewards, slashing and the active set (PoSPECTRUM's stake). The chain
 * gives the authority over the params (default: the "gov" module account); its bank must give
 * STAKING_MODULE_ACCOUNT_PERMISSIONS to the pools.
 */
export function createStakingModule(opts: StakingModuleOptions = {}): ChainModule {
  const config = stakingConfig(opts);
  return {
    name: "staking",
    version: 1,
    dependsOn: ["bank"],
    bindings: new ContainerModule(({ bind }) => {
      bind(StakingTokens.Config).toConstantValue(config);
      // Resolved on first use: a listener (governance) depends on staking itself.
      bind(StakingDeps.Hooks)
        .toDynamicValue((c) => {
          const tokens = opts.hooks ?? [];
          if (tokens.length === 0) return NO_STAKING_HOOKS;
          let listeners: StakingHooks[] | undefined;
          const all = (): StakingHooks[] => (listeners ??= tokens.map((t) => c.get<StakingHooks>(t)));
          const hooks: StakingHooks = { afterDelegationModified: (ctx, d, v, s) => all().forEach((h) => h.afterDelegationModified(ctx, d, v, s)) };
          return hooks;
        })
        .inSingletonScope();
      bind(StakingTokens.Keeper).to(StakingKeeper).inSingletonScope();
      bind(StakingTokens.FemtoProvider).to(FemtoRoleProvider).inSingletonScope();
      bind(RuntimeTokens.BandRoleProvider).toService(StakingTokens.FemtoProvider);
      bind(StakingTokens.Module).to(StakingModule).inSingletonScope();
    }),
    instance: StakingTokens.Module,
  };
}

/** Staking with the reference chain's defaults (gov authority). */
export const stakingModule: ChainModule = createStakingModule();

export { StakingKeeper } from "./keeper/staking-keeper.ts";
export { StakingTypeUrls } from "./msgs.ts";
export { StakingError, type StakingErrorCode } from "./errors.ts";
export { StakingEvents } from "./events.ts";
export { defaultParams as defaultStakingParams, defaultAuthority as defaultStakingAuthority, stakingConfig, type StakingConfig, type StakingModuleOptions, type StakingParams, BONDED_POOL, NOT_BONDED_POOL, VALIDATOR_POOL, DISTRIBUTION_POOL, POWER_REDUCTION, STAKING_MODULE_ACCOUNT_PERMISSIONS } from "./params.ts";
export { defaultStakingGenesis, type StakingGenesis } from "./genesis.ts";
export type { ActiveValidator, Validator, Delegation, UnbondingEntry, RedelegationEntry, StakingValidatorUpdate } from "./types.ts";
export type { SlashResult } from "./keeper/slashing.ts";
