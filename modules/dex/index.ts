import { ContainerModule, inject, injectable } from "inversify";
import type { ChainModule, ModuleInstance } from "../../runtime/modules/types.ts";
import { DexKeeper } from "./keeper/dex-keeper.ts";
import { dexMsgs } from "./msgs.ts";
import { dexGenesis, type DexGenesis } from "./genesis.ts";
import { dexQueries } from "./queries.ts";
import { dexInvariants } from "./invariants.ts";
import { dexConfig, type DexConfig } from "./params.ts";
import { DexDeps, type BankForDex, type LiquidityAllocationSource } from "./expected-keepers.ts";

export const DexTokens = {
  Keeper: Symbol.for("dex.Keeper"),
  Module: Symbol.for("dex.Module"),
  /** DexConfig: the authority, whether fee recipients are bound. */
  Config: Symbol.for("dex.Config"),
} as const;

@injectable()
export class DexModule implements ModuleInstance<DexGenesis> {
  readonly msgs;
  readonly genesis;
  readonly queries;
  readonly invariants;

  constructor(@inject(DexTokens.Keeper) readonly keeper: DexKeeper) {
    this.msgs = dexMsgs(keeper);
    this.genesis = dexGenesis(keeper);
    this.queries = dexQueries(keeper);
    this.invariants = dexInvariants(keeper);
  }
}

export interface DexModuleOptions {
  /** Address allowed to send /dex.v1.MsgUpdateParams (the governance module account on the reference chain). */
  authority: string;
  /** Token of a LiquidityAllocationSource (the economy keeper); without it the protocol fee stays off. */
  feeRecipients?: symbol;
  /** Token of the BankForDex (default Symbol.for("bank.Keeper")). */
  bank?: symbol;
}

/**
 * A native AMM with Uniswap v2 semantics (docs/dex.md). The chain's bank must give the "dex"
 * module account ["minter", "burner"] (DEX_MODULE_ACCOUNT_PERMISSIONS) and should block direct
 * transfers to it (its balance must equal the pools' reserves).
 */
export function createDexModule(opts: DexModuleOptions): ChainModule {
  const config: DexConfig = dexConfig(opts.authority, opts.feeRecipients !== undefined);
  const bankToken = opts.bank ?? DexDeps.Bank;
  return {
    name: "dex",
    version: 1,
    dependsOn: ["bank"],
    bindings: new ContainerModule(({ bind }) => {
      bind(DexTokens.Config).toConstantValue(config);
      bind(DexTokens.Keeper)
        .toDynamicValue((c) => new DexKeeper(c.get<BankForDex>(bankToken), config, opts.feeRecipients ? c.get<LiquidityAllocationSource>(opts.feeRecipients) : undefined))
        .inSingletonScope();
      bind(DexTokens.Module).to(DexModule).inSingletonScope();
    }),
    instance: DexTokens.Module,
  };
}

export { DexKeeper } from "./keeper/dex-keeper.ts";
export { DexTypeUrls } from "./msgs.ts";
export { DexError, DEX_ERRORS, type DexErrorCode } from "./errors.ts";
export { DexEvents } from "./events.ts";
export { DEX_MODULE_ACCOUNT, LOCKED_LIQUIDITY_ACCOUNT, DEX_MODULE_ACCOUNT_PERMISSIONS, DEFAULT_GENESIS_FUNDER, lpDenom, defaultParams as defaultDexParams, type DexParams } from "./params.ts";
export { defaultDexGenesis, type DexGenesis } from "./genesis.ts";
export type { BankForDex, LiquidityAllocationSource } from "./expected-keepers.ts";
export type { Pool, Observation } from "./keys.ts";
export { MINIMUM_LIQUIDITY } from "./amm.ts";
