import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";

/**
 * Stored records, in the JSON form genesis and queries use (amounts as decimal strings),
 * each checked by its schema on every write and read.
 */
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const uint = { type: "integer", minimum: 0 } as const;
const hex64 = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;

export const TYPE_URL_PATTERN = "^/[A-Za-z0-9_.]+\\.v[0-9]+\\.Msg[A-Za-z0-9]+$";

/** A message a proposal carries: the same {typeUrl, value} a transaction carries. */
export const anyMsgSchema = {
  type: "object",
  properties: { typeUrl: { type: "string", pattern: TYPE_URL_PATTERN, maxLength: 128 }, value: { type: "object" } },
  required: ["typeUrl", "value"],
  additionalProperties: false,
} as const;

/** A validator's FEMTO endorsement: its Ed25519 signature over endorsementBytes(chainId, contentHash). */
export const endorsementSchema = {
  type: "object",
  properties: {
    validator: { ...address, description: "the endorsing validator's operator address" },
    pubKey: { ...hex64, description: "the operator key's Ed25519 public key, hex" },
    signature: { type: "string", pattern: "^[0-9a-f]{128}$", description: "Ed25519 signature, hex" },
  },
  required: ["validator", "pubKey", "signature"],
  additionalProperties: false,
} as const;
export type Endorsement = FromSchema<typeof endorsementSchema>;

const sums = { yes: amount, no: amount, abstain: amount, veto: amount } as const;

export const tallyRecordSchema = {
  type: "object",
  properties: {
    ...sums,
    bonded: amount,
    quorumReached: { type: "boolean" },
    bandsApproved: uint,
    bandsRequired: uint,
    bands: {
      type: "array",
      items: {
        type: "object",
        properties: { band: { type: "integer", minimum: 1, maximum: 7 }, ...sums, bonded: amount, approved: { type: "boolean" } },
        required: ["band", "yes", "no", "abstain", "veto", "bonded", "approved"],
        additionalProperties: false,
      },
    },
    outcome: { enum: ["passed", "rejected", "vetoed", "no_quorum"] },
  },
  required: ["yes", "no", "abstain", "veto", "bonded", "quorumReached", "bandsApproved", "bandsRequired", "bands", "outcome"],
  additionalProperties: false,
} as const;
export type TallyRecord = FromSchema<typeof tallyRecordSchema>;

export const PROPOSAL_STATUSES = ["deposit_period", "voting_period", "passed", "rejected", "failed"] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const proposalSchema = {
  type: "object",
  properties: {
    id: { type: "integer", minimum: 1 },
    proposer: address,
    band: { type: "integer", minimum: 4, maximum: 6 },
    title: { type: "string", minLength: 1, maxLength: 140 },
    summary: { type: "string", maxLength: 10000 },
    msgs: { type: "array", items: anyMsgSchema },
    endorsements: { type: "array", items: endorsementSchema },
    /** Where the proposal came from when a module opened it ("arbitration/case/7"). */
    origin: { type: "string", maxLength: 128 },
    status: { enum: PROPOSAL_STATUSES },
    submitTimeMs: uint,
    depositEndMs: uint,
    votingStartMs: uint,
    votingEndMs: uint,
    totalDeposit: amount,
    finalTally: tallyRecordSchema,
    /** Why a passed proposal's messages failed (status "failed"), or which rule rejected it. */
    failReason: { type: "string", maxLength: 2000 },
  },
  required: ["id", "proposer", "band", "title", "summary", "msgs", "endorsements", "status", "submitTimeMs", "depositEndMs", "votingStartMs", "votingEndMs", "totalDeposit"],
  additionalProperties: false,
} as const;
export type Proposal = FromSchema<typeof proposalSchema>;

export const weightedOptionSchema = {
  type: "object",
  properties: { option: { enum: ["yes", "no", "abstain", "veto"] }, weightBps: { type: "integer", minimum: 1, maximum: 10000 } },
  required: ["option", "weightBps"],
  additionalProperties: false,
} as const;

export const voteRecordSchema = {
  type: "object",
  properties: { options: { type: "array", items: weightedOptionSchema, minItems: 1, maxItems: 4 } },
  required: ["options"],
  additionalProperties: false,
} as const;
export type VoteRecord = FromSchema<typeof voteRecordSchema>;

/**
 * Per proposal and validator: the shares of delegators to it who voted themselves, and their
 * votes as Σ shares × weightBps per option (the tally converts shares to stake at the end).
 */
export const voteAggSchema = {
  type: "object",
  properties: { deducted: amount, yes: amount, no: amount, abstain: amount, veto: amount },
  required: ["deducted", "yes", "no", "abstain", "veto"],
  additionalProperties: false,
} as const;
export interface VoteAgg {
  deducted: bigint;
  yes: bigint;
  no: bigint;
  abstain: bigint;
  veto: bigint;
}
