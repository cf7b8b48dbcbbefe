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

/** A BHLS claim directed to a bridged chain, escrowed by the BHLS module until delivered. */
export interface BhlsClaimForBridge {
  readonly id: number;
  /** The citizen's nxs address. */
  readonly citizen: string;
  readonly chain: string;
  readonly address: string;
  readonly amount: string;
  readonly epoch: number;
}

/**
 * What the bridge needs from the BHLS module to deliver claims across chains (the reference
 * chain binds bhls's keeper; a chain without BHLS binds nothing and the bridge skips it).
 */
export interface BhlsForBridge {
  /** Escrowed claims for any of `chains`, oldest first, at most `limit`. */
  bridgeClaimsFor(ctx: Ctx, chains: ReadonlySet<string>, limit: number): readonly BhlsClaimForBridge[];
  /** Pays claim `id`'s escrowed amount to `to` (the bridge's escrow, or the citizen) and forgets it. */
  releaseBridgeClaim(ctx: Ctx, id: number, to: string): void;
  /** The epoch's fixed per-citizen share (the most one claim of it may be), once fixed. */
  epochShare(ctx: Ctx, epoch: number): { readonly share: string } | undefined;
}

export const BridgeDeps = {
  Bank: Symbol.for("bridge.expected.Bank"),
  Staking: Symbol.for("bridge.expected.Staking"),
  /** A BhlsForBridge, or null. */
  Bhls: Symbol.for("bridge.expected.Bhls"),
} as const;
