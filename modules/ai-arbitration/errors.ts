import { defineModuleErrors } from "../../runtime/tx/errors.ts";

/**
 * Error codes of the arbitration module (codespace "arbitration"). They reach receipts and the
 * RPC: append only, never rename or renumber; a retired code stays here as a comment.
 */
export const ARBITRATION_ERRORS = {
  ARBITRATION_UNAUTHORIZED: 1, // an authority message from an address that is not arbitration's authority
  ARBITRATION_INVALID_PARAMS: 2,
  ARBITRATION_GENESIS_INVALID: 3,
  ARBITRATION_BAD_HASH: 4, // an evidence hash, summaryHash or rationaleHash that is not 64 lowercase hex
  ARBITRATION_TOO_MUCH_EVIDENCE: 5, // the case would hold more than params.maxEvidence items
  ARBITRATION_BOND_TOO_LOW: 6, // a filing bond below params.minBond, an appeal bond below params.appealBond
  ARBITRATION_WRONG_DENOM: 7, // a bond written with a denomination suffix other than "nxt"
  ARBITRATION_REMEDY_NOT_ALLOWED: 8, // a remedy (or partialRemedy) message whose typeUrl is not in params.remedyTypeUrls
  ARBITRATION_SELF_DISPUTE: 9, // plaintiff and defendant are the same address
  ARBITRATION_TOO_FEW_ARBITERS: 10, // fewer registered arbiters than params.panelSize: a filing cannot draw its panel
  ARBITRATION_UNKNOWN_CASE: 11,
  ARBITRATION_NOT_ON_PANEL: 12, // a ruling from an address not on the case's current panel
  ARBITRATION_WRONG_ROUND: 13, // a ruling for a round that is not the case's current one
  ARBITRATION_DEADLINE_PASSED: 14, // a ruling (or evidence) after the round's rulingDeadlineMs
  ARBITRATION_DUPLICATE_RULING: 15, // the arbiter has already ruled in this round
  ARBITRATION_NOT_PARTY: 16, // an appeal or evidence from neither the plaintiff nor the defendant
  ARBITRATION_NOT_APPEALABLE: 17, // an appeal while the case is not "ruled" or after its appealDeadlineMs
  ARBITRATION_NO_MORE_APPEALS: 18, // a third appeal: the second already went to governance
  ARBITRATION_ARBITER_EXISTS: 19, // MsgRegisterArbiter of an address already registered
  ARBITRATION_UNKNOWN_ARBITER: 20, // MsgRemoveArbiter of an address that is not registered
  ARBITRATION_CASE_NOT_OPEN: 21, // a ruling or evidence for a case that is not "open"
  ARBITRATION_EVIDENCE_PARTY: 22, // an evidence item whose party is not the submitter's side
  ARBITRATION_ARBITER_REMOVED: 23, // a ruling from a panel member removed from the arbiter set since the draw
  ARBITRATION_TOO_MANY_ARBITERS: 24, // MsgRegisterArbiter beyond params.maxArbiters
  ARBITRATION_DUPLICATE_EVIDENCE: 25, // the same evidence hash twice in one case
  ARBITRATION_NO_GOVERNANCE: 26, // an escalation found no governance port bound (recorded on the case, never a receipt's code)
} as const;

export type ArbitrationErrorCode = keyof typeof ARBITRATION_ERRORS;

export class ArbitrationError extends defineModuleErrors("arbitration", ARBITRATION_ERRORS) {}
