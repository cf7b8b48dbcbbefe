import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/** What economy needs from bank (the bank keeper implements it). */
export interface BankForEconomy {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  send(ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void;
  /** Burn coins a module account holds; the chain's permission table must give it "burner". */
  burn(ctx: Ctx, module: string, coins: readonly CoinAmount[]): void;
}

/** What economy needs from staking (the staking keeper implements it). */
export interface StakingForEconomy {
  /**
   * Distribute `amount` held by the module account `fromModule` to the active set of the
   * current height by voting power, commission applied (F1); returns what was paid (≤ amount).
   * What is not paid stays in `fromModule`.
   */
  allocateFees(ctx: Ctx, fromModule: string, amount: bigint): bigint;
}

/** The citizen count the stability index divides by (the BHLS module will implement it). */
export interface CitizenRegistry {
  citizenCount(ctx: Ctx): bigint;
}

/**
 * Energy price of a band: joules per NXT base unit, exact (runtime params' joulesPerUnit).
 * The default reads the runtime params from state (readRuntimeParams); a chain may bind its own.
 */
export interface EnergyPrice {
  joulesPerUnit(ctx: Ctx, band: number): { readonly num: bigint; readonly den: bigint };
}

export const EconomyDeps = {
  Bank: Symbol.for("economy.expected.Bank"),
  Staking: Symbol.for("economy.expected.Staking"),
  Citizens: Symbol.for("economy.expected.Citizens"),
  EnergyPrice: Symbol.for("economy.expected.EnergyPrice"),
} as const;
