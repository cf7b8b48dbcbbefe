import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/** What the BHLS module needs from bank (the bank keeper implements it). */
export interface BankForBhls {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  send(ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void;
}

/**
 * The epoch a claim belongs to (one claim per citizen per epoch). The reference chain binds
 * the economy keeper (its currentEpoch reads economy's EpochState).
 */
export interface EpochSource {
  currentEpoch(ctx: Ctx): { epoch: number; startMs: number };
}

export const BhlsDeps = {
  Bank: Symbol.for("bhls.expected.Bank"),
  Epochs: Symbol.for("bhls.expected.Epochs"),
} as const;
