import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { CHAIN_NAME_PATTERN } from "./params.ts";

/**
 * Stored records, in the JSON form genesis and queries use (amounts as decimal strings),
 * each checked by its schema on every write and read.
 */
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const chain = { type: "string", pattern: CHAIN_NAME_PATTERN } as const;
const seq = { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const height = { type: "integer", minimum: 0 } as const;
const hex64 = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
/** An address on a bridged chain (any family), in canonical form: no whitespace, no newline. */
export const FOREIGN_ADDRESS_PATTERN = "^[0-9A-Za-z]{1,128}$";
/** A source transaction reference (hash, maybe ":logIndex"): no whitespace, no newline. */
export const SOURCE_TX_PATTERN = "^[0-9A-Za-z:._-]{1,160}$";

export const OUTBOUND_STATUSES = ["pending", "ready", "executed", "expired"] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];
export const OPEN_OUTBOUND: readonly OutboundStatus[] = ["pending", "ready"];

/**
 * What an outbound record carries out: a transfer (NXT locked here, WNXT minted there; the
 * default when absent), a BHLS delivery (a citizen's claim directed to the chain, paid by its
 * BHLSDistributor), or an epoch update (opens a NexusOS epoch on the distributor, amount 0).
 */
export const OUTBOUND_KINDS = ["transfer", "bhls", "epoch"] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

export const outboundSchema = {
  type: "object",
  properties: {
    chain,
    seq,
    kind: { enum: OUTBOUND_KINDS },
    /** bhls: the citizen's 32-byte id on the destination (rules.citizenId of its nxs address). */
    citizen: hex64,
    /** bhls, epoch: the NexusOS BHLS epoch. */
    epoch: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    /** epoch: the most one claim of that epoch may deliver (the epoch's share). */
    floorAmount: amount,
    transferId: hex64,
    sender: { type: "string", pattern: ADDRESS_PATTERN },
    recipient: { type: "string", pattern: FOREIGN_ADDRESS_PATTERN },
    amount,
    /** Unix seconds of the destination's block time after which the signed mint cannot execute. */
    expiresAt: { type: "integer", minimum: 0 },
    createdHeight: height,
    /** pending: signatures below threshold; ready: above; executed: done on the destination; expired: refunded here (a BHLS delivery to its citizen). */
    status: { enum: OUTBOUND_STATUSES },
    readyHeight: height,
    completedHeight: height,
  },
  required: ["chain", "seq", "transferId", "sender", "recipient", "amount", "expiresAt", "createdHeight", "status"],
  additionalProperties: false,
} as const;
export type Outbound = FromSchema<typeof outboundSchema>;

/** A validator's destination signature, with the attestation key it was checked against. */
export const outboundSignatureSchema = {
  type: "object",
  properties: { key: { type: "string", maxLength: 130 }, signature: { type: "string", maxLength: 132 } },
  required: ["key", "signature"],
  additionalProperties: false,
} as const;
export type OutboundSignature = FromSchema<typeof outboundSignatureSchema>;

export const OUTBOUND_RESULTS = ["executed", "expired"] as const;
export type OutboundResult = (typeof OUTBOUND_RESULTS)[number];

export const INBOUND_STATUSES = ["attesting", "waiting", "credited"] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/** What an attestation says about an inbound transfer (its hash is what validators agree on). */
export const inboundContentSchema = {
  type: "object",
  properties: {
    sender: { type: "string", pattern: FOREIGN_ADDRESS_PATTERN },
    recipient: { type: "string", pattern: ADDRESS_PATTERN },
    amount,
    sourceTx: { type: "string", pattern: SOURCE_TX_PATTERN },
  },
  required: ["sender", "recipient", "amount", "sourceTx"],
  additionalProperties: false,
} as const;
export interface StoredInboundContent {
  sender: string;
  recipient: string;
  amount: bigint;
  sourceTx: string;
}

export const inboundSchema = {
  type: "object",
  properties: {
    chain,
    seq,
    /** attesting: no content has the threshold yet; waiting: approved, credit deferred (rate limit, escrow, pause); credited. */
    status: { enum: INBOUND_STATUSES },
    firstHeight: height,
    /** The approved content (set when a content hash passes the threshold). */
    contentHash: hex64,
    content: inboundContentSchema,
    approvedHeight: height,
    creditedHeight: height,
    /** Why the credit waits: the error code of the last attempt (BRIDGE_RATE_LIMITED, BRIDGE_INSUFFICIENT_ESCROW, BRIDGE_CHAIN_PAUSED…). */
    waitReason: { type: "string", maxLength: 64 },
  },
  required: ["chain", "seq", "status", "firstHeight"],
  additionalProperties: false,
} as const;
export type Inbound = FromSchema<typeof inboundSchema>;

/** Running totals of one chain, NXT base units. */
export const chainTotalsSchema = {
  type: "object",
  properties: {
    lockedOut: { ...amount, description: "Σ outbound amounts ever locked" },
    refundedOut: { ...amount, description: "Σ outbound amounts refunded after expiry" },
    executedOut: { ...amount, description: "Σ outbound amounts executed on the destination (WNXT minted there)" },
    creditedIn: { ...amount, description: "Σ inbound amounts credited here" },
  },
  required: ["lockedOut", "refundedOut", "executedOut", "creditedIn"],
  additionalProperties: false,
} as const;
export interface ChainTotals {
  lockedOut: bigint;
  refundedOut: bigint;
  executedOut: bigint;
  creditedIn: bigint;
}
export const ZERO_TOTALS: ChainTotals = { lockedOut: 0n, refundedOut: 0n, executedOut: 0n, creditedIn: 0n };

export const bucketSchema = {
  type: "object",
  properties: { tokens: amount, updatedAt: { type: "integer", minimum: 0 } },
  required: ["tokens", "updatedAt"],
  additionalProperties: false,
} as const;

export const DIRECTIONS = ["in", "out"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export type ChainName = FromSchema<typeof chain>;

/**
 * A validator's signature of a ValidatorSetUpdate for an EVM chain's NexusBridge: collected here
 * so that a relayer can assemble the current set's and the incoming set's signatures.
 */
export const setUpdateSignatureSchema = {
  type: "object",
  properties: {
    /** The EVM key that signed (the validator's registered key when it signed). */
    key: { type: "string", pattern: "^0x[0-9a-f]{40}$" },
    signature: { type: "string", pattern: "^0x[0-9a-f]{130}$" },
    /** The update signed: its EIP-712 digest, and its content for the relayer. */
    digest: hex64,
    validators: { type: "array", maxItems: 128, items: { type: "string", pattern: "^0x[0-9a-f]{40}$" } },
    powers: { type: "array", maxItems: 128, items: amount },
    nonce: amount,
    height,
  },
  required: ["key", "signature", "digest", "validators", "powers", "nonce", "height"],
  additionalProperties: false,
} as const;
export type SetUpdateSignature = FromSchema<typeof setUpdateSignatureSchema>;
