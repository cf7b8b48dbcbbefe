/**
 * The tally as a pure function over the stake a proposal's voters hold (Cosmos x/gov's
 * tally, plus NexusOS's band-diversity rule), so it is tested without a store. The keeper
 * collects the inputs; docs/governance.md explains every step.
 *
 * Cost at the end of voting: O(validators). The work per vote and per delegation change is
 * done when they happen (keeper/votes.ts keeps ValidatorVotes current).
 */

export type VoteOption = "yes" | "no" | "abstain" | "veto";
export const VOTE_OPTIONS: readonly VoteOption[] = ["yes", "no", "abstain", "veto"];

/** A weighted vote: weights in basis points summing to 10 000 (a plain vote is one option at 10 000). */
export interface WeightedOption {
  readonly option: VoteOption;
  readonly weightBps: number;
}

export interface TallyVote {
  readonly voter: string;
  readonly options: readonly WeightedOption[];
}

/** A bonded validator: only the active stake votes. */
export interface TallyValidator {
  readonly operator: string;
  /** Declared spectral band 1..7. */
  readonly band: number;
  readonly tokens: bigint;
  readonly delegatorShares: bigint;
}

export interface TallyDelegation {
  readonly validator: string;
  readonly shares: bigint;
}

/** What a proposal's band asks of the tally, in basis points. */
export interface BandRule {
  readonly quorumBps: number;
  readonly thresholdBps: number;
  readonly vetoBps: number;
  /** Populated validator bands that must approve: min(this, populated). */
  readonly minBandApprovals: number;
}

export interface OptionSums {
  yes: bigint;
  no: bigint;
  abstain: bigint;
  veto: bigint;
}

export interface BandTally extends OptionSums {
  readonly band: number;
  /** Bonded stake of the band's validators (the band's whole electorate). */
  readonly bonded: bigint;
  approved: boolean;
}

export type TallyOutcome = "passed" | "rejected" | "vetoed" | "no_quorum";

export interface TallyResult {
  readonly totals: OptionSums;
  /** Stake that voted (all four options). */
  readonly voted: bigint;
  /** Bonded stake of the active validators: the quorum's denominator. */
  readonly bonded: bigint;
  readonly bands: BandTally[];
  readonly bandsRequired: number;
  readonly bandsApproved: number;
  readonly quorumReached: boolean;
  readonly outcome: TallyOutcome;
  /** Deposits are burned (veto, or no quorum when burnOnNoQuorum). */
  readonly burnDeposits: boolean;
}

const zero = (): OptionSums => ({ yes: 0n, no: 0n, abstain: 0n, veto: 0n });

function addWeighted(into: OptionSums, options: readonly WeightedOption[], power: bigint): void {
  for (const o of options) into[o.option] += (power * BigInt(o.weightBps)) / 10_000n;
}

/** Whether yes exceeds `thresholdBps` of the non-abstaining votes (strictly), with at least one such vote. */
export function passesThreshold(s: OptionSums, thresholdBps: number): boolean {
  const nonAbstain = s.yes + s.no + s.veto;
  return nonAbstain > 0n && s.yes * 10_000n > BigInt(thresholdBps) * nonAbstain;
}

/**
 * What the tally needs per validator, kept up to date as votes arrive and delegations change
 * (keeper/votes.ts), so ending a proposal reads one record per validator instead of every
 * voter's delegations.
 */
export interface ValidatorVotes extends TallyValidator {
  /** Shares of delegators who voted themselves: taken out of the validator's own vote. */
  readonly deductedShares: bigint;
  /** Those delegators' votes: Σ shares × weightBps per option. */
  readonly delegatorVotes: OptionSums;
  /** The validator's own vote, when it voted. */
  readonly vote?: readonly WeightedOption[];
}

/** Aggregate raw votes the way the keeper does incrementally (the reference the keeper must match). */
export function aggregate(input: {
  readonly validators: readonly TallyValidator[];
  readonly votes: readonly TallyVote[];
  readonly delegationsOf: (voter: string) => Iterable<TallyDelegation>;
}): ValidatorVotes[] {
  const out = new Map<string, { deductedShares: bigint; delegatorVotes: OptionSums; vote?: readonly WeightedOption[] }>();
  for (const v of input.validators) out.set(v.operator, { deductedShares: 0n, delegatorVotes: zero() });
  for (const vote of input.votes) {
    const own = out.get(vote.voter);
    if (own) own.vote = vote.options;
    for (const d of input.delegationsOf(vote.voter)) {
      const a = out.get(d.validator);
      if (!a || d.shares <= 0n) continue;
      a.deductedShares += d.shares;
      for (const o of vote.options) a.delegatorVotes[o.option] += d.shares * BigInt(o.weightBps);
    }
  }
  return input.validators.map((v) => ({ ...v, ...out.get(v.operator)! }));
}

/** Cosmos-shaped entry point: raw votes and each voter's delegations (tests, tools). */
export function tally(input: {
  readonly validators: readonly TallyValidator[];
  readonly votes: readonly TallyVote[];
  readonly delegationsOf: (voter: string) => Iterable<TallyDelegation>;
  readonly rule: BandRule;
  readonly burnOnNoQuorum: boolean;
}): TallyResult {
  return tallyAggregated({ validators: aggregate(input), rule: input.rule, burnOnNoQuorum: input.burnOnNoQuorum });
}

/**
 * The tally over per-validator aggregates: O(validators). A delegator's own vote counts its
 * shares at its validator's exchange rate and takes them out of the validator's vote (the
 * validator voted for it only until it spoke for itself).
 */
export function tallyAggregated(input: { readonly validators: readonly ValidatorVotes[]; readonly rule: BandRule; readonly burnOnNoQuorum: boolean }): TallyResult {
  const totals = zero();
  const byBand = new Map<number, BandTally>();
  const bandOf = (b: number): BandTally => {
    let t = byBand.get(b);
    if (!t) byBand.set(b, (t = { band: b, ...zero(), bonded: 0n, approved: false }));
    return t;
  };
  let bonded = 0n;
  for (const v of input.validators) {
    if (v.tokens <= 0n || v.delegatorShares <= 0n) continue;
    bonded += v.tokens;
    const band = bandOf(v.band) as BandTally & { bonded: bigint };
    band.bonded += v.tokens;
    // Delegators' own votes: Σ shares·bps → power, at this validator's exchange rate.
    const den = v.delegatorShares * 10_000n;
    for (const o of VOTE_OPTIONS) {
      const power = (v.delegatorVotes[o] * v.tokens) / den;
      totals[o] += power;
      band[o] += power;
    }
    if (!v.vote) continue;
    const shares = v.delegatorShares - v.deductedShares;
    if (shares <= 0n) continue;
    const power = (shares * v.tokens) / v.delegatorShares;
    addWeighted(totals, v.vote, power);
    addWeighted(band, v.vote, power);
  }

  const { rule } = input;
  const bands = [...byBand.values()].filter((b) => b.bonded > 0n).sort((a, b) => a.band - b.band);
  for (const b of bands) b.approved = passesThreshold(b, rule.thresholdBps);
  const bandsRequired = Math.min(rule.minBandApprovals, bands.length);
  const bandsApproved = bands.filter((b) => b.approved).length;
  const voted = totals.yes + totals.no + totals.abstain + totals.veto;
  const quorumReached = bonded > 0n && voted * 10_000n >= BigInt(rule.quorumBps) * bonded;

  let outcome: TallyOutcome;
  if (!quorumReached) outcome = "no_quorum";
  else if (voted > 0n && totals.veto * 10_000n > BigInt(rule.vetoBps) * voted) outcome = "vetoed";
  else if (passesThreshold(totals, rule.thresholdBps) && bandsApproved >= bandsRequired) outcome = "passed";
  else outcome = "rejected";
  const burnDeposits = outcome === "vetoed" || (outcome === "no_quorum" && input.burnOnNoQuorum);
  return { totals, voted, bonded, bands, bandsRequired, bandsApproved, quorumReached, outcome, burnDeposits };
}
