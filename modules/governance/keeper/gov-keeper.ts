import { inject, injectable } from "inversify";
import { MSG_ROUTER_TOKEN, type MsgRouter } from "../../../runtime/modules/msg-router.ts";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { Band, bandName } from "../../../runtime/tx/bands.ts";
import { GovError } from "../errors.ts";
import { isLocalDataDamage } from "../../../runtime/errors.ts";
import { GovEvents } from "../events.ts";
import { GovDeps, type BankForGov, type ParamsSource, type StakingForGov } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import { bandRule, defaultParams, govConfig, NXT_DENOM, PROPOSAL_BANDS, type GovConfig, type GovParams } from "../params.ts";
import type { Endorsement, Proposal, TallyRecord } from "../records.ts";
import { tallyAggregated, VOTE_OPTIONS, type TallyResult, type WeightedOption } from "../tally.ts";
import { VoteKeeper } from "./votes.ts";
import { defaultConstitution, type Constitution } from "../constitution/schema.ts";
import { asGovError, checkAtSubmission, effectOf, throwIfViolated, verifiedEndorsers } from "./proposal-checks.ts";

export const GovConfigToken = Symbol.for("gov.Config");
/** Module account holding deposits (blocked for sends; "burner" for vetoed deposits). */
export const GOV_DEPOSITS = "gov_deposits";

export interface SubmitInput {
  proposer: string;
  band: number;
  title: string;
  summary: string;
  msgs: { typeUrl: string; value: Record<string, unknown> }[];
  endorsements: Endorsement[];
  initialDeposit?: { denom: string; amount: bigint };
}

/**
 * Proposals from submission to execution: deposits, votes, the end-block tally through the
 * voting queue, execution through the message router as governance's account on a nested
 * branch with the constitution checked again on the state the messages produce.
 */
@injectable()
export class GovKeeper {
  readonly votes: VoteKeeper;

  constructor(
    @inject(GovDeps.Bank) private readonly bank: BankForGov,
    @inject(GovDeps.Staking) private readonly staking: StakingForGov,
    @inject(MSG_ROUTER_TOKEN) private readonly router: MsgRouter,
    @inject(GovDeps.Params) private readonly paramsSource: ParamsSource,
    @inject(GovConfigToken) readonly config: GovConfig = govConfig(),
  ) {
    this.votes = new VoteKeeper(staking);
  }

  get authority(): string {
    return this.config.authority;
  }

  requireAuthority(address: string): void {
    if (address !== this.config.authority) throw new GovError("GOV_UNAUTHORIZED", `${address} is not governance's authority (${this.config.authority})`, { authority: this.config.authority });
  }

  params(ctx: Ctx): GovParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: GovParams): void {
    K.Params.set(ctx, p);
  }

  constitution(ctx: Ctx): Constitution {
    return K.Constitution.get(ctx) ?? defaultConstitution();
  }

  setConstitution(ctx: Ctx, c: Constitution): void {
    K.Constitution.set(ctx, c);
  }

  proposal(ctx: Ctx, id: number): Proposal | undefined {
    return K.Proposals.get(ctx, id);
  }

  mustGet(ctx: Ctx, id: number): Proposal {
    const p = K.Proposals.get(ctx, id);
    if (!p) throw new GovError("GOV_UNKNOWN_PROPOSAL", `no proposal ${id}`, { proposalId: id });
    return p;
  }

  // ---- submission and deposits ---------------------------------------------------------------

  submit(ctx: Ctx, m: SubmitInput): Proposal {
    const params = this.params(ctx);
    if (!(PROPOSAL_BANDS as readonly number[]).includes(m.band)) {
      throw new GovError("GOV_INVALID_BAND", `a proposal's band is ATTO (4), ZEPTO (5) or YOCTO (6), not ${bandName(m.band)}`);
    }
    if (m.msgs.length > params.maxMsgs) throw new GovError("GOV_TOO_MANY_MSGS", `${m.msgs.length} messages, at most ${params.maxMsgs}`);
    const content = { band: m.band, title: m.title, summary: m.summary, msgs: m.msgs };
    const endorsers = verifiedEndorsers(ctx, this.staking, content, m.endorsements, true);
    checkAtSubmission(ctx, { router: this.router, account: this.config.account, proposal: content, endorsers, constitution: this.constitution(ctx), staking: this.staking, params: this.paramsSource });
    const id = K.ProposalSeq.nextNumber(ctx) + 1;
    const now = ctx.block.time;
    const p: Proposal = {
      id,
      proposer: m.proposer,
      band: m.band,
      title: m.title,
      summary: m.summary,
      msgs: m.msgs,
      endorsements: m.endorsements,
      status: "deposit_period",
      submitTimeMs: now,
      depositEndMs: now + params.maxDepositPeriodMs,
      votingStartMs: 0,
      votingEndMs: 0,
      totalDeposit: "0",
    };
    K.Proposals.set(ctx, id, p);
    K.DepositQueue.enqueue(ctx, p.depositEndMs, id, true);
    ctx.emit(GovEvents.Submitted, { proposalId: String(id), proposer: m.proposer, band: String(m.band), msgs: m.msgs.map((x) => x.typeUrl).join(",") });
    if (m.initialDeposit && m.initialDeposit.amount > 0n) this.deposit(ctx, id, m.proposer, m.initialDeposit);
    return this.mustGet(ctx, id);
  }

  /**
   * A proposal a module opens straight into its voting period, without deposit (arbitration's
   * escalations). Its messages and the constitution are checked when it executes.
   */
  submitEscalation(ctx: Ctx, e: { title: string; summary: string; msgs: { typeUrl: string; value: unknown }[]; origin: string }): number {
    const params = this.params(ctx);
    const id = K.ProposalSeq.nextNumber(ctx) + 1;
    const p: Proposal = {
      id,
      proposer: this.config.account,
      band: Band.ATTO,
      title: e.title.slice(0, 140) || "escalation",
      summary: e.summary.slice(0, 10000),
      msgs: e.msgs.slice(0, params.maxMsgs).map((m) => ({ typeUrl: m.typeUrl, value: m.value as Record<string, unknown> })),
      endorsements: [],
      origin: e.origin.slice(0, 128),
      status: "deposit_period",
      submitTimeMs: ctx.block.time,
      depositEndMs: ctx.block.time,
      votingStartMs: 0,
      votingEndMs: 0,
      totalDeposit: "0",
    };
    K.Proposals.set(ctx, id, p);
    ctx.emit(GovEvents.Submitted, { proposalId: String(id), proposer: p.proposer, band: String(p.band), msgs: p.msgs.map((x) => x.typeUrl).join(","), origin: p.origin ?? "" });
    this.startVoting(ctx, p, params);
    return id;
  }

  deposit(ctx: Ctx, id: number, depositor: string, coin: { denom: string; amount: bigint }): Proposal {
    if (coin.denom !== NXT_DENOM) throw new GovError("GOV_WRONG_DENOM", `deposits are in ${NXT_DENOM}, not ${coin.denom}`, { denom: coin.denom });
    if (coin.amount <= 0n) throw new GovError("GOV_INVALID_AMOUNT", "a deposit must be positive");
    const p = this.mustGet(ctx, id);
    if (p.status !== "deposit_period") throw new GovError("GOV_NOT_IN_DEPOSIT_PERIOD", `proposal ${id} is ${p.status}, not in its deposit period`, { proposalId: id, status: p.status });
    this.bank.sendToModule(ctx, depositor, GOV_DEPOSITS, [{ denom: NXT_DENOM, amount: coin.amount }]);
    K.Deposits.set(ctx, [id, depositor], (K.Deposits.get(ctx, [id, depositor]) ?? 0n) + coin.amount);
    p.totalDeposit = (BigInt(p.totalDeposit) + coin.amount).toString();
    ctx.emit(GovEvents.Deposit, { proposalId: String(id), depositor, amount: coin.amount.toString(), total: p.totalDeposit });
    const params = this.params(ctx);
    if (BigInt(p.totalDeposit) >= BigInt(params.minDeposit)) {
      K.DepositQueue.remove(ctx, p.depositEndMs, id);
      this.startVoting(ctx, p, params);
    } else {
      K.Proposals.set(ctx, id, p);
    }
    return p;
  }

  private startVoting(ctx: Ctx, p: Proposal, params: GovParams): void {
    p.status = "voting_period";
    p.votingStartMs = ctx.block.time;
    p.votingEndMs = ctx.block.time + params.votingPeriodMs;
    K.Proposals.set(ctx, p.id, p);
    K.VotingQueue.enqueue(ctx, p.votingEndMs, p.id, true);
    ctx.emit(GovEvents.VotingStarted, { proposalId: String(p.id), votingEndMs: String(p.votingEndMs) });
  }

  // ---- votes -------------------------------------------------------------------------------

  vote(ctx: Ctx, id: number, voter: string, options: WeightedOption[]): void {
    const p = this.mustGet(ctx, id);
    if (p.status !== "voting_period" || ctx.block.time >= p.votingEndMs) {
      throw new GovError("GOV_NOT_IN_VOTING_PERIOD", `proposal ${id} is not in its voting period (${p.status}${p.votingEndMs ? `, voting ends at ${p.votingEndMs}` : ""})`, { proposalId: id });
    }
    this.votes.vote(ctx, p, voter, options);
    ctx.emit(GovEvents.Vote, { proposalId: String(id), voter, options: options.map((o) => `${o.option}:${o.weightBps}`).join(",") });
  }

  // ---- tally and end block -------------------------------------------------------------------

  /** The tally as it stands now (an ended proposal's is its finalTally): O(bonded validators). */
  currentTally(ctx: Ctx, p: Proposal): TallyResult {
    const params = this.params(ctx);
    return tallyAggregated({ validators: this.votes.tallyInputs(ctx, p.id), rule: bandRule(params, p.band), burnOnNoQuorum: params.burnVoteQuorum });
  }

  /** Staking's hook (StakingHooks): a voter's delegation changed while proposals it voted on are open. */
  afterDelegationModified(ctx: Ctx, delegator: string, validator: string, shares: bigint): void {
    this.votes.delegationModified(ctx, delegator, validator, shares);
  }

  /** Bounded: at most maxEndingPerBlock proposals end per block, oldest first; the rest wait. */
  endBlock(ctx: Ctx): void {
    const params = this.params(ctx);
    let budget = params.maxEndingPerBlock;
    for (const due of K.DepositQueue.popDue(ctx, ctx.block.time, budget)) {
      budget--;
      const p = K.Proposals.get(ctx, due.id);
      if (!p || p.status !== "deposit_period") continue;
      this.settleDeposits(ctx, p.id, false);
      p.status = "rejected";
      p.failReason = `deposit period ended with ${p.totalDeposit} of ${params.minDeposit} deposited`;
      K.Proposals.set(ctx, p.id, p);
      ctx.emit(GovEvents.Dropped, { proposalId: String(p.id) });
    }
    if (budget <= 0) return;
    for (const due of K.VotingQueue.popDue(ctx, ctx.block.time, budget)) {
      const p = K.Proposals.get(ctx, due.id);
      if (p && p.status === "voting_period") this.end(ctx, p);
    }
  }

  private end(ctx: Ctx, p: Proposal): void {
    const t = this.currentTally(ctx, p);
    p.finalTally = tallyRecord(t);
    this.settleDeposits(ctx, p.id, t.burnDeposits);
    if (t.outcome !== "passed") {
      p.status = "rejected";
    } else {
      try {
        const endorsers = verifiedEndorsers(ctx, this.staking, p, p.endorsements, false);
        this.router.execute(ctx, {
          signer: this.config.account,
          band: p.band as Band,
          msgs: p.msgs,
          check: (after) => throwIfViolated(this.constitution(ctx), effectOf(ctx, after, { band: p.band, typeUrls: p.msgs.map((m) => m.typeUrl), endorsers, staking: this.staking, params: this.paramsSource })),
        });
        p.status = "passed";
        ctx.emit(GovEvents.Executed, { proposalId: String(p.id) });
      } catch (e) {
        if (isLocalDataDamage(e)) throw e; // this node's files are damaged: halt, never a "failed" proposal
        // Nothing of the messages remains (nested branch); the proposal records why.
        const err = asGovError(e);
        p.status = "failed";
        p.failReason = `${err.code}: ${err.message}`.slice(0, 2000);
        ctx.emit(GovEvents.ExecutionFailed, { proposalId: String(p.id), reason: p.failReason });
      }
    }
    K.Proposals.set(ctx, p.id, p);
    // After the messages ran: a hook they triggered may have touched this proposal's aggregates.
    this.votes.clearAggregates(ctx, p.id);
    ctx.emit(GovEvents.Ended, {
      proposalId: String(p.id),
      status: p.status,
      outcome: t.outcome,
      yes: t.totals.yes.toString(),
      no: t.totals.no.toString(),
      abstain: t.totals.abstain.toString(),
      veto: t.totals.veto.toString(),
      bandsApproved: String(t.bandsApproved),
      bandsRequired: String(t.bandsRequired),
    });
  }

  /** Refund every deposit of a proposal, or burn them all (veto; no quorum when the params say so). */
  private settleDeposits(ctx: Ctx, id: number, burn: boolean): void {
    let burned = 0n;
    for (const [[, depositor], amount] of [...K.Deposits.iterate(ctx, { prefix: [id] })]) {
      if (burn) burned += amount;
      else this.bank.sendFromModule(ctx, GOV_DEPOSITS, depositor, [{ denom: NXT_DENOM, amount }]);
      K.Deposits.delete(ctx, [id, depositor]);
    }
    if (burned > 0n) this.bank.burn(ctx, GOV_DEPOSITS, [{ denom: NXT_DENOM, amount: burned }]);
  }

  /** Σ deposits held for proposals still in their deposit or voting period (the invariant's other side). */
  depositsHeld(ctx: Ctx): bigint {
    let sum = 0n;
    for (const [, amount] of K.Deposits.iterate(ctx)) sum += amount;
    return sum;
  }
}

export function tallyRecord(t: TallyResult): TallyRecord {
  const s = (o: { yes: bigint; no: bigint; abstain: bigint; veto: bigint }) => Object.fromEntries(VOTE_OPTIONS.map((k) => [k, o[k].toString()])) as { yes: string; no: string; abstain: string; veto: string };
  return {
    ...s(t.totals),
    bonded: t.bonded.toString(),
    quorumReached: t.quorumReached,
    bandsApproved: t.bandsApproved,
    bandsRequired: t.bandsRequired,
    bands: t.bands.map((b) => ({ band: b.band, ...s(b), bonded: b.bonded.toString(), approved: b.approved })),
    outcome: t.outcome,
  };
}
