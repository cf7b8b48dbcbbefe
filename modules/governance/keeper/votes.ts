import type { Ctx } from "../../../runtime/modules/types.ts";
import { GovError } from "../errors.ts";
import type { StakingForGov } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import type { Proposal, VoteAgg } from "../records.ts";
import { VOTE_OPTIONS, type TallyValidator, type ValidatorVotes, type WeightedOption } from "../tally.ts";

const emptyAgg = (): VoteAgg => ({ deducted: 0n, yes: 0n, no: 0n, abstain: 0n, veto: 0n });

/**
 * Votes and what they hold, kept current as they happen so the end of voting costs
 * O(validators): a vote adds the voter's delegations to per-validator aggregates; a later vote
 * replaces them; staking's hook moves them when a voter's delegation changes during voting.
 * The aggregates equal what Cosmos's tally would compute from scratch at the end
 * (invariant "vote-aggregates", tally.ts aggregate()).
 */
export class VoteKeeper {
  constructor(private readonly staking: StakingForGov) {}

  private add(ctx: Ctx, id: number, validator: string, shares: bigint, options: readonly WeightedOption[], sign: 1n | -1n): void {
    const a = K.VoteAggs.get(ctx, [id, validator]) ?? emptyAgg();
    a.deducted += sign * shares;
    for (const o of options) a[o.option] += sign * shares * BigInt(o.weightBps);
    if (a.deducted === 0n && VOTE_OPTIONS.every((k) => a[k] === 0n)) K.VoteAggs.delete(ctx, [id, validator]);
    else K.VoteAggs.set(ctx, [id, validator], a);
  }

  /** Record (or replace) a vote; `requireStake` refuses a voter with no bonded stake (genesis import does not ask). */
  vote(ctx: Ctx, p: Proposal, voter: string, options: WeightedOption[], requireStake = true): void {
    const previous = K.Votes.get(ctx, [p.id, voter]);
    if (previous) {
      for (const [[, , validator], shares] of [...K.VoteShares.iterate(ctx, { prefix: [p.id, voter] })]) {
        this.add(ctx, p.id, validator, shares, previous.options as WeightedOption[], -1n);
        K.VoteShares.delete(ctx, [p.id, voter, validator]);
      }
    }
    const bonded = requireStake ? new Set(this.staking.bondedValidators(ctx).map((v) => v.operator)) : undefined;
    let hasStake = false;
    for (const d of this.staking.delegationsOf(ctx, voter)) {
      if (d.shares <= 0n) continue;
      if (bonded?.has(d.validator)) hasStake = true;
      this.add(ctx, p.id, d.validator, d.shares, options, 1n);
      K.VoteShares.set(ctx, [p.id, voter, d.validator], d.shares);
    }
    if (requireStake && !hasStake) throw new GovError("GOV_NO_STAKE", `${voter} has no stake bonded with an active validator: only bonded stake votes`, { voter });
    K.Votes.set(ctx, [p.id, voter], { options });
    K.VoterProposals.set(ctx, [voter, p.id], true);
  }

  /**
   * Staking's hook: `delegator`'s delegation to `validator` now holds `shares` (0: removed).
   * For each proposal still in voting the delegator voted on, move the difference; entries of
   * ended proposals are pruned on the way (a range scan of the delegator's few entries).
   */
  delegationModified(ctx: Ctx, delegator: string, validator: string, shares: bigint): void {
    for (const [[, id]] of [...K.VoterProposals.iterate(ctx, { prefix: [delegator] })]) {
      const p = K.Proposals.get(ctx, id);
      if (!p || p.status !== "voting_period") {
        K.VoterProposals.delete(ctx, [delegator, id]);
        for (const [key] of [...K.VoteShares.iterate(ctx, { prefix: [id, delegator] })]) K.VoteShares.delete(ctx, key);
        continue;
      }
      const vote = K.Votes.get(ctx, [id, delegator]);
      if (!vote) continue;
      const counted = K.VoteShares.get(ctx, [id, delegator, validator]) ?? 0n;
      if (counted === shares) continue;
      const options = vote.options as WeightedOption[];
      if (counted > 0n) this.add(ctx, id, validator, counted, options, -1n);
      if (shares > 0n) {
        this.add(ctx, id, validator, shares, options, 1n);
        K.VoteShares.set(ctx, [id, delegator, validator], shares);
      } else K.VoteShares.delete(ctx, [id, delegator, validator]);
    }
  }

  /** The tally's input: each bonded validator with its aggregate and its own vote. O(validators). */
  tallyInputs(ctx: Ctx, id: number, validators: readonly TallyValidator[] = this.staking.bondedValidators(ctx)): ValidatorVotes[] {
    return validators.map((v) => {
      const a = K.VoteAggs.get(ctx, [id, v.operator]) ?? emptyAgg();
      const own = K.Votes.get(ctx, [id, v.operator]);
      return {
        operator: v.operator,
        band: v.band,
        tokens: v.tokens,
        delegatorShares: v.delegatorShares,
        deductedShares: a.deducted,
        delegatorVotes: { yes: a.yes, no: a.no, abstain: a.abstain, veto: a.veto },
        ...(own ? { vote: own.options as WeightedOption[] } : {}),
      };
    });
  }

  /**
   * The invariant: the stored aggregates of an open proposal equal those recomputed from its
   * votes and the voters' delegations now (O(votes × delegations): tests and audits only).
   */
  aggregatesProblem(ctx: Ctx, id: number): string | null {
    const want = new Map<string, VoteAgg>();
    for (const [[, voter], v] of K.Votes.iterate(ctx, { prefix: [id] })) {
      for (const d of this.staking.delegationsOf(ctx, voter)) {
        if (d.shares <= 0n) continue;
        const a = want.get(d.validator) ?? emptyAgg();
        a.deducted += d.shares;
        for (const o of v.options as WeightedOption[]) a[o.option] += d.shares * BigInt(o.weightBps);
        want.set(d.validator, a);
      }
    }
    const show = (a: VoteAgg | undefined): string => (a ? [a.deducted, ...VOTE_OPTIONS.map((k) => a[k])].join("/") : "none");
    const have = new Map([...K.VoteAggs.iterate(ctx, { prefix: [id] })].map(([[, v], a]) => [v, a] as const));
    for (const v of new Set([...want.keys(), ...have.keys()])) {
      if (show(want.get(v)) !== show(have.get(v))) return `proposal ${id}, validator ${v}: stored vote aggregate ${show(have.get(v))}, recomputed ${show(want.get(v))}`;
    }
    return null;
  }

  /** A finished proposal's aggregates are not needed any more: O(validators) deletes. */
  clearAggregates(ctx: Ctx, id: number): void {
    for (const [key] of [...K.VoteAggs.iterate(ctx, { prefix: [id] })]) K.VoteAggs.delete(ctx, key);
  }
}
