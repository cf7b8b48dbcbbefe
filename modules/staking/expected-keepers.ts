import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/**
 * What staking needs from bank, declared by the consumer. Module accounts are addressed by
 * name (sendToModule / sendFromModule) or by moduleAddress(name) for module-to-module moves.
 */
export interface BankForStaking {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  send(ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void;
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly CoinAmount[]): void;
  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly CoinAmount[]): void;
  /** Burn coins a module account holds; the chain's permission table must give it "burner". */
  burn(ctx: Ctx, module: string, coins: readonly CoinAmount[]): void;
}

/**
 * Listeners of delegation changes (Cosmos's StakingHooks): governance keeps its vote
 * aggregates current through it. Called after every write of a delegation's shares.
 */
export interface StakingHooks {
  afterDelegationModified(ctx: Ctx, delegator: string, validator: string, shares: bigint): void;
}

export const NO_STAKING_HOOKS: StakingHooks = { afterDelegationModified: () => undefined };

export const StakingDeps = {
  Bank: Symbol.for("bank.Keeper"),
  Hooks: Symbol.for("staking.expected.Hooks"),
} as const;
