import type { FromSchema } from "json-schema-to-ts";
import { jsonCodec } from "../../../runtime/state/collections/index.ts";
import { TYPE_URL_PATTERN } from "../records.ts";

/**
 * The constitution: a genesis document of named rules, each an instance of a rule kind whose
 * predicate is code (rules.ts). The document sets which parameters and actions each rule
 * covers; amending it is itself a YOCTO proposal (/gov.v1.MsgAmendConstitution).
 */
const name = { type: "string", pattern: "^[a-z0-9-]{1,48}$", description: "the rule's name: failures say it" } as const;
const description = { type: "string", maxLength: 1000 } as const;
/** "<module>.<param field>", e.g. "bhls.monthlyAmount". */
export const PARAM_PATH_PATTERN = "^[a-z][a-z0-9_-]*\\.[A-Za-z][A-Za-z0-9]*$";
const paramPaths = { type: "array", items: { type: "string", pattern: PARAM_PATH_PATTERN }, maxItems: 256, uniqueItems: true } as const;
const actions = { type: "array", items: { type: "string", pattern: TYPE_URL_PATTERN }, maxItems: 256, uniqueItems: true } as const;

export const nonDominanceRuleSchema = {
  type: "object",
  description: "no validator above maxPowerBps of bonded stake may gain stake through a proposal, nor may staking's own cap be loosened past it",
  properties: {
    name,
    kind: { const: "non_dominance" },
    description,
    maxPowerBps: { type: "integer", minimum: 1, maximum: 10000 },
    /** Below this many bonded validators no set can satisfy the cap (1/n > cap), so it does not apply. */
    minValidators: { type: "integer", minimum: 1, maximum: 10000 },
  },
  required: ["name", "kind", "maxPowerBps", "minValidators"],
  additionalProperties: false,
} as const;

export const immutableRightsRuleSchema = {
  type: "object",
  description: "the listed parameters and actions change only through proposals of band minBand (YOCTO)",
  properties: { name, kind: { const: "immutable_rights" }, description, minBand: { type: "integer", minimum: 4, maximum: 6 }, params: paramPaths, actions },
  required: ["name", "kind", "minBand", "params", "actions"],
  additionalProperties: false,
} as const;

export const multiEndorsementRuleSchema = {
  type: "object",
  description: "proposals touching the listed parameters or actions carry FEMTO endorsements of at least minEndorsements active validators",
  properties: { name, kind: { const: "multi_endorsement" }, description, minEndorsements: { type: "integer", minimum: 1, maximum: 100 }, params: paramPaths, actions },
  required: ["name", "kind", "minEndorsements", "params", "actions"],
  additionalProperties: false,
} as const;

export const constitutionSchema = {
  type: "object",
  properties: {
    version: { type: "integer", minimum: 1, description: "raised by every amendment" },
    rules: { type: "array", items: { oneOf: [nonDominanceRuleSchema, immutableRightsRuleSchema, multiEndorsementRuleSchema] }, maxItems: 64 },
  },
  required: ["version", "rules"],
  additionalProperties: false,
} as const;

export type Constitution = FromSchema<typeof constitutionSchema>;
export type ConstitutionRule = Constitution["rules"][number];
export type NonDominanceRule = FromSchema<typeof nonDominanceRuleSchema>;
export type ImmutableRightsRule = FromSchema<typeof immutableRightsRuleSchema>;
export type MultiEndorsementRule = FromSchema<typeof multiEndorsementRuleSchema>;

export const constitutionCodec = jsonCodec<Constitution>({ name: "gov.Constitution", schema: constitutionSchema });

export const AMEND_CONSTITUTION_TYPE_URL = "/gov.v1.MsgAmendConstitution";

/** The reference constitution (docs/governance.md lists it in prose). */
export function defaultConstitution(): Constitution {
  return {
    version: 1,
    rules: [
      {
        name: "non-dominance",
        kind: "non_dominance",
        description: "no validator above 5% of total voting power may accept more delegation",
        maxPowerBps: 500,
        minValidators: 20,
      },
      {
        name: "immutable-rights",
        kind: "immutable_rights",
        description: "the BHLS floor, the non-dominance cap, the constitutional bar and the constitution itself change only by YOCTO proposals",
        minBand: 6,
        params: ["bhls.monthlyAmount", "staking.maxValidatorPowerBps", "staking.nonDominanceMinValidators", "gov.yocto"],
        actions: [AMEND_CONSTITUTION_TYPE_URL],
      },
      {
        name: "energy-backed-validity",
        kind: "multi_endorsement",
        description: "validator-set rotation settings and cross-chain settings need a FEMTO multi-endorsement: signatures of at least 3 active validators",
        minEndorsements: 3,
        params: ["staking.maxValidators", "staking.unbondingTimeMs", "staking.signedBlocksWindow", "bhls.bridgeChains"],
        actions: ["/bridge.v1.MsgUpdateChain", "/bridge.v1.MsgSetPaused"],
      },
    ],
  };
}

/** What the schema cannot say: rule names are unique. */
export function constitutionProblem(c: Constitution): string | null {
  const seen = new Set<string>();
  for (const r of c.rules) {
    if (seen.has(r.name)) return `rule "${r.name}" is listed twice`;
    seen.add(r.name);
  }
  return null;
}
