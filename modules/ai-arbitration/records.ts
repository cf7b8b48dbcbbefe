import type { FromSchema } from "json-schema-to-ts";
import { ADDRESS_PATTERN, AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";

/**
 * Wire strings and stored records (the JSON form queries and genesis use too; amounts as
 * decimal strings), each checked by its schema on every write and read. The shapes are the
 * contract with the arbiter agent (notes/arb-contract.md): fields may be added, never changed.
 */
export const DISPUTE_KINDS = ["penalty_appeal", "governance_dispute", "validator_conflict", "resource_allocation", "consensus_disagreement", "community_conflict"] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];

/** In this order: ties between decisions are reported in it (tally.ts). */
export const DECISIONS = ["dismiss", "plaintiff", "defendant", "mediate", "modify", "escalate"] as const;
export type Decision = (typeof DECISIONS)[number];

export const CASE_STATUSES = ["open", "ruled", "escalated", "closed"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const HEX64_PATTERN = "^[0-9a-f]{64}$";
export const EVIDENCE_URI_PATTERN = "^(https?|file)://";

const address = { type: "string", pattern: ADDRESS_PATTERN } as const;
const amount = { type: "string", pattern: AMOUNT_PATTERN } as const;
const uint = { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const hex64 = { type: "string", pattern: HEX64_PATTERN } as const;
const decision = { type: "string", enum: DECISIONS } as const;

export const evidenceItemSchema = {
  type: "object",
  properties: {
    hash: { ...hex64, description: "sha256 of the document bytes as served, hex" },
    uri: { type: "string", pattern: EVIDENCE_URI_PATTERN, maxLength: 512, description: "where the document is served (http(s):// or file://)" },
    party: { type: "string", enum: ["plaintiff", "defendant"], description: "the side that submitted it" },
  },
  required: ["hash", "uri", "party"],
  additionalProperties: false,
} as const;
export type EvidenceItem = FromSchema<typeof evidenceItemSchema>;

/** A message as a transaction carries it; its value is checked by its own module's schema when it runs. */
export const storedMsgSchema = {
  type: "object",
  properties: { typeUrl: { type: "string", minLength: 1, maxLength: 128 }, value: { type: "object" } },
  required: ["typeUrl", "value"],
  additionalProperties: false,
} as const;
export interface StoredMsg {
  typeUrl: string;
  value: Record<string, unknown>;
}

export const rulingSchema = {
  type: "object",
  properties: { arbiter: address, decision, confidence: { type: "integer", minimum: 0, maximum: 1000 }, rationaleHash: hex64 },
  required: ["arbiter", "decision", "confidence", "rationaleHash"],
  additionalProperties: false,
} as const;
export type Ruling = FromSchema<typeof rulingSchema>;

/** A finished round kept for the record (round 1 after an appeal). */
export const priorRoundSchema = {
  type: "object",
  properties: { round: { type: "integer", minimum: 1, maximum: 2 }, panel: { type: "array", items: address }, rulings: { type: "array", items: rulingSchema }, outcome: decision },
  required: ["round", "panel", "rulings", "outcome"],
  additionalProperties: false,
} as const;
export type PriorRound = FromSchema<typeof priorRoundSchema>;

export const REMEDY_RESULTS = ["executed", "failed", "none", "not_allowed"] as const;

export const caseSchema = {
  type: "object",
  properties: {
    id: uint,
    kind: { type: "string", enum: DISPUTE_KINDS },
    plaintiff: address,
    defendant: address,
    title: { type: "string", minLength: 1, maxLength: 200 },
    summaryHash: hex64,
    evidence: { type: "array", items: evidenceItemSchema },
    /** The plaintiff's bond, NXT base units. */
    bond: amount,
    remedy: { type: "array", items: storedMsgSchema },
    /** [] when none was given. */
    partialRemedy: { type: "array", items: storedMsgSchema },
    status: { type: "string", enum: CASE_STATUSES },
    round: { type: "integer", minimum: 1, maximum: 2 },
    panel: { type: "array", items: address },
    rulingDeadlineMs: uint,
    appealDeadlineMs: uint,
    /** The current round's rulings, in the order they arrived. */
    rulings: { type: "array", items: rulingSchema },
    /** The standing decision (ruled, closed) or "escalate" (escalated). */
    outcome: decision,
    proposalId: uint,
    filedAtHeight: uint,
    // ---- beyond the contract (added fields) ----
    filedAtMs: uint,
    /** Height the current round's panel was drawn at. */
    drawnAtHeight: uint,
    /** Appeals made (0, 1 or 2; the second went to governance). */
    appeals: { type: "integer", minimum: 0, maximum: 2 },
    /** Round 2's appellant and the bond the module holds for it. */
    appellant: address,
    appealBond: amount,
    priorRounds: { type: "array", items: priorRoundSchema },
    escalationReason: { type: "string", maxLength: 64 },
    remedyResult: { type: "string", enum: REMEDY_RESULTS },
    closedAtMs: uint,
  },
  required: [
    "id",
    "kind",
    "plaintiff",
    "defendant",
    "title",
    "summaryHash",
    "evidence",
    "bond",
    "remedy",
    "partialRemedy",
    "status",
    "round",
    "panel",
    "rulingDeadlineMs",
    "rulings",
    "filedAtHeight",
    "filedAtMs",
    "drawnAtHeight",
    "appeals",
    "priorRounds",
  ],
  additionalProperties: false,
} as const;
type CaseJson = FromSchema<typeof caseSchema>;
/** A case; remedy values are plain JSON objects. */
export type Case = Omit<CaseJson, "remedy" | "partialRemedy"> & { remedy: StoredMsg[]; partialRemedy: StoredMsg[] };

export const arbiterSchema = {
  type: "object",
  properties: { address, addedHeight: uint },
  required: ["address", "addedHeight"],
  additionalProperties: false,
} as const;
export type Arbiter = FromSchema<typeof arbiterSchema>;

/** A pending deadline: what falls due for the case at that time. */
export const deadlineSchema = {
  type: "object",
  properties: { stage: { type: "string", enum: ["ruling", "appeal"] }, round: { type: "integer", minimum: 1, maximum: 2 } },
  required: ["stage", "round"],
  additionalProperties: false,
} as const;
export type Deadline = FromSchema<typeof deadlineSchema>;

/** Bonds the module holds for a case: the plaintiff's and round 2's appellant's while it is open or ruled. */
export function bondsHeld(c: Case): bigint {
  if (c.status !== "open" && c.status !== "ruled") return 0n;
  return BigInt(c.bond) + BigInt(c.appealBond ?? "0");
}
