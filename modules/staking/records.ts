import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { jsonCodec, jsonListCodec } from "../../runtime/state/collections/index.ts";
import type { ActiveValidator, Delegation, DistributionInfo, RedelegationEntry, SigningInfo, UnbondingEntry, Validator } from "./types.ts";

/**
 * Stored forms of staking's records (canonical JSON, checked on every write and read). Amounts,
 * shares and ratios are decimal strings without a digit limit: shares carry 18 extra digits
 * and reward ratios 36, well past 2^64.
 */
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const big = { type: "string", pattern: "^(0|[1-9][0-9]*)$" } as const;
const uint = { type: "integer", minimum: 0 } as const;
const bps = { type: "integer", minimum: 0, maximum: 10000 } as const;
const pubkey = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;

const obj = (properties: Record<string, unknown>) => ({ type: "object", properties, required: Object.keys(properties), additionalProperties: false }) as const;

export const validatorCodec = jsonCodec<Validator>({
  name: "staking.Validator",
  schema: obj({
    operator: address,
    consensusPubKey: pubkey,
    band: { type: "integer", minimum: 1, maximum: 7 },
    moniker: { type: "string", maxLength: 64 },
    commission: obj({ rateBps: bps, maxRateBps: bps, maxChangeRateBps: bps, updateTime: uint }),
    minSelfDelegation: big,
    status: { type: "string", enum: ["bonded", "unbonding", "unbonded"] },
    jailed: { type: "boolean" },
    tombstoned: { type: "boolean" },
    jailedUntil: uint,
    tokens: big,
    delegatorShares: big,
    createdHeight: uint,
    unbondingCompletionTime: uint,
  }),
  bigints: ["minSelfDelegation", "tokens", "delegatorShares"],
});

export const delegationCodec = jsonCodec<Delegation>({
  name: "staking.Delegation",
  schema: obj({ delegator: address, validator: address, shares: big, startRatio: big }),
  bigints: ["shares", "startRatio"],
});

export const unbondingCodec = jsonCodec<UnbondingEntry>({
  name: "staking.UnbondingEntry",
  schema: obj({ id: uint, delegator: address, validator: address, creationHeight: uint, completionTime: uint, initialBalance: big, balance: big }),
  bigints: ["initialBalance", "balance"],
});

export const redelegationCodec = jsonCodec<RedelegationEntry>({
  name: "staking.RedelegationEntry",
  schema: obj({ id: uint, delegator: address, src: address, dst: address, creationHeight: uint, completionTime: uint, initialBalance: big, sharesDst: big }),
  bigints: ["initialBalance", "sharesDst"],
});

export const distributionCodec = jsonCodec<DistributionInfo>({
  name: "staking.DistributionInfo",
  schema: obj({ ratio: big, commission: big, outstanding: big }),
  bigints: ["ratio", "commission", "outstanding"],
});

export const signingInfoCodec = jsonCodec<SigningInfo>({
  name: "staking.SigningInfo",
  schema: obj({ startHeight: uint, indexOffset: uint, missedCounter: uint }),
});

export const activeSetCodec = jsonListCodec(
  jsonCodec<ActiveValidator>({
    name: "staking.ActiveValidator",
    schema: obj({ operator: address, consensusPubKey: pubkey, band: { type: "integer", minimum: 1, maximum: 7 }, power: big }),
    bigints: ["power"],
  }),
  { maxItems: 1000 },
);
