import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction, ErrorObject } from "ajv";

/** One strict ajv instance per node: every schema is compiled once at start-up. */
export function createAjv(): Ajv2020 {
  return new Ajv2020({ strict: true, allErrors: false, allowUnionTypes: false });
}

/** "value/amount/0/amount must match pattern ..." : short, and names the field. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = "value"): string {
  if (!errors || errors.length === 0) return `${root} is invalid`;
  return errors
    .slice(0, 3)
    .map((e) => {
      const path = root + (e.instancePath || "");
      if (e.keyword === "additionalProperties") return `${path} has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.keyword === "required") return `${path} is missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
      return `${path} ${e.message ?? "is invalid"}`;
    })
    .join("; ");
}

/**
 * A JSON pointer (ajv's instancePath) as a field path: "/balances/3/coins/0/amount" →
 * "balances[3].coins[0].amount"; a key that is not an identifier is quoted (`["a b"]`).
 */
export function jsonPointerToPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^(0|[1-9][0-9]*)$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Joins a root and a field path: ("genesis.modules.bank", "balances[3]") → "genesis.modules.bank.balances[3]". */
export function joinPath(root: string, field: string): string {
  if (!field) return root;
  return field.startsWith("[") ? root + field : `${root}.${field}`;
}

/**
 * The first ajv error as `<root>.<field>: <reason>`, and the field (relative to root) it names:
 * "genesis.modules.bank.balances[3].coins[0].amount: must match pattern "^(0|[1-9][0-9]{0,37})$"".
 * For a missing or unknown property the field is that property; the path is its object's.
 */
export function locateAjvError(errors: ErrorObject[] | null | undefined, root: string): { message: string; field: string; keyword: string } {
  const e = errors?.[0];
  if (!e) return { message: `${root}: is invalid`, field: "", keyword: "" };
  const at = jsonPointerToPath(e.instancePath || "");
  const path = joinPath(root, at);
  if (e.keyword === "required") {
    const p = (e.params as { missingProperty: string }).missingProperty;
    return { message: `${path}: missing field "${p}"`, field: jsonPointerToPath(`${e.instancePath}/${escapePointer(p)}`), keyword: e.keyword };
  }
  if (e.keyword === "additionalProperties") {
    const p = (e.params as { additionalProperty: string }).additionalProperty;
    return { message: `${path}: unknown field "${p}"`, field: jsonPointerToPath(`${e.instancePath}/${escapePointer(p)}`), keyword: e.keyword };
  }
  return { message: `${path}: ${e.message ?? "is invalid"}`, field: at, keyword: e.keyword };
}

export type { ValidateFunction };

/** Shared building blocks for module schemas. */
export const AMOUNT_PATTERN = "^(0|[1-9][0-9]{0,37})$";
export const DENOM_PATTERN = "^[a-z][a-z0-9/._-]{1,63}$";
export const ADDRESS_PATTERN = "^nxs1[02-9ac-hj-np-z]{20,110}$";
