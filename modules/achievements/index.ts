import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, ModuleInstance, MsgCtx, TxOutcome } from "../../runtime/modules/types.ts";
import { AchievementsKeeper } from "./keeper/achievements-keeper.ts";
import { AchievementsDeps, type CitizenLookup } from "./expected-keepers.ts";
import { achievementsMsgs } from "./msgs.ts";
import { achievementsQueries } from "./queries.ts";
import { achievementsGenesis, type AchievementsGenesis } from "./genesis.ts";

export const AchievementsTokens = {
  Keeper: Symbol.for("achievements.Keeper"),
  Module: Symbol.for("achievements.Module"),
} as const;

@injectable()
export class AchievementsModule implements ModuleInstance<AchievementsGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;

  constructor(@inject(AchievementsTokens.Keeper) readonly keeper: AchievementsKeeper) {
    this.msgs = achievementsMsgs(keeper);
    this.genesis = achievementsGenesis(keeper);
    this.queries = achievementsQueries(keeper);
  }

  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    this.keeper.afterTx(ctx, tx);
  }
}

export interface AchievementsModuleOptions {
  /** Token of a CitizenLookup (the reference chain: bhls's keeper): who may refer. */
  citizens: symbol;
}

/**
 * Non-transferable badges and points (docs/achievements.md), awarded inside the transaction
 * that earns them through the runtime's afterTx hook, from the events and messages of other
 * modules' transactions. No params, no authority, no block hook.
 */
export function createAchievementsModule(opts: AchievementsModuleOptions): ChainModule {
  return {
    name: "achievements",
    version: 1,
    bindings: new ContainerModule(({ bind }) => {
      bind(AchievementsDeps.Citizens).toService(opts.citizens);
      bind(AchievementsTokens.Keeper)
        .toDynamicValue((c) => new AchievementsKeeper(c.get<CitizenLookup>(AchievementsDeps.Citizens)))
        .inSingletonScope();
      bind(AchievementsTokens.Module).to(AchievementsModule).inSingletonScope();
    }),
    instance: AchievementsTokens.Module,
  };
}

export { AchievementsKeeper, type LeaderboardEntry } from "./keeper/achievements-keeper.ts";
export { AchievementsTypeUrls, type MsgSetReferrer } from "./msgs.ts";
export { AchievementsError, ACHIEVEMENTS_ERRORS, type AchievementsErrorCode } from "./errors.ts";
export { AchievementsEvents } from "./events.ts";
export { BADGES, CATEGORIES, COUNTERS, COUNTER_THRESHOLDS, levelOf, pointsOf, type Badge, type Category, type Counter } from "./badges.ts";
export { WatchedEvents, WatchedMsgs } from "./expected-events.ts";
export { AchievementsDeps, type CitizenLookup } from "./expected-keepers.ts";
export { defaultAchievementsGenesis, type AchievementsGenesis } from "./genesis.ts";
export { progressOf, type Progress } from "./rules.ts";
export { profilesProblem } from "./invariants.ts";
