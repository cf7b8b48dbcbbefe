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

export type { ValidateFunction };

/** Shared building blocks for module schemas. */
export const AMOUNT_PATTERN = "^(0|[1-9][0-9]{0,37})$";
export const DENOM_PATTERN = "^[a-z][a-z0-9/._-]{1,63}$";
export const ADDRESS_PATTERN = "^nxs1[02-9ac-hj-np-z]{20,110}$";
