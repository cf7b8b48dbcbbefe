import { createHash } from "node:crypto";
import { defineErrors } from "../../runtime/errors.ts";
import { definePlugin, type NexusPlugin } from "../../runtime/plugins/plugin.ts";

/**
 * The contract between the arbiter agent (services/arbiter) and a decider: something that
 * reads an arbitration case and the evidence documents the agent fetched and verified, and
 * proposes a ruling { decision, confidence, rationale }. Deciders are plugins
 * (runtime/plugins/plugin.ts): plain objects { id, dependsOn?, provides: ["arbiter-decider"],
 * create(ctx) } whose instance is an ArbiterDecider.
 *
 * Wire values (decisions, dispute kinds, the case's JSON) are those of the on-chain module
 * "arbitration" (modules/ai-arbitration); docs/arbiter.md quotes them.
 */

/** The capability an arbiter decider plugin provides. */
export const ARBITER_DECIDER_CAPABILITY = "arbiter-decider";

/** Decisions (wire strings of MsgSubmitRuling.decision). */
export const DECISIONS = ["dismiss", "plaintiff", "defendant", "mediate", "modify", "escalate"] as const;
export type Decision = (typeof DECISIONS)[number];

/** Dispute kinds (wire strings). */
export const DISPUTE_KINDS = ["penalty_appeal", "governance_dispute", "validator_conflict", "resource_allocation", "consensus_disagreement", "community_conflict"] as const;

/** A ruling stands on chain only with mean confidence ≥ this (permille); below it a decider says "escalate". */
export const CONFIDENCE_THRESHOLD = 750;

export type Side = "plaintiff" | "defendant";

/** An evidence item as the chain holds it: the document's sha256 (hex) and where it is served. */
export interface EvidenceItem {
  hash: string;
  uri: string;
  party: Side;
}

/** The case as `arbitration/case` and `arbitration/assigned` return it (fields the agent reads; others pass through). */
export interface ArbitrationCase {
  id: number;
  kind: string;
  plaintiff: string;
  defendant: string;
  title: string;
  summaryHash: string;
  evidence: EvidenceItem[];
  status: "open" | "ruled" | "escalated" | "closed";
  round: number;
  panel: string[];
  rulingDeadlineMs: number;
  rulings: { arbiter: string; decision: string; confidence: number; rationaleHash: string }[];
  [k: string]: unknown;
}

/** An evidence document (off chain, UTF-8 JSON, what an evidence uri serves). */
export interface EvidenceDocument {
  side: Side;
  /** How much this document is to be believed, 0..1. */
  credibility: number;
  /** How strongly it supports its side, 0..1. */
  support: number;
  statement: string;
}

/** JSON Schema of an evidence document (the agent validates every document it fetched with it). */
export const evidenceDocumentSchema = {
  $id: "https://nexusos.dev/schemas/arbitration.v1.EvidenceDocument.json",
  type: "object",
  properties: {
    side: { enum: ["plaintiff", "defendant"] },
    credibility: { type: "number", minimum: 0, maximum: 1 },
    support: { type: "number", minimum: 0, maximum: 1 },
    statement: { type: "string", maxLength: 100_000 },
  },
  required: ["side", "credibility", "support", "statement"],
  additionalProperties: false,
} as const;

/** A document the agent fetched, whose bytes hash to the on-chain hash, and that parsed and validated. */
export interface VerifiedEvidence {
  /** The on-chain item. */
  item: EvidenceItem;
  /** Its index in case.evidence. */
  index: number;
  doc: EvidenceDocument;
}

/** An evidence item the agent could not use, and why (hash-mismatch, too-large, unreachable, …). */
export interface IgnoredEvidence {
  item: EvidenceItem;
  index: number;
  reason: string;
  detail: string;
}

export interface DecideInput {
  case: ArbitrationCase;
  /** Usable documents, in the order of case.evidence. */
  documents: VerifiedEvidence[];
  /** Items left out (a decider may mention them; the rule engine counts them in its rationale). */
  ignored: IgnoredEvidence[];
}

export interface DeciderRuling {
  decision: Decision;
  /** Integer permille, 0..1000. */
  confidence: number;
  /** Short text; what rationaleHash hashes. */
  rationale: string;
  /** sha256 hex of the rationale's UTF-8 bytes. */
  rationaleHash: string;
  /** The decider that produced this ruling ("rules", "llm"). */
  decider: string;
  /** When a decider fell back to another: the one asked first, and why it failed (an error code). */
  fallbackFrom?: string;
  fallbackReason?: string;
}

export interface ArbiterDecider {
  /** The plugin id ("rules", "llm"). */
  readonly id: string;
  /** Propose a ruling. Never inside block execution: the agent calls it off chain. */
  decide(input: DecideInput, opts?: { signal?: AbortSignal }): Promise<DeciderRuling>;
  /** Release timers and sockets. */
  close?(): Promise<void>;
}

/** Decider error codes: append only. */
export const DECIDER_ERRORS = {
  ARBITER_DECIDER_BAD_OPTIONS: 1, // the plugin's options are wrong (missing model, bad URL, no API key)
  ARBITER_LLM_BAD_REPLY: 2, // the reply is not JSON, or not JSON of the ruling schema
  ARBITER_LLM_TIMEOUT: 3, // no answer within timeoutMs
  ARBITER_LLM_UNAVAILABLE: 4, // network failure or a 5xx
  ARBITER_LLM_RATE_LIMITED: 5, // 429
  ARBITER_LLM_AUTH: 6, // 401/403: the API key is refused
  ARBITER_LLM_REQUEST_REFUSED: 7, // another 4xx: the endpoint refuses our request (unknown model, unsupported response_format)
  ARBITER_LLM_REFUSAL: 8, // the model refused to answer (message.refusal), or stopped early (finish_reason length / content_filter)
} as const;
export type DeciderErrorCode = keyof typeof DECIDER_ERRORS;

/** context: { decider, httpStatus?, attempt?, … } — never the API key. */
export class DeciderError extends defineErrors("arbiter-decider", DECIDER_ERRORS) {}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
}

/** The ruling with its rationaleHash; a confidence below the threshold turns any decision into "escalate". */
export function finishRuling(decider: string, decision: Decision, confidence: number, rationale: string): DeciderRuling {
  const c = Math.max(0, Math.min(1000, Math.round(confidence)));
  const d: Decision = c < CONFIDENCE_THRESHOLD ? "escalate" : decision;
  return { decision: d, confidence: c, rationale, rationaleHash: sha256Hex(rationale), decider };
}

export type ArbiterDeciderPlugin = NexusPlugin<ArbiterDecider>;

/** definePlugin for arbiter deciders: fixes the capability. */
export function defineArbiterDecider(p: Omit<ArbiterDeciderPlugin, "provides">): ArbiterDeciderPlugin {
  return definePlugin<ArbiterDecider>({ ...p, provides: [ARBITER_DECIDER_CAPABILITY] });
}
