import type { Ctx } from "../../runtime/modules/types.ts";
import type { TallyDelegation, TallyValidator } from "./tally.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/** What governance needs from bank (the bank keeper implements it). */
export interface BankForGov {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly CoinAmount[]): void;
  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly CoinAmount[]): void;
  /** Burn coins a module account holds; the chain gives gov_deposits "burner". */
  burn(ctx: Ctx, module: string, coins: readonly CoinAmount[]): void;
}

/** What governance needs from staking: who is bonded, with what stake, and who delegates where. */
export interface StakingForGov {
  /** Validators whose stake is bonded now (the tally's electorate). */
  bondedValidators(ctx: Ctx): TallyValidator[];
  delegationsOf(ctx: Ctx, delegator: string): Iterable<TallyDelegation>;
  /** Holds the FEMTO role: may endorse a proposal. */
  isActiveValidator(ctx: Ctx, address: string): boolean;
}

/**
 * Each module's params, for the constitution's before/after comparison. The chain binds it
 * (chains/nexus/governance.ts reads every keeper's params); undefined: no such module.
 */
export interface ParamsSource {
  params(ctx: Ctx, module: string): unknown;
}

export const GovDeps = {
  Bank: Symbol.for("gov.expected.Bank"),
  Staking: Symbol.for("gov.expected.Staking"),
  Params: Symbol.for("gov.expected.Params"),
} as const;
