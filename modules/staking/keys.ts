import { concatBytes } from "../../runtime/crypto/hash.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";
import { u64Key } from "../../runtime/codec/uint.ts";

/**
 * Store layout of the "staking" namespace. Prefix bytes are wire values: append only.
 * Addresses are their 32 raw bytes; times (ms) and heights are 8-byte big-endian so that
 * key order is numeric order, which is what makes the queues cheap to drain.
 */
export const PARAMS_KEY = new Uint8Array([0x01]);
export const VALIDATOR_PREFIX = 0x02; // 0x02 | operator → Validator (JSON)
export const PUBKEY_INDEX_PREFIX = 0x03; // 0x03 | consensus pubkey(32) → operator(32)
export const POWER_INDEX_PREFIX = 0x04; // 0x04 | (2^64-1 - power) | operator → ∅ (eligible validators only)
export const DELEGATION_PREFIX = 0x05; // 0x05 | delegator | operator → Delegation (JSON)
export const VAL_DELEGATION_PREFIX = 0x06; // 0x06 | operator | delegator → ∅
export const UBD_QUEUE_PREFIX = 0x07; // 0x07 | completionTime | id → UnbondingEntry (JSON)
export const UBD_BY_DEL_PREFIX = 0x08; // 0x08 | delegator | completionTime | id → ∅
export const UBD_BY_VAL_PREFIX = 0x09; // 0x09 | operator | completionTime | id → ∅
export const RED_QUEUE_PREFIX = 0x0a; // 0x0a | completionTime | id → RedelegationEntry (JSON)
export const RED_BY_DEL_PREFIX = 0x0b; // 0x0b | delegator | completionTime | id → ∅
export const RED_BY_SRC_PREFIX = 0x0c; // 0x0c | source operator | completionTime | id → ∅
export const RED_INTO_PREFIX = 0x0d; // 0x0d | delegator | destination → count of redelegations in flight
export const VAL_QUEUE_PREFIX = 0x0e; // 0x0e | unbondingCompletionTime | operator → ∅
export const LAST_SET_PREFIX = 0x0f; // 0x0f | operator → power last reported to consensus
export const SET_HISTORY_PREFIX = 0x10; // 0x10 | effective height → ActiveValidator[] (JSON)
export const DIST_PREFIX = 0x11; // 0x11 | operator → DistributionInfo (JSON)
export const SIGNING_INFO_PREFIX = 0x12; // 0x12 | operator → SigningInfo (JSON)
export const MISSED_PREFIX = 0x13; // 0x13 | operator | index u64 → [1] (missed blocks in the window)
export const SEQ_KEY = new Uint8Array([0x14]); // next entry id
export const UBD_COUNT_PREFIX = 0x15; // 0x15 | delegator | operator → unbonding entries in flight
export const RED_COUNT_PREFIX = 0x16; // 0x16 | delegator | source | destination → redelegation entries in flight

const p = (b: number): Uint8Array => new Uint8Array([b]);
const a = decodeAddress;
const MAX_U64 = (1n << 64n) - 1n;

export const validatorKey = (op: string): Uint8Array => concatBytes(p(VALIDATOR_PREFIX), a(op));
export const pubkeyIndexKey = (pk: Uint8Array): Uint8Array => concatBytes(p(PUBKEY_INDEX_PREFIX), pk);
export const powerIndexKey = (power: bigint, op: string): Uint8Array => concatBytes(p(POWER_INDEX_PREFIX), u64Key(MAX_U64 - (power > MAX_U64 ? MAX_U64 : power)), a(op));
export const delegationKey = (del: string, op: string): Uint8Array => concatBytes(p(DELEGATION_PREFIX), a(del), a(op));
export const delegationsOfPrefix = (del: string): Uint8Array => concatBytes(p(DELEGATION_PREFIX), a(del));
export const valDelegationKey = (op: string, del: string): Uint8Array => concatBytes(p(VAL_DELEGATION_PREFIX), a(op), a(del));
export const valDelegationsPrefix = (op: string): Uint8Array => concatBytes(p(VAL_DELEGATION_PREFIX), a(op));
export const timeId = (time: number, id: number): Uint8Array => concatBytes(u64Key(time), u64Key(id));
export const ubdQueueKey = (time: number, id: number): Uint8Array => concatBytes(p(UBD_QUEUE_PREFIX), timeId(time, id));
export const ubdByDelKey = (del: string, time: number, id: number): Uint8Array => concatBytes(p(UBD_BY_DEL_PREFIX), a(del), timeId(time, id));
export const ubdByValKey = (op: string, time: number, id: number): Uint8Array => concatBytes(p(UBD_BY_VAL_PREFIX), a(op), timeId(time, id));
export const redQueueKey = (time: number, id: number): Uint8Array => concatBytes(p(RED_QUEUE_PREFIX), timeId(time, id));
export const redByDelKey = (del: string, time: number, id: number): Uint8Array => concatBytes(p(RED_BY_DEL_PREFIX), a(del), timeId(time, id));
export const redBySrcKey = (src: string, time: number, id: number): Uint8Array => concatBytes(p(RED_BY_SRC_PREFIX), a(src), timeId(time, id));
export const redIntoKey = (del: string, dst: string): Uint8Array => concatBytes(p(RED_INTO_PREFIX), a(del), a(dst));
export const valQueueKey = (time: number, op: string): Uint8Array => concatBytes(p(VAL_QUEUE_PREFIX), u64Key(time), a(op));
export const lastSetKey = (op: string): Uint8Array => concatBytes(p(LAST_SET_PREFIX), a(op));
export const setHistoryKey = (height: number): Uint8Array => concatBytes(p(SET_HISTORY_PREFIX), u64Key(height));
export const distKey = (op: string): Uint8Array => concatBytes(p(DIST_PREFIX), a(op));
export const signingInfoKey = (op: string): Uint8Array => concatBytes(p(SIGNING_INFO_PREFIX), a(op));
export const missedPrefix = (op: string): Uint8Array => concatBytes(p(MISSED_PREFIX), a(op));
export const missedKey = (op: string, index: number): Uint8Array => concatBytes(missedPrefix(op), u64Key(index));
export const ubdCountKey = (del: string, op: string): Uint8Array => concatBytes(p(UBD_COUNT_PREFIX), a(del), a(op));
export const redCountKey = (del: string, src: string, dst: string): Uint8Array => concatBytes(p(RED_COUNT_PREFIX), a(del), a(src), a(dst));
export const prefixOnly = p;
