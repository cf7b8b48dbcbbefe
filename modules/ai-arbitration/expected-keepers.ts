import type { Ctx } from "../../runtime/modules/types.ts";

export interface CoinAmount {
  readonly denom: string;
  readonly amount: bigint;
}

/** What arbitration needs from bank (the bank keeper implements it). */
export interface BankForArbitration {
  balance(ctx: Ctx, address: string, denom: string): bigint;
  send(ctx: Ctx, from: string, to: string, coins: readonly CoinAmount[]): void;
  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly CoinAmount[]): void;
  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly CoinAmount[]): void;
}

/** A message as a transaction (or a proposal) carries it. */
export interface EscalationMsg {
  typeUrl: string;
  value: unknown;
}

/**
 * Where a case goes when arbitration cannot settle it: governance opens a proposal carrying
 * the case's remedy messages (so a vote can grant them) and returns its id. `origin` is
 * "arbitration/case/<id>". It may throw its module error to refuse; arbitration then records
 * the case as escalated without a proposal (and keeps nothing the call wrote).
 */
export interface GovernanceForArbitration {
  submitEscalation(ctx: Ctx, p: { title: string; summary: string; msgs: EscalationMsg[]; origin: string }): number;
}

export const ArbitrationDeps = {
  Bank: Symbol.for("arbitration.expected.Bank"),
  Governance: Symbol.for("arbitration.expected.Governance"),
} as const;
