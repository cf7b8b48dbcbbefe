import { StoreLayout, addressKey, emptyValue, jsonCodec, pairKey, stringKey, u64NumberKey, uintNumberValue, uintValue } from "../../runtime/state/collections/index.ts";
import { paramsCodec } from "./params.ts";
import { arbiterSchema, caseSchema, deadlineSchema, type Arbiter, type Case, type Deadline } from "./records.ts";

/**
 * Store layout of the "arbitration" namespace. Prefix bytes are wire values: append only,
 * never reuse one (a retired prefix stays here as a comment).
 */
export const PARAMS_PREFIX = 0x01; // → ArbitrationParams
export const ARBITER_PREFIX = 0x02; // | address → Arbiter
export const CASE_PREFIX = 0x03; // | id u64 → Case
export const CASE_BY_STATUS_PREFIX = 0x04; // | status | id → ∅ (index)
export const CASE_SEQ_PREFIX = 0x05; // → next case id
export const DEADLINE_PREFIX = 0x06; // | time u64 | id u64 → Deadline (TimeQueue)
export const ASSIGNMENT_PREFIX = 0x07; // | arbiter | id u64 → ∅ (current panel member who has not ruled)
export const BONDS_HELD_PREFIX = 0x08; // → Σ bonds held (= the module account's balance)
export const REMOVED_PREFIX = 0x09; // | address → height of removal (until registered again)
export const ARBITER_COUNT_PREFIX = 0x0a; // → registered arbiters (uint)

const L = new StoreLayout("arbitration");

export const Params = L.item(PARAMS_PREFIX, "params", paramsCodec, { memo: true });
export const Arbiters = L.map(ARBITER_PREFIX, "arbiters", addressKey, jsonCodec<Arbiter>({ name: "arbitration.Arbiter", schema: arbiterSchema }));
export const Cases = L.map(CASE_PREFIX, "cases", u64NumberKey, jsonCodec<Case>({ name: "arbitration.Case", schema: caseSchema }));
export const CasesByStatus = L.index(CASE_BY_STATUS_PREFIX, "casesByStatus", Cases, pairKey(stringKey, u64NumberKey), {
  refs: (id, c) => [[c.status, id]],
  primaryKey: (ik) => ik[1],
});
export const CaseSeq = L.sequence(CASE_SEQ_PREFIX, "caseSeq");
export const Deadlines = L.timeQueue(DEADLINE_PREFIX, "deadlines", u64NumberKey, jsonCodec<Deadline>({ name: "arbitration.Deadline", schema: deadlineSchema }));
export const Assignments = L.map(ASSIGNMENT_PREFIX, "assignments", pairKey(addressKey, u64NumberKey), emptyValue);
export const BondsHeld = L.item(BONDS_HELD_PREFIX, "bondsHeld", uintValue);
export const Removed = L.map(REMOVED_PREFIX, "removed", addressKey, uintNumberValue);
export const ArbiterCount = L.item(ARBITER_COUNT_PREFIX, "arbiterCount", uintNumberValue);
