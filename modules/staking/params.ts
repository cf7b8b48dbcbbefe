import type { FromSchema } from "json-schema-to-ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { jsonCodec } from "../../runtime/state/collections/index.ts";

const bps = { type: "integer", minimum: 0, maximum: 10000 } as const;

export const paramsSchema = {
  type: "object",
  properties: {
    /** Unbonding period in ms of block time (7 days). */
    unbondingTimeMs: { type: "integer", minimum: 1, maximum: 31536000000 },
    /** Size of the active set: the top N bonded validators by power. */
    maxValidators: { type: "integer", minimum: 1, maximum: 1000 },
    /** Most unbonding (or redelegation) entries one delegator may have in flight per validator (pair). */
    maxEntries: { type: "integer", minimum: 1, maximum: 100 },
    /** Base units moved from the validator_pool module account to validators each block. */
    rewardPerBlock: { type: "string", pattern: AMOUNT_PATTERN },
    /** Commission defaults for MsgCreateValidator when the message leaves them out. */
    defaultCommissionBps: bps,
    defaultMaxCommissionBps: bps,
    defaultMaxCommissionChangeBps: bps,
    /** Fraction of stake burned for a double sign (500 = 5%). */
    doubleSignSlashBps: bps,
    /** Fraction of stake burned for downtime (100 = 1%). */
    downtimeSlashBps: bps,
    /** Sliding window of blocks in which liveness is measured. */
    signedBlocksWindow: { type: "integer", minimum: 1, maximum: 1000000 },
    /** Share of the window a validator must sign (5000 = 50%). */
    minSignedPerWindowBps: bps,
    /** How long a validator jailed for downtime stays jailed, ms of block time. */
    downtimeJailDurationMs: { type: "integer", minimum: 0, maximum: 31536000000 },
    /** Most matured queue entries (unbondings, redelegations, validators) processed per block. */
    maxMaturePerBlock: { type: "integer", minimum: 1, maximum: 100000 },
    /** Heights of validator-set history kept for activeSetFor / evidence. */
    setHistoryBlocks: { type: "integer", minimum: 2, maximum: 100000000 },
    /**
     * Non-dominance (the constitution's rule, enforced here too): a bonded validator holding more
     * than this share of bonded stake takes no more delegation (500 = 5%). Optional: absent means
     * the default.
     */
    maxValidatorPowerBps: { type: "integer", minimum: 1, maximum: 10000 },
    /** The cap applies once this many validators are bonded (below 1/cap of them no set can meet it). Optional. */
    nonDominanceMinValidators: { type: "integer", minimum: 1, maximum: 10000 },
  },
  required: [
    "unbondingTimeMs",
    "maxValidators",
    "maxEntries",
    "rewardPerBlock",
    "defaultCommissionBps",
    "defaultMaxCommissionBps",
    "defaultMaxCommissionChangeBps",
    "doubleSignSlashBps",
    "downtimeSlashBps",
    "signedBlocksWindow",
    "minSignedPerWindowBps",
    "downtimeJailDurationMs",
    "maxMaturePerBlock",
    "setHistoryBlocks",
  ],
  additionalProperties: false,
} as const;

export type StakingParams = FromSchema<typeof paramsSchema>;

/** Stored form of the params: checked by the same schema on every write and read. */
export const paramsCodec = jsonCodec<StakingParams>({ name: "staking.Params", schema: paramsSchema });

/**
 * Module account whose address is the default authority over the params (MsgUpdateParams):
 * the governance module's account, as in the Cosmos SDK. A chain may name another address.
 */
export const DEFAULT_AUTHORITY_ACCOUNT = "gov";

export function defaultAuthority(): string {
  return moduleAddress(DEFAULT_AUTHORITY_ACCOUNT);
}

/** Rules the schema cannot state; `fail` raises the caller's error (MsgUpdateParams, genesis). */
export function paramsProblem(p: StakingParams): string | null {
  if (p.defaultCommissionBps > p.defaultMaxCommissionBps) return `defaultCommissionBps ${p.defaultCommissionBps} exceeds defaultMaxCommissionBps ${p.defaultMaxCommissionBps}`;
  if (p.defaultMaxCommissionChangeBps > p.defaultMaxCommissionBps) {
    return `defaultMaxCommissionChangeBps ${p.defaultMaxCommissionChangeBps} exceeds defaultMaxCommissionBps ${p.defaultMaxCommissionBps}`;
  }
  return null;
}

/** What the chain gives the staking module (bound to StakingTokens.Config). */
export interface StakingConfig {
  /** Address allowed to send /staking.v1.MsgUpdateParams. */
  readonly authority: string;
}

export interface StakingModuleOptions {
  authority?: string;
  /** Tokens of StakingHooks the chain binds (governance's keeper), resolved on first use. */
  hooks?: readonly symbol[];
}

export function stakingConfig(opts: StakingModuleOptions = {}): StakingConfig {
  const authority = opts.authority ?? defaultAuthority();
  if (!isAddress(authority)) throw new Error(`staking: authority "${authority}" is not an address`);
  return { authority };
}

export const DAY_MS = 86_400_000;

export function defaultParams(): StakingParams {
  return {
    unbondingTimeMs: 7 * DAY_MS,
    maxValidators: 100,
    maxEntries: 7,
    rewardPerBlock: "200000000", // 2 NXT
    defaultCommissionBps: 1000, // 10%
    defaultMaxCommissionBps: 2000,
    defaultMaxCommissionChangeBps: 100, // 1 percentage point per day
    doubleSignSlashBps: 500,
    downtimeSlashBps: 100,
    signedBlocksWindow: 1000,
    minSignedPerWindowBps: 5000,
    downtimeJailDurationMs: 600_000,
    maxMaturePerBlock: 1000,
    setHistoryBlocks: 100_000,
    maxValidatorPowerBps: DEFAULT_MAX_VALIDATOR_POWER_BPS,
    nonDominanceMinValidators: DEFAULT_NON_DOMINANCE_MIN_VALIDATORS,
  };
}

export const DEFAULT_MAX_VALIDATOR_POWER_BPS = 500;
export const DEFAULT_NON_DOMINANCE_MIN_VALIDATORS = 20;

/** Denomination staked and rewarded. */
export const STAKE_DENOM = "nxt";
/** Base units per unit of consensus power: power = tokens / 10^8 (whole NXT). */
export const POWER_REDUCTION = 100_000_000n;
/** Shares issued per base unit at a validator's first delegation (1:1 exchange rate, scaled). */
export const SHARES_PER_TOKEN = 10n ** 18n;
/** Scale of the cumulative reward-per-share ratio. */
export const RATIO_SCALE = 10n ** 36n;
export const BPS = 10_000n;

/** Module accounts (bank). */
export const BONDED_POOL = "bonded_pool";
export const NOT_BONDED_POOL = "not_bonded_pool";
export const VALIDATOR_POOL = "validator_pool";
export const DISTRIBUTION_POOL = "distribution";

/**
 * What staking needs from the chain's module-account permission table (bank enforces it):
 * slashing burns stake held by both pools. Rewards move from validator_pool to distribution
 * by transfer and need nothing. A chain must list at least these.
 */
export const STAKING_MODULE_ACCOUNT_PERMISSIONS: Readonly<Record<string, readonly ("burner" | "staking")[]>> = {
  [BONDED_POOL]: ["burner", "staking"],
  [NOT_BONDED_POOL]: ["burner", "staking"],
};
