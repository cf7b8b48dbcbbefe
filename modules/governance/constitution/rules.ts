import type { Constitution, ConstitutionRule, ImmutableRightsRule, MultiEndorsementRule, NonDominanceRule } from "./schema.ts";

/**
 * The constitution's predicates: pure functions over a proposal and the state before and after
 * its messages (the keeper runs the messages on a branch and reads both sides). Each returns
 * null when the rule holds, or why it does not.
 */
export interface ProposalEffect {
  readonly band: number;
  readonly typeUrls: readonly string[];
  /** Endorsers whose signatures verified and who are active validators, deduplicated. */
  readonly endorsers: readonly string[];
  /** A module's params before and after the messages (undefined: the module has none). */
  paramsBefore(module: string): unknown;
  paramsAfter(module: string): unknown;
  /** Bonded validators' stake (tokens) before and after. */
  readonly stakeBefore: ReadonlyMap<string, bigint>;
  readonly stakeAfter: ReadonlyMap<string, bigint>;
}

export interface Violation {
  readonly rule: string;
  readonly reason: string;
}

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

function field(params: unknown, name: string): unknown {
  return params !== null && typeof params === "object" ? (params as Record<string, unknown>)[name] : undefined;
}

/** The listed "<module>.<field>" paths whose value the proposal changes. */
export function changedParams(paths: readonly string[], e: ProposalEffect): string[] {
  return paths.filter((p) => {
    const dot = p.indexOf(".");
    const module = p.slice(0, dot);
    const name = p.slice(dot + 1);
    return canonical(field(e.paramsBefore(module), name)) !== canonical(field(e.paramsAfter(module), name));
  });
}

function touched(rule: { params: readonly string[]; actions: readonly string[] }, e: ProposalEffect): string[] {
  return [...e.typeUrls.filter((t) => rule.actions.includes(t)), ...changedParams(rule.params, e)];
}

export function checkNonDominance(rule: NonDominanceRule, e: ProposalEffect): string | null {
  const cap = field(e.paramsAfter("staking"), "maxValidatorPowerBps");
  if (typeof cap === "number" && cap > rule.maxPowerBps) return `staking.maxValidatorPowerBps would become ${cap}, above the constitution's ${rule.maxPowerBps}`;
  const minVals = field(e.paramsAfter("staking"), "nonDominanceMinValidators");
  if (typeof minVals === "number" && minVals > rule.minValidators) return `staking.nonDominanceMinValidators would become ${minVals}, above the constitution's ${rule.minValidators}`;
  if (e.stakeAfter.size < rule.minValidators) return null;
  let total = 0n;
  for (const t of e.stakeAfter.values()) total += t;
  for (const [op, after] of e.stakeAfter) {
    const before = e.stakeBefore.get(op) ?? 0n;
    if (after > before && after * 10_000n > BigInt(rule.maxPowerBps) * total) {
      return `validator ${op} would hold ${(after * 10_000n) / total} bps of bonded stake after gaining stake, above ${rule.maxPowerBps}`;
    }
  }
  return null;
}

export function checkImmutableRights(rule: ImmutableRightsRule, e: ProposalEffect): string | null {
  if (e.band >= rule.minBand) return null;
  const t = touched(rule, e);
  return t.length ? `${t.join(", ")} change only by band ${rule.minBand} (YOCTO) proposals; this one is band ${e.band}` : null;
}

export function checkMultiEndorsement(rule: MultiEndorsementRule, e: ProposalEffect): string | null {
  const t = touched(rule, e);
  if (t.length === 0 || e.endorsers.length >= rule.minEndorsements) return null;
  return `${t.join(", ")} need FEMTO endorsements of ${rule.minEndorsements} active validators; the proposal has ${e.endorsers.length}`;
}

export function checkRule(rule: ConstitutionRule, e: ProposalEffect): string | null {
  switch (rule.kind) {
    case "non_dominance":
      return checkNonDominance(rule, e);
    case "immutable_rights":
      return checkImmutableRights(rule, e);
    case "multi_endorsement":
      return checkMultiEndorsement(rule, e);
  }
}

/** The first rule the proposal violates, in the constitution's order. */
export function firstViolation(c: Constitution, e: ProposalEffect): Violation | null {
  for (const rule of c.rules) {
    const reason = checkRule(rule, e);
    if (reason) return { rule: rule.name, reason };
  }
  return null;
}
