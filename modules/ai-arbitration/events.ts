/**
 * Event types the arbitration module emits. Names and attributes are API for subscribers
 * (the arbiter agent subscribes to arbitration.assigned by its first attribute, `arbiter`):
 * never change one; new attributes go last.
 */
export const ArbitrationEvents = {
  /** arbiter, caseId, round, deadlineMs: one per panel member when a panel is drawn. */
  Assigned: "arbitration.assigned",
  /** caseId, plaintiff, defendant, kind, bond. */
  DisputeFiled: "arbitration.dispute_filed",
  /** caseId, party, count (evidence items added), total (the case's evidence now). */
  EvidenceAdded: "arbitration.evidence_added",
  /** caseId, round, arbiter, decision, confidence. */
  RulingSubmitted: "arbitration.ruling_submitted",
  /** caseId, round, decision, then agreeing, meanConfidence, appealDeadlineMs. */
  CaseRuled: "arbitration.case_ruled",
  /**
   * caseId, round, proposalId ("" when no governance port is bound or it refused), reason:
   * no_quorum | tie | low_confidence | panel_escalated | too_few_arbiters | second_appeal;
   * then error (governance's refusal, if any).
   */
  CaseEscalated: "arbitration.case_escalated",
  /** caseId, round (the new round), appellant, then bond. */
  Appealed: "arbitration.appealed",
  /** caseId, outcome, then remedy: executed | failed | none | not_allowed. */
  CaseClosed: "arbitration.case_closed",
  /** caseId, code (the router's), reason: the remedy did not execute; the case closed anyway. */
  RemedyFailed: "arbitration.remedy_failed",
  /** caseId, who, amount, to ("returned" goes to who; "forfeited" to the forfeit address). */
  BondReturned: "arbitration.bond_returned",
  BondForfeited: "arbitration.bond_forfeited",
  ArbiterRegistered: "arbitration.arbiter_registered",
  ArbiterRemoved: "arbitration.arbiter_removed",
  ParamsUpdated: "arbitration.params_updated",
} as const;
