import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, ModuleInstance } from "../../runtime/modules/types.ts";
import { RuntimeTokens } from "../../runtime/app/interfaces.ts";
import { BankKeeper, BankConfigToken } from "./keeper/bank-keeper.ts";
import { bankMsgs } from "./msgs.ts";
import { bankGenesis, type BankGenesis } from "./genesis.ts";
import { bankQueries } from "./queries.ts";
import { totalSupplyInvariant } from "./invariants.ts";
import { bankConfig, type BankModuleOptions } from "./permissions.ts";

export const BankTokens = {
  Keeper: Symbol.for("bank.Keeper"),
  Module: Symbol.for("bank.Module"),
  /** BankConfig: authority, module-account permissions, blocked accounts. */
  Config: BankConfigToken,
} as const;

@injectable()
export class BankModule implements ModuleInstance<BankGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(BankTokens.Keeper) readonly keeper: BankKeeper) {
    this.msgs = bankMsgs(keeper);
    this.genesis = bankGenesis(keeper);
    this.queries = bankQueries(keeper);
    this.invariants = { "total-supply": totalSupplyInvariant(keeper) };
  }
}

/**
 * NXT and other denominations: balances, transfers, module accounts, burn, supply.
 * The chain gives the authority over the params (default: the "gov" module account), the
 * module-account permission table and the blocked accounts; each is checked here, at start-up.
 */
export function createBankModule(opts: BankModuleOptions = {}): ChainModule {
  const config = bankConfig(opts);
  return {
    name: "bank",
    version: 1,
    bindings: new ContainerModule(({ bind }) => {
      bind(BankTokens.Config).toConstantValue(config);
      bind(BankTokens.Keeper).to(BankKeeper).inSingletonScope();
      bind(RuntimeTokens.FeeHandler).toService(BankTokens.Keeper);
      bind(RuntimeTokens.BalanceReader).toService(BankTokens.Keeper);
      bind(BankTokens.Module).to(BankModule).inSingletonScope();
    }),
    instance: BankTokens.Module,
  };
}

/** The bank with the reference chain's defaults (defaultModuleAccountPermissions, defaultBlockedAccounts, gov authority). */
export const bankModule: ChainModule = createBankModule();

export { BankKeeper } from "./keeper/bank-keeper.ts";
export { BankTypeUrls } from "./msgs.ts";
export { BankError, type BankErrorCode } from "./errors.ts";
export { NXT, NXT_DENOM, defaultAuthority, DEFAULT_AUTHORITY_ACCOUNT, type BankParams } from "./params.ts";
export {
  bankConfig,
  defaultModuleAccountPermissions,
  defaultBlockedAccounts,
  type BankConfig,
  type BankModuleOptions,
  type ModuleAccountPermission,
  type ModuleAccountPermissions,
} from "./permissions.ts";
export type { Coin } from "./coins.ts";
