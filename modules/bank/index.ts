import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, ModuleInstance } from "../../runtime/modules/types.ts";
import { RuntimeTokens } from "../../runtime/app/interfaces.ts";
import { BankKeeper } from "./keeper/bank-keeper.ts";
import { bankMsgs } from "./msgs.ts";
import { bankGenesis, type BankGenesis } from "./genesis.ts";
import { bankQueries } from "./queries.ts";
import { totalSupplyInvariant } from "./invariants.ts";

export const BankTokens = {
  Keeper: Symbol.for("bank.Keeper"),
  Module: Symbol.for("bank.Module"),
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

/** NXT and other denominations: balances, transfers, module accounts, burn, supply. */
export const bankModule: ChainModule = {
  name: "bank",
  version: 1,
  bindings: new ContainerModule(({ bind }) => {
    bind(BankTokens.Keeper).to(BankKeeper).inSingletonScope();
    bind(RuntimeTokens.FeeHandler).toService(BankTokens.Keeper);
    bind(RuntimeTokens.BalanceReader).toService(BankTokens.Keeper);
    bind(BankTokens.Module).to(BankModule).inSingletonScope();
  }),
  instance: BankTokens.Module,
};

export { BankKeeper } from "./keeper/bank-keeper.ts";
export { BankTypeUrls } from "./msgs.ts";
export { NXT, NXT_DENOM } from "./params.ts";
export type { Coin } from "./coins.ts";
