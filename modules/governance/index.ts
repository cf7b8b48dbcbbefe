import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx, ModuleInstance } from "../../runtime/modules/types.ts";
import { GovConfigToken, GovKeeper } from "./keeper/gov-keeper.ts";
import { GovDeps, type BankForGov, type ParamsSource } from "./expected-keepers.ts";
import { govConfig } from "./params.ts";
import { govMsgs } from "./msgs.ts";
import { govQueries } from "./queries.ts";
import { govGenesis, type GovGenesis } from "./genesis.ts";
import { govInvariants } from "./invariants.ts";

export { GOV_DEPOSITS } from "./keeper/gov-keeper.ts";

export const GovTokens = {
  /** GovKeeper: also arbitration's GovernanceForArbitration (submitEscalation). */
  Keeper: Symbol.for("gov.Keeper"),
  Module: Symbol.for("gov.Module"),
  Config: GovConfigToken,
} as const;

@injectable()
export class GovModule implements ModuleInstance<GovGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(GovTokens.Keeper) readonly keeper: GovKeeper, @inject(GovDeps.Bank) bank: BankForGov) {
    this.msgs = govMsgs(keeper);
    this.genesis = govGenesis(keeper);
    this.queries = govQueries(keeper);
    this.invariants = govInvariants(keeper, bank);
  }

  endBlock(ctx: Ctx): void {
    this.keeper.endBlock(ctx);
  }
}

export interface GovModuleOptions {
  /** Token of a StakingForGov (the reference chain: an adapter over staking's keeper). */
  staking: symbol;
  /**
   * Where the constitution reads each module's params: module name → token of its keeper (any
   * object with `params(ctx)`). Governance's own params are always included.
   */
  paramsOf: Readonly<Record<string, symbol>>;
  /** Token of a BankForGov (default: bank's keeper). */
  bank?: symbol;
  /** Address allowed to send MsgUpdateParams and MsgAmendConstitution (default: governance's own account). */
  authority?: string;
}

/**
 * Governance (docs/governance.md): proposals with a band and messages run through the message
 * router as governance's account, deposits, stake-weighted votes with band diversity, a
 * constitution checked at submission and at execution. The module account "gov" is the
 * chain's authority; deposits wait in "gov_deposits".
 */
export function createGovModule(opts: GovModuleOptions): ChainModule {
  const config = govConfig({ authority: opts.authority });
  return {
    name: "gov",
    version: 1,
    dependsOn: ["bank", "staking"],
    bindings: new ContainerModule(({ bind }) => {
      bind(GovTokens.Config).toConstantValue(config);
      bind(GovDeps.Bank).toService(opts.bank ?? Symbol.for("bank.Keeper"));
      bind(GovDeps.Staking).toService(opts.staking);
      // Keepers resolved on use: a module whose params are read may itself depend on governance.
      bind(GovDeps.Params)
        .toDynamicValue((c) => {
          const tokens: Record<string, symbol> = { ...opts.paramsOf, gov: GovTokens.Keeper };
          const source: ParamsSource = {
            params: (ctx, m) => (tokens[m] ? c.get<{ params(ctx: Ctx): unknown }>(tokens[m]).params(ctx) : undefined),
          };
          return source;
        })
        .inSingletonScope();
      bind(GovTokens.Keeper).to(GovKeeper).inSingletonScope();
      bind(GovTokens.Module).to(GovModule).inSingletonScope();
    }),
    instance: GovTokens.Module,
  };
}
