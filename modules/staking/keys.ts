import {
  StoreLayout,
  addressKey,
  addressValue,
  emptyValue,
  flagValue,
  hexKey,
  pairKey,
  tupleKey,
  u64DescKey,
  u64NumberKey,
  uintNumberValue,
  uintValue,
} from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";
import { activeSetCodec, delegationCodec, distributionCodec, redelegationCodec, signingInfoCodec, unbondingCodec, validatorCodec } from "./records.ts";
import { eligible, powerOf } from "./power.ts";

/**
 * Store layout of the "staking" namespace. Prefix bytes are wire values: append only.
 * Addresses are their 32 raw bytes; times (ms) and heights are 8-byte big-endian so that
 * key order is numeric order, which is what makes the queues cheap to drain.
 */
export const PARAMS_PREFIX = 0x01; // 0x01 → StakingParams
export const VALIDATOR_PREFIX = 0x02; // 0x02 | operator → Validator
export const PUBKEY_INDEX_PREFIX = 0x03; // 0x03 | consensus pubkey(32) → operator(32)
export const POWER_INDEX_PREFIX = 0x04; // 0x04 | (2^64-1 - power) | operator → ∅ (eligible validators only)
export const DELEGATION_PREFIX = 0x05; // 0x05 | delegator | operator → Delegation
export const VAL_DELEGATION_PREFIX = 0x06; // 0x06 | operator | delegator → ∅
export const UBD_QUEUE_PREFIX = 0x07; // 0x07 | completionTime | id → UnbondingEntry
export const UBD_BY_DEL_PREFIX = 0x08; // 0x08 | delegator | completionTime | id → ∅
export const UBD_BY_VAL_PREFIX = 0x09; // 0x09 | operator | completionTime | id → ∅
export const RED_QUEUE_PREFIX = 0x0a; // 0x0a | completionTime | id → RedelegationEntry
export const RED_BY_DEL_PREFIX = 0x0b; // 0x0b | delegator | completionTime | id → ∅
export const RED_BY_SRC_PREFIX = 0x0c; // 0x0c | source operator | completionTime | id → ∅
export const RED_INTO_PREFIX = 0x0d; // 0x0d | delegator | destination → count of redelegations in flight
export const VAL_QUEUE_PREFIX = 0x0e; // 0x0e | unbondingCompletionTime | operator → ∅
export const LAST_SET_PREFIX = 0x0f; // 0x0f | operator → power last reported to consensus
export const SET_HISTORY_PREFIX = 0x10; // 0x10 | effective height → ActiveValidator[]
export const DIST_PREFIX = 0x11; // 0x11 | operator → DistributionInfo
export const SIGNING_INFO_PREFIX = 0x12; // 0x12 | operator → SigningInfo
export const MISSED_PREFIX = 0x13; // 0x13 | operator | index u64 → [1] (missed blocks in the window)
export const SEQ_PREFIX = 0x14; // 0x14 → next entry id
export const UBD_COUNT_PREFIX = 0x15; // 0x15 | delegator | operator → unbonding entries in flight
export const RED_COUNT_PREFIX = 0x16; // 0x16 | delegator | source | destination → redelegation entries in flight
// Records are canonical JSON (keys sorted) checked by their schemas in records.ts.

/** The params key: genesis `state` may not carry it. */
export const PARAMS_KEY = new Uint8Array([PARAMS_PREFIX]);

const L = new StoreLayout("staking");
const time = u64NumberKey;

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Seq = L.sequence(SEQ_PREFIX, "seq");

export const Validators = L.map(VALIDATOR_PREFIX, "validators", addressKey, validatorCodec);
export const PubKeyIndex = L.map(PUBKEY_INDEX_PREFIX, "pubkeys", hexKey(32), addressValue);
/** Eligible validators by descending power (ties: ascending address bytes): the active set is its head. */
export const PowerIndex = L.index(POWER_INDEX_PREFIX, "power", Validators, pairKey(u64DescKey, addressKey), {
  refs: (op, v) => (eligible(v) ? [[powerOf(v.tokens), op]] : []),
  primaryKey: ([, op]) => op,
});

/** Key (delegator, validator). */
export const Delegations = L.map(DELEGATION_PREFIX, "delegations", pairKey(addressKey, addressKey), delegationCodec);
export const DelegationsByValidator = L.index(VAL_DELEGATION_PREFIX, "delegationsByValidator", Delegations, pairKey(addressKey, addressKey), {
  refs: ([del, op]) => [[op, del]],
  primaryKey: ([op, del]) => [del, op],
});

const byAddrTimeId = tupleKey<[string, number, number]>(addressKey, time, u64NumberKey);

export const Unbondings = L.timeQueue(UBD_QUEUE_PREFIX, "unbondings", u64NumberKey, unbondingCodec);
export const UnbondingsByDelegator = L.index(UBD_BY_DEL_PREFIX, "unbondingsByDelegator", Unbondings.entries, byAddrTimeId, {
  refs: ([t, id], e) => [[e.delegator, t, id]],
  primaryKey: ([, t, id]) => [t, id],
});
export const UnbondingsByValidator = L.index(UBD_BY_VAL_PREFIX, "unbondingsByValidator", Unbondings.entries, byAddrTimeId, {
  refs: ([t, id], e) => [[e.validator, t, id]],
  primaryKey: ([, t, id]) => [t, id],
});

export const Redelegations = L.timeQueue(RED_QUEUE_PREFIX, "redelegations", u64NumberKey, redelegationCodec);
export const RedelegationsByDelegator = L.index(RED_BY_DEL_PREFIX, "redelegationsByDelegator", Redelegations.entries, byAddrTimeId, {
  refs: ([t, id], e) => [[e.delegator, t, id]],
  primaryKey: ([, t, id]) => [t, id],
});
export const RedelegationsBySource = L.index(RED_BY_SRC_PREFIX, "redelegationsBySource", Redelegations.entries, byAddrTimeId, {
  refs: ([t, id], e) => [[e.src, t, id]],
  primaryKey: ([, t, id]) => [t, id],
});
/** (delegator, destination) → redelegations into it still in flight (no onward redelegation meanwhile). */
export const RedelegationsInto = L.map(RED_INTO_PREFIX, "redelegationsInto", pairKey(addressKey, addressKey), uintNumberValue);

/** Unbonding validators by completion time. */
export const ValidatorQueue = L.timeQueue(VAL_QUEUE_PREFIX, "validatorQueue", addressKey, emptyValue);
export const LastSet = L.map(LAST_SET_PREFIX, "lastSet", addressKey, uintValue);
export const SetHistory = L.map(SET_HISTORY_PREFIX, "setHistory", u64NumberKey, activeSetCodec);
export const Distribution = L.map(DIST_PREFIX, "distribution", addressKey, distributionCodec);
export const SigningInfos = L.map(SIGNING_INFO_PREFIX, "signingInfos", addressKey, signingInfoCodec);
export const Missed = L.map(MISSED_PREFIX, "missed", pairKey(addressKey, u64NumberKey), flagValue);
export const UnbondingCounts = L.map(UBD_COUNT_PREFIX, "unbondingCounts", pairKey(addressKey, addressKey), uintNumberValue);
export const RedelegationCounts = L.map(RED_COUNT_PREFIX, "redelegationCounts", tupleKey<[string, string, string]>(addressKey, addressKey, addressKey), uintNumberValue);
