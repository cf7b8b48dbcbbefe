import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, Ctx } from "../../runtime/modules/types.ts";
import type { ModuleInstance } from "../../runtime/modules/types.ts";
import { RuntimeTokens } from "../../runtime/app/interfaces.ts";
import { BhlsKeeper, BhlsConfigToken } from "./keeper/bhls-keeper.ts";
import { BhlsKeeperToken, PicoRoleProvider } from "./band-provider.ts";
import { BhlsDeps, type EpochSource } from "./expected-keepers.ts";
import { bhlsConfig } from "./params.ts";
import { bhlsMsgs } from "./msgs.ts";
import { bhlsQueries } from "./queries.ts";
import { bhlsGenesis, type BhlsGenesis } from "./genesis.ts";
import { bhlsInvariants } from "./invariants.ts";

export const BhlsTokens = {
  /** BhlsKeeper: also economy's CitizenRegistry (bind economy's `citizens` option to it). */
  Keeper: BhlsKeeperToken,
  Module: Symbol.for("bhls.Module"),
  /** BhlsConfig: the authority over attestors, revocations and params. */
  Config: BhlsConfigToken,
  /** The PICO BandRoleProvider (also bound to RuntimeTokens.BandRoleProvider). */
  PicoProvider: Symbol.for("bhls.PicoProvider"),
} as const;

@injectable()
export class BhlsModule implements ModuleInstance<BhlsGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(BhlsTokens.Keeper) readonly keeper: BhlsKeeper) {
    this.msgs = bhlsMsgs(keeper);
    this.genesis = bhlsGenesis(keeper);
    this.queries = bhlsQueries(keeper);
    this.invariants = bhlsInvariants(keeper);
  }
}

export interface BhlsModuleOptions {
  /** Address allowed to send the authority messages (the governance module account). */
  authority: string;
  /** Token of an EpochSource (the reference chain: EconomyTokens.Keeper). Resolved on first use. */
  epochs: symbol;
  /** Token of a BankForBhls (default: bank's keeper, Symbol.for("bank.Keeper")). */
  bank?: symbol;
}

/**
 * The BHLS floor (docs/bhls.md): citizens registered by PICO attestations, pulled claims of
 * the epoch's pro-rata share from bhls_floor_reserve, bridged claims escrowed in
 * bhls_bridge_escrow, and the PICO band role (registered attestors). Has no block hook.
 *
 * The epoch source is resolved lazily (on the first claim), so economy may take this
 * module's keeper as its CitizenRegistry while this module takes economy's keeper as its
 * EpochSource without a construction cycle.
 */
export function createBhlsModule(opts: BhlsModuleOptions): ChainModule {
  const config = bhlsConfig({ authority: opts.authority });
  return {
    name: "bhls",
    version: 1,
    dependsOn: ["bank"],
    bindings: new ContainerModule(({ bind }) => {
      bind(BhlsTokens.Config).toConstantValue(config);
      bind(BhlsDeps.Bank).toService(opts.bank ?? Symbol.for("bank.Keeper"));
      bind(BhlsDeps.Epochs)
        .toDynamicValue((c) => {
          let source: EpochSource | undefined;
          const lazy: EpochSource = { currentEpoch: (ctx: Ctx) => (source ??= c.get<EpochSource>(opts.epochs)).currentEpoch(ctx) };
          return lazy;
        })
        .inSingletonScope();
      bind(BhlsTokens.Keeper).to(BhlsKeeper).inSingletonScope();
      bind(BhlsTokens.PicoProvider).to(PicoRoleProvider).inSingletonScope();
      bind(RuntimeTokens.BandRoleProvider).toService(BhlsTokens.PicoProvider);
      bind(BhlsTokens.Module).to(BhlsModule).inSingletonScope();
    }),
    instance: BhlsTokens.Module,
  };
}

export { BhlsKeeper } from "./keeper/bhls-keeper.ts";
export { PicoRoleProvider } from "./band-provider.ts";
export { BhlsTypeUrls, type MsgClaim, type MsgRegisterCitizen, type MsgRegisterAttestor, type MsgRemoveAttestor, type MsgRevokeCitizens, type MsgUpdateParams } from "./msgs.ts";
export { BhlsError, BHLS_ERRORS, type BhlsErrorCode } from "./errors.ts";
export { BhlsEvents } from "./events.ts";
export { defaultParams as defaultBhlsParams, bhlsConfig, DEFAULT_MONTHLY_AMOUNT, type BhlsConfig, type BhlsParams } from "./params.ts";
export { defaultBhlsGenesis, type BhlsGenesis } from "./genesis.ts";
export { BHLS_FLOOR_RESERVE, BHLS_BRIDGE_ESCROW, BHLS_BLOCKED_ACCOUNTS, BHLS_MODULE_ACCOUNT_PERMISSIONS } from "./accounts.ts";
export { splitCategories, epochShare, CATEGORY_WEIGHTS, type Category } from "./categories.ts";
export { BhlsDeps, type BankForBhls, type EpochSource } from "./expected-keepers.ts";
export type { Citizen, Attestor, EpochShare, BridgeClaim } from "./records.ts";
export * from "./attestation.ts";
