import type { Ctx } from "../../../runtime/modules/types.ts";
import { RouterError } from "../../../runtime/modules/msg-router.ts";
import { isNexusError } from "../../../runtime/errors.ts";
import { Band } from "../../../runtime/tx/bands.ts";
import { ArbitrationEvents } from "../events.ts";
import * as K from "../keys.ts";
import { tally } from "../tally.ts";
import type { Case, Decision, StoredMsg } from "../records.ts";
import type { ArbitrationKeeper } from "./arbitration-keeper.ts";

/** Why a case went to governance (the case_escalated event's `reason`, the case's escalationReason). */
export type EscalationReason = "no_quorum" | "tie" | "low_confidence" | "panel_escalated" | "too_few_arbiters" | "second_appeal";

/** Decisions after which the plaintiff's bond is forfeited (the plaintiff did not prevail). */
const PLAINTIFF_LOSES: readonly Decision[] = ["dismiss", "defendant"];

/**
 * Deciding a round (all rulings in, or its deadline), escalating to governance, and closing a
 * case whose appeal window passed (its remedy through the router, its bonds settled). The end
 * block settles at most params.maxDuePerBlock deadlines, oldest first.
 */
export class OutcomeKeeper {
  constructor(private readonly k: ArbitrationKeeper) {}

  endBlock(ctx: Ctx): void {
    const p = this.k.params(ctx);
    for (const d of K.Deadlines.popDue(ctx, ctx.block.time, p.maxDuePerBlock)) {
      const c = K.Cases.get(ctx, d.id);
      // Entries are removed whenever a case leaves the stage they wait for, so these hold; a
      // stale one (none expected) is dropped rather than acted on.
      if (!c || c.round !== d.value.round) continue;
      if (d.value.stage === "ruling" && c.status === "open" && c.rulingDeadlineMs === d.time) this.decideRound(ctx, c);
      else if (d.value.stage === "appeal" && c.status === "ruled" && c.appealDeadlineMs === d.time) this.close(ctx, c);
    }
  }

  /** The round's rulings are all there is: the tally stands (status ruled, appeal window) or the case escalates. */
  decideRound(ctx: Ctx, c: Case): void {
    const p = this.k.params(ctx);
    for (const a of c.panel) K.Assignments.delete(ctx, [a, c.id]);
    const t = tally(c.rulings, p);
    if (!t.stands) return this.escalate(ctx, c, c, t.reason);
    if (t.decision === "escalate") return this.escalate(ctx, c, c, "panel_escalated");
    const appealDeadlineMs = ctx.block.time + p.appealPeriodMs;
    const next: Case = { ...c, status: "ruled", outcome: t.decision, appealDeadlineMs };
    this.k.putCase(ctx, c, next);
    K.Deadlines.enqueue(ctx, appealDeadlineMs, c.id, { stage: "appeal", round: c.round });
    ctx.emit(ArbitrationEvents.CaseRuled, {
      caseId: String(c.id),
      round: String(c.round),
      decision: t.decision,
      agreeing: String(t.agreeing),
      meanConfidence: String(t.meanConfidence),
      appealDeadlineMs: String(appealDeadlineMs),
    });
  }

  /**
   * To governance: a proposal carrying the case's remedy (so a vote can grant it). Bonds: a
   * second appeal leaves round 2's standing ruling to settle them (as closing would); any other
   * escalation (the panels could not settle it) returns every bond held. `next` is the case as
   * the caller changed it, `prev` as stored.
   */
  escalate(ctx: Ctx, next: Case, prev: Case, reason: EscalationReason): void {
    let c: Case = { ...next };
    if (reason === "second_appeal") {
      const decision = c.outcome!;
      this.settlePlaintiff(ctx, c, decision);
      this.settleAppellant(ctx, c, decision);
      c.priorRounds = [...c.priorRounds, { round: c.round, panel: c.panel, rulings: c.rulings, outcome: decision }];
    } else {
      this.k.returnBond(ctx, c.id, c.plaintiff, BigInt(c.bond));
      if (c.appellant && c.appealBond) this.k.returnBond(ctx, c.id, c.appellant, BigInt(c.appealBond));
    }
    const { proposalId, error } = this.submitToGovernance(ctx, c, reason);
    const { appealDeadlineMs: _a, proposalId: _p, ...rest } = c;
    c = { ...rest, status: "escalated", outcome: "escalate", escalationReason: reason, closedAtMs: ctx.block.time, ...(proposalId !== undefined ? { proposalId } : {}) };
    this.k.putCase(ctx, prev, c);
    ctx.emit(ArbitrationEvents.CaseEscalated, {
      caseId: String(c.id),
      round: String(c.round),
      proposalId: proposalId === undefined ? "" : String(proposalId),
      reason,
      ...(error !== undefined ? { error } : {}),
    });
  }

  private submitToGovernance(ctx: Ctx, c: Case, reason: EscalationReason): { proposalId?: number; error?: string } {
    const title = `Arbitration case ${c.id}: ${c.title}`.slice(0, 200);
    const summary =
      `Escalated by arbitration (${reason}) in round ${c.round}. Kind ${c.kind}; plaintiff ${c.plaintiff}; defendant ${c.defendant}; ` +
      `summary sha256 ${c.summaryHash}; ${c.evidence.length} evidence items. The proposal's messages are the remedy the plaintiff asked for: ` +
      `passing it grants them.`;
    try {
      const proposalId = this.k.nested(ctx, (sub) => this.k.governance.submitEscalation(sub, { title, summary, msgs: c.remedy.map((m) => ({ typeUrl: m.typeUrl, value: m.value })), origin: `arbitration/case/${c.id}` }));
      return { proposalId };
    } catch (e) {
      // Governance refused (its typed error): the case is still escalated, without a proposal.
      // Anything else is a bug and halts the block as it should.
      if (!isNexusError(e)) throw e;
      return { error: `${e.code}: ${e.message}`.slice(0, 300) };
    }
  }

  /** The appeal window passed without an appeal: the standing ruling takes effect. */
  close(ctx: Ctx, c: Case): void {
    const decision = c.outcome!;
    const msgs = decision === "plaintiff" ? c.remedy : decision === "modify" ? c.partialRemedy : [];
    const remedyResult = this.executeRemedy(ctx, c, msgs);
    this.settlePlaintiff(ctx, c, decision);
    this.settleAppellant(ctx, c, decision);
    const next: Case = { ...c, status: "closed", remedyResult, closedAtMs: ctx.block.time };
    this.k.putCase(ctx, c, next);
    ctx.emit(ArbitrationEvents.CaseClosed, { caseId: String(c.id), outcome: decision, remedy: remedyResult });
  }

  /**
   * Runs the messages through the router as the remedy signer in band ATTO, all or nothing.
   * A message whose typeUrl governance no longer allows (params changed since filing) runs
   * nothing; a failing one (RouterError) leaves nothing behind: either way the case closes.
   */
  private executeRemedy(ctx: Ctx, c: Case, msgs: readonly StoredMsg[]): "executed" | "failed" | "none" | "not_allowed" {
    if (msgs.length === 0) return "none";
    const allowed = this.k.params(ctx).remedyTypeUrls;
    const barred = msgs.find((m) => !allowed.includes(m.typeUrl));
    if (barred) {
      ctx.emit(ArbitrationEvents.RemedyFailed, { caseId: String(c.id), code: "ARBITRATION_REMEDY_NOT_ALLOWED", reason: `${barred.typeUrl} is no longer among params.remedyTypeUrls` });
      return "not_allowed";
    }
    try {
      this.k.router.execute(ctx, { signer: this.k.config.remedySigner, band: Band.ATTO, msgs: msgs.map((m) => ({ typeUrl: m.typeUrl, value: m.value })) });
      return "executed";
    } catch (e) {
      if (!(e instanceof RouterError)) throw e;
      const inner = (e.context as { code?: string }).code;
      ctx.emit(ArbitrationEvents.RemedyFailed, { caseId: String(c.id), code: inner ?? e.code, reason: e.message.slice(0, 300) });
      return "failed";
    }
  }

  private settlePlaintiff(ctx: Ctx, c: Case, decision: Decision): void {
    const amount = BigInt(c.bond);
    if (PLAINTIFF_LOSES.includes(decision)) this.k.forfeitBond(ctx, c.id, c.plaintiff, amount);
    else this.k.returnBond(ctx, c.id, c.plaintiff, amount);
  }

  /** Round 2's appellant: returned when round 2 decided otherwise than the round appealed, forfeited when it agreed. */
  private settleAppellant(ctx: Ctx, c: Case, decision: Decision): void {
    if (!c.appellant || !c.appealBond) return;
    const appealed = c.priorRounds[c.priorRounds.length - 1]?.outcome;
    if (appealed !== decision) this.k.returnBond(ctx, c.id, c.appellant, BigInt(c.appealBond));
    else this.k.forfeitBond(ctx, c.id, c.appellant, BigInt(c.appealBond));
  }
}
