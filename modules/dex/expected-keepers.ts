import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/**
 * What the dex needs from bank, declared by the consumer (bound through opts.bank, default
 * Symbol.for("bank.Keeper")). mint credits new coins to a module account ("minter"), burn
 * destroys coins a module account holds ("burner").
 */
export interface BankForDex {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  send(ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void;
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly CoinAmount[]): void;
  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly CoinAmount[]): void;
  mint(ctx: Ctx, module: string, coins: readonly CoinAmount[]): void;
  burn(ctx: Ctx, module: string, coins: readonly CoinAmount[]): void;
  supply(ctx: Ctx, denom: string): bigint;
}

/**
 * Where the protocol fee goes ("DEX fee → liquidity allocation"): module account names and
 * their weights in basis points, summing to 10000. The economy module's keeper implements it;
 * the chain binds it and passes the token as opts.feeRecipients.
 */
export interface LiquidityAllocationSource {
  liquidityAllocationShares(ctx: Ctx): readonly { module: string; bps: number }[];
}

export const DexDeps = {
  Bank: Symbol.for("bank.Keeper"),
} as const;
