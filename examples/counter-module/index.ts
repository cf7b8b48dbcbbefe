import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import { CounterKeeper, CounterConfigToken } from "./keeper/counter-keeper.ts";
import { counterMsgs } from "./msgs.ts";
import { counterGenesis, type CounterGenesis } from "./genesis.ts";
import { counterQueries } from "./queries.ts";
import { totalMatchesSum } from "./invariants.ts";
import { counterConfig } from "./params.ts";

/**
 * Example module: a per-account counter. Copy this folder to start a module of your own;
 * docs/modules.md walks through every file.
 */
export const CounterTokens = {
  Keeper: Symbol.for("counter.Keeper"),
  Module: Symbol.for("counter.Module"),
  /** CounterConfig given by the chain (the authority). */
  Config: CounterConfigToken,
} as const;

@injectable()
export class CounterModule implements ModuleInstance<CounterGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;
  /** Version 2 added snapshots: the migration writes the first one. */
  readonly migrations = { 2: (ctx: Ctx): void => this.keeper.writeSnapshot(ctx) };

  constructor(@inject(CounterTokens.Keeper) readonly keeper: CounterKeeper) {
    this.msgs = counterMsgs(keeper);
    this.genesis = counterGenesis(keeper);
    this.queries = counterQueries(keeper);
    this.invariants = { "total-matches-sum": totalMatchesSum(keeper) };
  }

  /** Bounded work: one read and at most one write per block. */
  endBlock(ctx: Ctx): void {
    if (ctx.block.height % this.keeper.params(ctx).snapshotEvery === 0) this.keeper.writeSnapshot(ctx);
  }
}

/** A factory: the chain passes what it decides (the authority over the params). */
export function createCounterModule(opts: { authority?: string } = {}): ChainModule {
  const config = counterConfig(opts);
  return {
    name: "counter",
    version: 2,
    dependsOn: ["bank"],
    bindings: new ContainerModule(({ bind }) => {
      bind(CounterTokens.Config).toConstantValue(config);
      bind(CounterTokens.Keeper).to(CounterKeeper).inSingletonScope();
      bind(CounterTokens.Module).to(CounterModule).inSingletonScope();
    }),
    instance: CounterTokens.Module,
  };
}

/** The default-configured instance (gov authority). */
export const counterModule: ChainModule = createCounterModule();
