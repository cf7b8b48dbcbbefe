import type { Ctx } from "../modules/types.ts";
import type { Band } from "../tx/bands.ts";

/**
 * Services the application needs from modules. Modules bind implementations to these tokens;
 * the runtime never imports a module.
 */
export const RuntimeTokens = {
  FeeHandler: Symbol.for("runtime.FeeHandler"),
  BandRoleProvider: Symbol.for("runtime.BandRoleProvider"),
  BalanceReader: Symbol.for("runtime.BalanceReader"),
  /** The message router the runtime binds for modules (runtime/modules/msg-router.ts). */
  MsgRouter: Symbol.for("runtime.MsgRouter"),
} as const;

/** Takes transaction fees (bank implements it). */
export interface FeeHandler {
  readonly feeDenom: string;
  spendable(ctx: Ctx, address: string): bigint;
  /** Move `amount` from the payer to the fee collector; throws when the payer cannot pay. */
  chargeFee(ctx: Ctx, payer: string, amount: bigint): void;
}

/**
 * Says who holds a band's role (PICO attestors, FEMTO validators). Zero or more providers
 * may be bound; a band nobody provides for is held by nobody.
 */
export interface BandRoleProvider {
  readonly band: Band;
  holds(ctx: Ctx, address: string): boolean;
}

/** Balance reads for account views and balance proofs (bank implements it). */
export interface BalanceReader {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  balances(ctx: Ctx, address: string): { denom: string; amount: bigint }[];
  /** The full state key (namespace included) holding this balance, for proofs. */
  balanceStateKey(address: string, denom: string): Uint8Array;
}
