import { ArbitrationError } from "./errors.ts";
import { NXT_DENOM } from "./params.ts";
import { HEX64_PATTERN, type EvidenceItem } from "./records.ts";

/**
 * Stateless checks of message fields, each with its own error code: run by the messages'
 * `validate` (so checkTx refuses them before a fee) and again by the keeper (which tests and
 * routed messages may reach directly).
 */
const HEX64 = new RegExp(HEX64_PATTERN);

/** A bond: base units, optionally followed by its denomination ("100000000000" or "100000000000nxt"). */
export const BOND_PATTERN = "^(0|[1-9][0-9]{0,37})([a-z][a-z0-9/._-]{1,63})?$";
const BOND = new RegExp(BOND_PATTERN);

export function checkHash(value: string, field: string): void {
  if (!HEX64.test(value)) throw new ArbitrationError("ARBITRATION_BAD_HASH", `${field} must be 64 lowercase hex characters (a sha256), got "${value.slice(0, 80)}"`, { field });
}

/** The bond in NXT base units; a denomination other than nxt is ARBITRATION_WRONG_DENOM. */
export function parseBond(value: string, field = "bond"): bigint {
  const m = BOND.exec(value);
  if (!m) throw new ArbitrationError("ARBITRATION_WRONG_DENOM", `${field} "${value}" is not an amount of ${NXT_DENOM} base units`, { field });
  if (m[2] !== undefined && m[2] !== NXT_DENOM) {
    throw new ArbitrationError("ARBITRATION_WRONG_DENOM", `${field} is in ${m[2]}; bonds are paid in ${NXT_DENOM}`, { field, denom: m[2] });
  }
  return BigInt(m[1]!);
}

/** Hashes well formed, every item of `side`, no hash twice (within the list and against `existing`). */
export function checkEvidence(items: readonly EvidenceItem[], side: "plaintiff" | "defendant", existing: readonly EvidenceItem[] = []): void {
  const seen = new Set(existing.map((e) => e.hash));
  items.forEach((e, i) => {
    checkHash(e.hash, `evidence[${i}].hash`);
    if (e.party !== side) {
      throw new ArbitrationError("ARBITRATION_EVIDENCE_PARTY", `evidence[${i}] is marked ${e.party}'s but the ${side} submits it`, { index: i, party: e.party, submitter: side });
    }
    if (seen.has(e.hash)) throw new ArbitrationError("ARBITRATION_DUPLICATE_EVIDENCE", `evidence[${i}] hash ${e.hash} is already in the case`, { index: i, hash: e.hash });
    seen.add(e.hash);
  });
}

export function checkNotSelf(plaintiff: string, defendant: string): void {
  if (plaintiff === defendant) throw new ArbitrationError("ARBITRATION_SELF_DISPUTE", `${plaintiff} cannot file a dispute against itself`, { plaintiff });
}
