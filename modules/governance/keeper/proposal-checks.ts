import type { MsgRouter } from "../../../runtime/modules/msg-router.ts";
import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Band } from "../../../runtime/tx/bands.ts";
import { GovError, type GovErrorCode } from "../errors.ts";
import { contentHash, endorsementProblem } from "../endorsement.ts";
import type { ParamsSource, StakingForGov } from "../expected-keepers.ts";
import type { Endorsement, Proposal } from "../records.ts";
import { firstViolation, type ProposalEffect } from "../constitution/rules.ts";
import type { Constitution } from "../constitution/schema.ts";

/** The router's refusals, as governance's own codes (what a proposal author reads). */
const ROUTER_TO_GOV: Record<string, GovErrorCode> = {
  ROUTER_UNKNOWN_MSG: "GOV_UNKNOWN_MSG",
  ROUTER_INVALID_MSG: "GOV_INVALID_MSG",
  ROUTER_UNAUTHORIZED: "GOV_MSG_NOT_GOV",
  ROUTER_BAND_TOO_LOW: "GOV_BAND_TOO_LOW",
  ROUTER_MSG_FAILED: "GOV_MSG_FAILS",
  ROUTER_TOO_DEEP: "GOV_MSG_FAILS",
};

export function asGovError(e: unknown): GovError {
  if (e instanceof GovError) return e;
  const code = (e as { code?: unknown }).code;
  const mapped = typeof code === "string" ? ROUTER_TO_GOV[code] : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return new GovError(mapped ?? "GOV_MSG_FAILS", message, { routerCode: typeof code === "string" ? code : undefined }, { cause: e });
}

function stakeMap(staking: StakingForGov, ctx: Ctx): Map<string, bigint> {
  return new Map(staking.bondedValidators(ctx).map((v) => [v.operator, v.tokens]));
}

/** Endorsers whose signatures verify and who are active validators now, each counted once. */
export function verifiedEndorsers(ctx: Ctx, staking: StakingForGov, p: Pick<Proposal, "band" | "title" | "summary" | "msgs">, endorsements: readonly Endorsement[], strict: boolean): string[] {
  const hash = contentHash(p);
  const out = new Set<string>();
  for (const e of endorsements) {
    const problem = endorsementProblem(ctx.block.chainId, hash, e) ?? (staking.isActiveValidator(ctx, e.validator) ? null : `${e.validator} is not an active validator`);
    if (problem) {
      if (strict) throw new GovError("GOV_INVALID_ENDORSEMENT", problem, { validator: e.validator });
      continue;
    }
    out.add(e.validator);
  }
  return [...out].sort();
}

/** The effect the constitution judges: band, actions, endorsers, params and stake on both sides. */
export function effectOf(before: Ctx, after: Ctx, o: { band: number; typeUrls: string[]; endorsers: string[]; staking: StakingForGov; params: ParamsSource }): ProposalEffect {
  return {
    band: o.band,
    typeUrls: o.typeUrls,
    endorsers: o.endorsers,
    paramsBefore: (m) => o.params.params(before, m),
    paramsAfter: (m) => o.params.params(after, m),
    stakeBefore: stakeMap(o.staking, before),
    stakeAfter: stakeMap(o.staking, after),
  };
}

export function throwIfViolated(c: Constitution, e: ProposalEffect): void {
  const v = firstViolation(c, e);
  if (v) throw new GovError("GOV_CONSTITUTION_VIOLATED", `constitution rule "${v.rule}": ${v.reason}`, { rule: v.rule });
}

/**
 * Submission's checks: the messages run as governance's account in the proposal's band on a
 * branch that is then discarded, and the constitution judges the state they would produce.
 */
export function checkAtSubmission(ctx: Ctx, o: { router: MsgRouter; account: string; proposal: Pick<Proposal, "band" | "title" | "summary" | "msgs">; endorsers: string[]; constitution: Constitution; staking: StakingForGov; params: ParamsSource }): void {
  const { proposal } = o;
  try {
    o.router.dryRun(ctx, { signer: o.account, band: proposal.band as Band, msgs: proposal.msgs }, (after) =>
      throwIfViolated(o.constitution, effectOf(ctx, after, { band: proposal.band, typeUrls: proposal.msgs.map((m) => m.typeUrl), endorsers: o.endorsers, staking: o.staking, params: o.params })),
    );
  } catch (e) {
    throw asGovError(e);
  }
}
