import type { ValidatorUpdate } from "../../runtime/modules/types.ts";

export type ValidatorStatus = "bonded" | "unbonding" | "unbonded";

export interface Commission {
  /** Current rate in basis points (1000 = 10%). */
  rateBps: number;
  /** Ceiling the rate can never exceed; fixed at creation. */
  maxRateBps: number;
  /** Largest change of the rate per edit, at most one edit per 24 h of block time; fixed at creation. */
  maxChangeRateBps: number;
  /** Block time of the last rate change. */
  updateTime: number;
}

export interface Validator {
  operator: string;
  /** Ed25519 consensus public key, 32 bytes, lowercase hex. */
  consensusPubKey: string;
  /** Spectral band 1..7 the validator declares. */
  band: number;
  moniker: string;
  commission: Commission;
  minSelfDelegation: bigint;
  status: ValidatorStatus;
  jailed: boolean;
  tombstoned: boolean;
  /** Block time before which MsgUnjail is refused. */
  jailedUntil: number;
  tokens: bigint;
  delegatorShares: bigint;
  createdHeight: number;
  /** Block time at which an unbonding validator becomes unbonded (0 otherwise). */
  unbondingCompletionTime: number;
}

export interface Delegation {
  delegator: string;
  validator: string;
  shares: bigint;
  /** The validator's cumulative reward-per-share ratio when this delegation's rewards were last settled. */
  startRatio: bigint;
}

export interface UnbondingEntry {
  id: number;
  delegator: string;
  validator: string;
  creationHeight: number;
  completionTime: number;
  initialBalance: bigint;
  /** What the delegator receives at maturity (initialBalance less slashes). */
  balance: bigint;
}

export interface RedelegationEntry {
  id: number;
  delegator: string;
  src: string;
  dst: string;
  creationHeight: number;
  completionTime: number;
  initialBalance: bigint;
  /** Shares the redelegation created at the destination: what a slash of the source unbonds. */
  sharesDst: bigint;
}

export interface DistributionInfo {
  /** Cumulative delegator reward per share, scaled by RATIO_SCALE. */
  ratio: bigint;
  /** Commission not yet withdrawn by the operator. */
  commission: bigint;
  /** Everything allocated to this validator and not yet paid out (commission, rewards, rounding dust). */
  outstanding: bigint;
}

export interface SigningInfo {
  startHeight: number;
  indexOffset: number;
  missedCounter: number;
}

/** A member of the active set as consensus sees it. */
export interface ActiveValidator {
  operator: string;
  consensusPubKey: string;
  band: number;
  power: bigint;
}

/**
 * A validator-set change returned from end-block (power 0 = removed). `address` is the
 * operator address, so it is also a runtime ValidatorUpdate; band and consensus key ride along
 * for an engine that needs them (runtime's ValidatorUpdate does not carry them yet).
 */
export interface StakingValidatorUpdate extends ValidatorUpdate {
  readonly operator: string;
  readonly consensusPubKey: string;
  readonly band: number;
}
