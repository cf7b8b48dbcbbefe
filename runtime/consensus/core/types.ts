import type { CommitCertificate } from "../commit.ts";
import type { DuplicateVoteEvidence } from "../evidence.ts";
import type { Proposal, SignedMessage, Vote } from "../types.ts";

export type Step = "propose" | "prevote" | "precommit";
export type TimeoutStep = Step;

/** What the environment feeds the core. Messages must already have passed signature checks. */
export type CoreInput =
  | { readonly kind: "message"; readonly message: SignedMessage }
  | { readonly kind: "timeout"; readonly height: number; readonly round: number; readonly step: TimeoutStep }
  /** Answer to a "validate" request (the application's processProposal). */
  | { readonly kind: "validated"; readonly height: number; readonly blockHash: Uint8Array; readonly valid: boolean }
  /** Answer to a "get-value" request (the application's prepareProposal). */
  | { readonly kind: "value"; readonly height: number; readonly round: number; readonly blockHash: Uint8Array };

/** What the core asks of the environment. */
export type CoreOutput =
  /** Sign, write to the WAL, broadcast, and feed back as a "message" input. */
  | { readonly kind: "sign-proposal"; readonly proposal: Proposal }
  | { readonly kind: "sign-vote"; readonly vote: Vote }
  | { readonly kind: "schedule-timeout"; readonly height: number; readonly round: number; readonly step: TimeoutStep; readonly durationMs: number }
  /** Run processProposal on the block with this hash (from this proposer/round) and answer "validated". */
  | { readonly kind: "validate"; readonly height: number; readonly round: number; readonly blockHash: Uint8Array; readonly proposer: string }
  /** Build a block (prepareProposal) and answer "value" with its hash; keep its bytes for gossip. */
  | { readonly kind: "get-value"; readonly height: number; readonly round: number }
  /** The block is committed; persist it with the certificate, then call startHeight(height + 1). */
  | { readonly kind: "decide"; readonly height: number; readonly round: number; readonly blockHash: Uint8Array; readonly certificate: CommitCertificate }
  | { readonly kind: "evidence"; readonly evidence: DuplicateVoteEvidence };

/** timeout(round) = baseMs + round · deltaMs: the paper's timeouts that grow with the round. */
export interface TimeoutRule {
  readonly baseMs: number;
  readonly deltaMs: number;
}

export interface TimeoutConfig {
  readonly propose: TimeoutRule;
  readonly prevote: TimeoutRule;
  readonly precommit: TimeoutRule;
}

/** CometBFT's defaults. */
export const DEFAULT_TIMEOUTS: TimeoutConfig = {
  propose: { baseMs: 3000, deltaMs: 500 },
  prevote: { baseMs: 1000, deltaMs: 500 },
  precommit: { baseMs: 1000, deltaMs: 500 },
};

export interface CoreSnapshot {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly decided: boolean;
  readonly lockedRound: number;
  readonly lockedValue: string | null;
  readonly validRound: number;
  readonly validValue: string | null;
}
