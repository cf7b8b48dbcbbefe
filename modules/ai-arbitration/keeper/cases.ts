import type { Ctx } from "../../../runtime/modules/types.ts";
import { checkEvidence, checkHash, checkNotSelf, parseBond } from "../checks.ts";
import { ArbitrationError } from "../errors.ts";
import { ArbitrationEvents } from "../events.ts";
import * as K from "../keys.ts";
import { drawPanel, panelSeed } from "../panel.ts";
import type { ArbitrationParams } from "../params.ts";
import type { Case, Decision, DisputeKind, EvidenceItem, StoredMsg } from "../records.ts";
import type { ArbitrationKeeper } from "./arbitration-keeper.ts";

export interface Filing {
  plaintiff: string;
  defendant: string;
  kind: DisputeKind;
  title: string;
  summaryHash: string;
  evidence: EvidenceItem[];
  bond: string;
  remedy: StoredMsg[];
  partialRemedy: StoredMsg[];
}

export interface RulingInput {
  arbiter: string;
  caseId: number;
  round: number;
  decision: Decision;
  confidence: number;
  rationaleHash: string;
}

/** Each remedy message's typeUrl must be one governance delegated (params.remedyTypeUrls). */
export function checkRemedy(p: ArbitrationParams, msgs: readonly StoredMsg[], field: string): void {
  msgs.forEach((m, i) => {
    if (!p.remedyTypeUrls.includes(m.typeUrl)) {
      throw new ArbitrationError("ARBITRATION_REMEDY_NOT_ALLOWED", `${field}[${i}] is ${m.typeUrl}, which is not among the remedies arbitration may execute (${p.remedyTypeUrls.join(", ") || "none"})`, {
        index: i,
        typeUrl: m.typeUrl,
      });
    }
  });
}

/**
 * What parties and arbiters do: file, add evidence, rule, appeal. Every check comes before the
 * first write, each with its own code; a refused message changes nothing (its branch is
 * discarded anyway, but no check relies on that).
 */
export class CaseKeeper {
  constructor(private readonly k: ArbitrationKeeper) {}

  file(ctx: Ctx, f: Filing): Case {
    const p = this.k.params(ctx);
    checkNotSelf(f.plaintiff, f.defendant);
    checkHash(f.summaryHash, "summaryHash");
    if (f.evidence.length > p.maxEvidence) {
      throw new ArbitrationError("ARBITRATION_TOO_MUCH_EVIDENCE", `${f.evidence.length} evidence items; a case holds at most ${p.maxEvidence}`, { count: f.evidence.length, max: p.maxEvidence });
    }
    checkEvidence(f.evidence, "plaintiff");
    const bond = parseBond(f.bond);
    if (bond < BigInt(p.minBond)) throw new ArbitrationError("ARBITRATION_BOND_TOO_LOW", `bond ${bond} is below the minimum ${p.minBond}`, { bond: bond.toString(), min: p.minBond });
    checkRemedy(p, f.remedy, "remedy");
    checkRemedy(p, f.partialRemedy, "partialRemedy");
    const id = Number(K.CaseSeq.peek(ctx)) + 1;
    const panel = drawPanel(this.k.arbiters(ctx), p.panelSize, panelSeed(ctx.block.prevHash, id, 1));
    if (!panel) {
      throw new ArbitrationError("ARBITRATION_TOO_FEW_ARBITERS", `${this.k.arbiterCount(ctx)} arbiters are registered; a panel needs ${p.panelSize}`, {
        arbiters: this.k.arbiterCount(ctx),
        panelSize: p.panelSize,
      });
    }
    this.k.takeBond(ctx, f.plaintiff, bond);
    K.CaseSeq.set(ctx, BigInt(id));
    const c: Case = {
      id,
      kind: f.kind,
      plaintiff: f.plaintiff,
      defendant: f.defendant,
      title: f.title,
      summaryHash: f.summaryHash,
      evidence: f.evidence.map((e) => ({ hash: e.hash, uri: e.uri, party: e.party })),
      bond: bond.toString(),
      remedy: f.remedy,
      partialRemedy: f.partialRemedy,
      status: "open",
      round: 1,
      panel,
      rulingDeadlineMs: ctx.block.time + p.rulingPeriodMs,
      rulings: [],
      filedAtHeight: ctx.block.height,
      filedAtMs: ctx.block.time,
      drawnAtHeight: ctx.block.height,
      appeals: 0,
      priorRounds: [],
    };
    this.k.putCase(ctx, undefined, c);
    ctx.emit(ArbitrationEvents.DisputeFiled, { caseId: String(id), plaintiff: c.plaintiff, defendant: c.defendant, kind: c.kind, bond: c.bond });
    this.openRound(ctx, c);
    return c;
  }

  /** The round's deadline entry, one assignment per member, one `assigned` event per member. */
  openRound(ctx: Ctx, c: Case): void {
    K.Deadlines.enqueue(ctx, c.rulingDeadlineMs, c.id, { stage: "ruling", round: c.round });
    for (const a of c.panel) {
      K.Assignments.set(ctx, [a, c.id], true);
      ctx.emit(ArbitrationEvents.Assigned, { arbiter: a, caseId: String(c.id), round: String(c.round), deadlineMs: String(c.rulingDeadlineMs) });
    }
  }

  addEvidence(ctx: Ctx, party: string, caseId: number, items: EvidenceItem[]): void {
    const c = this.k.requireCase(ctx, caseId);
    const side = party === c.plaintiff ? "plaintiff" : party === c.defendant ? "defendant" : undefined;
    if (!side) throw new ArbitrationError("ARBITRATION_NOT_PARTY", `${party} is neither the plaintiff nor the defendant of case ${caseId}`, { caseId, party });
    if (c.status !== "open") throw new ArbitrationError("ARBITRATION_CASE_NOT_OPEN", `case ${caseId} is ${c.status}`, { caseId, status: c.status });
    if (ctx.block.time > c.rulingDeadlineMs) {
      throw new ArbitrationError("ARBITRATION_DEADLINE_PASSED", `round ${c.round} of case ${caseId} closed at ${c.rulingDeadlineMs}`, { caseId, deadlineMs: c.rulingDeadlineMs });
    }
    const max = this.k.params(ctx).maxEvidence;
    if (c.evidence.length + items.length > max) {
      throw new ArbitrationError("ARBITRATION_TOO_MUCH_EVIDENCE", `case ${caseId} holds ${c.evidence.length} evidence items; ${items.length} more exceed ${max}`, { count: c.evidence.length + items.length, max });
    }
    checkEvidence(items, side, c.evidence);
    const next: Case = { ...c, evidence: [...c.evidence, ...items.map((e) => ({ hash: e.hash, uri: e.uri, party: e.party }))] };
    this.k.putCase(ctx, c, next);
    ctx.emit(ArbitrationEvents.EvidenceAdded, { caseId: String(caseId), party: side, count: String(items.length), total: String(next.evidence.length) });
  }

  submitRuling(ctx: Ctx, r: RulingInput): void {
    checkHash(r.rationaleHash, "rationaleHash");
    const c = this.k.requireCase(ctx, r.caseId);
    const ctxInfo = { caseId: r.caseId, round: r.round };
    if (r.round !== c.round) throw new ArbitrationError("ARBITRATION_WRONG_ROUND", `case ${r.caseId} is in round ${c.round}, the ruling is for round ${r.round}`, { ...ctxInfo, current: c.round });
    if (c.status !== "open") throw new ArbitrationError("ARBITRATION_CASE_NOT_OPEN", `case ${r.caseId} is ${c.status}: round ${c.round} takes no more rulings`, { ...ctxInfo, status: c.status });
    if (!c.panel.includes(r.arbiter)) throw new ArbitrationError("ARBITRATION_NOT_ON_PANEL", `${r.arbiter} is not on round ${c.round}'s panel of case ${r.caseId}`, { ...ctxInfo, arbiter: r.arbiter });
    if (!this.k.isArbiter(ctx, r.arbiter)) {
      throw new ArbitrationError("ARBITRATION_ARBITER_REMOVED", `${r.arbiter} was removed from the arbiters after the draw`, { ...ctxInfo, arbiter: r.arbiter });
    }
    if (ctx.block.time > c.rulingDeadlineMs) {
      throw new ArbitrationError("ARBITRATION_DEADLINE_PASSED", `round ${c.round} of case ${r.caseId} closed at ${c.rulingDeadlineMs}; block time is ${ctx.block.time}`, {
        ...ctxInfo,
        deadlineMs: c.rulingDeadlineMs,
      });
    }
    if (c.rulings.some((x) => x.arbiter === r.arbiter)) {
      throw new ArbitrationError("ARBITRATION_DUPLICATE_RULING", `${r.arbiter} has already ruled in round ${c.round} of case ${r.caseId}`, { ...ctxInfo, arbiter: r.arbiter });
    }
    const next: Case = { ...c, rulings: [...c.rulings, { arbiter: r.arbiter, decision: r.decision, confidence: r.confidence, rationaleHash: r.rationaleHash }] };
    K.Assignments.delete(ctx, [r.arbiter, c.id]);
    this.k.putCase(ctx, c, next);
    ctx.emit(ArbitrationEvents.RulingSubmitted, { caseId: String(c.id), round: String(c.round), arbiter: r.arbiter, decision: r.decision, confidence: String(r.confidence) });
    // Every member has ruled (or was removed since the draw): decide now rather than at the deadline.
    const ruled = new Set(next.rulings.map((x) => x.arbiter));
    if (next.panel.every((a) => ruled.has(a) || !this.k.isArbiter(ctx, a))) {
      K.Deadlines.remove(ctx, next.rulingDeadlineMs, next.id);
      this.k.outcomes.decideRound(ctx, next);
    }
  }

  /**
   * Within a standing ruling's window, by the plaintiff or the defendant: the first appeal
   * draws round 2's panel from the arbiters not on round 1's (too few: governance); the
   * second goes to governance. The bond of the first is held until round 2 settles; the
   * second's is checked but not taken (the case leaves arbitration).
   */
  appeal(ctx: Ctx, appellant: string, caseId: number, bondText: string): void {
    const c = this.k.requireCase(ctx, caseId);
    if (appellant !== c.plaintiff && appellant !== c.defendant) {
      throw new ArbitrationError("ARBITRATION_NOT_PARTY", `${appellant} is neither the plaintiff nor the defendant of case ${caseId}`, { caseId, appellant });
    }
    if (c.appeals >= 2) throw new ArbitrationError("ARBITRATION_NO_MORE_APPEALS", `case ${caseId} was appealed twice; the second appeal went to governance`, { caseId });
    if (c.status !== "ruled" || c.appealDeadlineMs === undefined || ctx.block.time > c.appealDeadlineMs) {
      throw new ArbitrationError(
        "ARBITRATION_NOT_APPEALABLE",
        c.status === "ruled" ? `the appeal window of case ${caseId} closed at ${c.appealDeadlineMs}` : `case ${caseId} is ${c.status}: only a standing ruling is appealed`,
        { caseId, status: c.status, appealDeadlineMs: c.appealDeadlineMs },
      );
    }
    const p = this.k.params(ctx);
    const bond = parseBond(bondText);
    if (bond < BigInt(p.appealBond)) throw new ArbitrationError("ARBITRATION_BOND_TOO_LOW", `appeal bond ${bond} is below the minimum ${p.appealBond}`, { bond: bond.toString(), min: p.appealBond });
    K.Deadlines.remove(ctx, c.appealDeadlineMs, c.id);
    ctx.emit(ArbitrationEvents.Appealed, { caseId: String(c.id), round: String(c.round), appellant, bond: bond.toString() });
    if (c.round >= 2) {
      this.k.outcomes.escalate(ctx, { ...c, appeals: 2 }, c, "second_appeal");
      return;
    }
    const prior = { round: c.round, panel: c.panel, rulings: c.rulings, outcome: c.outcome! };
    const panel = drawPanel(this.k.arbiters(ctx), p.panelSize, panelSeed(ctx.block.prevHash, c.id, 2), c.panel);
    if (!panel) {
      this.k.outcomes.escalate(ctx, { ...c, appeals: 1, priorRounds: [...c.priorRounds, prior] }, c, "too_few_arbiters");
      return;
    }
    this.k.takeBond(ctx, appellant, bond);
    const { outcome: _o, appealDeadlineMs: _a, ...rest } = c;
    const next: Case = {
      ...rest,
      status: "open",
      round: 2,
      panel,
      rulings: [],
      rulingDeadlineMs: ctx.block.time + p.rulingPeriodMs,
      drawnAtHeight: ctx.block.height,
      appeals: 1,
      appellant,
      appealBond: bond.toString(),
      priorRounds: [...c.priorRounds, prior],
    };
    this.k.putCase(ctx, c, next);
    this.openRound(ctx, next);
  }
}
