import type { Ctx } from "../../runtime/modules/types.ts";

/** A member of the validator set of a height, as the staking module records it. */
export interface SetMember {
  readonly operator: string;
  /** Ed25519 consensus key, hex. */
  readonly consensusPubKey: string;
  readonly band: number;
  readonly power: bigint;
}

/**
 * What the consensus chain module needs of staking (bound by the chain to
 * ConsensusExpectedTokens.Staking; the reference chain binds staking's keeper).
 */
export interface StakingForConsensus {
  /** The validator set consensus runs at `height` (changes from block H apply at H+2). */
  activeSetFor(ctx: Ctx, height: number): SetMember[];
  /** Liveness: the signers of the commit of `signedHeight`; returns those jailed for downtime. */
  recordSignatures(ctx: Ctx, signers: readonly string[], signedHeight: number): readonly unknown[];
  /** Double-sign: slash, jail and tombstone; undefined when unknown or already tombstoned. */
  slashDoubleSign(ctx: Ctx, id: string, infractionHeight: number): { readonly burned: bigint } | undefined;
  validator(ctx: Ctx, operator: string): { readonly tombstoned: boolean } | undefined;
}

export const ConsensusExpectedTokens = {
  Staking: Symbol.for("consensus.expected.Staking"),
} as const;
