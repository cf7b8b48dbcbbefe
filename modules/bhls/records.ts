import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { CHAIN_NAME_PATTERN } from "./params.ts";

/**
 * Stored records, in the JSON form genesis and queries use too (amounts as decimal strings),
 * each checked by its schema on every write and read.
 */
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const uint = { type: "integer", minimum: 0 } as const;
export const PHONE_HASH_PATTERN = "^[0-9a-f]{64}$";

/** A citizen: registered by a PICO attestation. Times in unix seconds of block time. */
export const citizenSchema = {
  type: "object",
  properties: {
    address,
    phoneHash: { type: "string", pattern: PHONE_HASH_PATTERN },
    attestor: address,
    /** The attestation's expiry: the citizen may claim while block time (s) < expiresAt. */
    expiresAt: uint,
    /** Block time (unix seconds) of the first registration. */
    registeredAt: uint,
    /** The last epoch the citizen claimed in; 0: never. */
    lastClaimEpoch: uint,
    /** Consecutive epochs claimed, ending at lastClaimEpoch (absent: records from before streaks were kept; read as 1). */
    streak: uint,
    /**
     * Registration number, in order of first registration (kept on re-attestation). An epoch's
     * share counts the citizens numbered below its `nextSeq`; only they claim in that epoch.
     * Absent: registered before numbers were kept (or at genesis): always counted.
     */
    seq: uint,
  },
  required: ["address", "phoneHash", "attestor", "expiresAt", "registeredAt", "lastClaimEpoch"],
  additionalProperties: false,
} as const;
export type Citizen = FromSchema<typeof citizenSchema>;

export const attestorSchema = {
  type: "object",
  properties: { address, moniker: { type: "string", minLength: 1, maxLength: 64 }, addedHeight: uint },
  required: ["address", "moniker", "addedHeight"],
  additionalProperties: false,
} as const;
export type Attestor = FromSchema<typeof attestorSchema>;

/** Fixed by the first claim of an epoch: every claim of that epoch pays `share`. */
export const epochShareSchema = {
  type: "object",
  properties: {
    epoch: { type: "integer", minimum: 1 },
    share: amount,
    /** Registered citizens when the share was fixed. */
    citizens: amount,
    /** The floor reserve when the share was fixed. */
    reserve: amount,
    height: uint,
    /** The next registration number when the share was fixed: citizens numbered from it on claim from the next epoch. */
    nextSeq: uint,
  },
  required: ["epoch", "share", "citizens", "reserve", "height"],
  additionalProperties: false,
} as const;
export type EpochShare = FromSchema<typeof epochShareSchema>;

/** A claim directed to a bridged chain, escrowed until the bridge delivers it. */
export const bridgeClaimSchema = {
  type: "object",
  properties: {
    id: uint,
    citizen: address,
    chain: { type: "string", pattern: CHAIN_NAME_PATTERN },
    address: { type: "string", minLength: 1, maxLength: 128 },
    amount,
    epoch: { type: "integer", minimum: 1 },
    height: uint,
  },
  required: ["id", "citizen", "chain", "address", "amount", "epoch", "height"],
  additionalProperties: false,
} as const;
export type BridgeClaim = FromSchema<typeof bridgeClaimSchema>;
