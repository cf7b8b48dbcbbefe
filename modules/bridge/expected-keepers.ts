import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/** What the bridge needs from bank (the bank keeper implements it as is). */
export interface BankForBridge {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly CoinAmount[]): void;
  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly CoinAmount[]): void;
  /** Throws when `to` is a blocked module account (an inbound credit must never land in one). */
  requireNotBlocked(to: string): void;
}

/** A member of the validator set in force, with its consensus power. */
export interface BridgeValidator {
  readonly operator: string;
  readonly power: bigint;
}

/**
 * What the bridge needs from staking (the staking keeper implements it as is). The set that
 * attests and signs is `activeSetFor(ctx, ctx.block.height)`: the set consensus runs at this
 * height, with the powers destination validator sets mirror.
 */
export interface StakingForBridge {
  activeSetFor(ctx: Ctx, height: number): readonly BridgeValidator[];
  /** Holds the FEMTO role now (bonded, not jailed): may pause a chain. */
  isActiveValidator(ctx: Ctx, address: string): boolean;
  /** Any validator record (bonded, unbonding or unbonded): tells a stale validator from a stranger. */
  validator(ctx: Ctx, operator: string): object | undefined;
}

export const BridgeDeps = {
  Bank: Symbol.for("bridge.expected.Bank"),
  Staking: Symbol.for("bridge.expected.Staking"),
} as const;
