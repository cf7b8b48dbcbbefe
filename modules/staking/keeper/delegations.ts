import type { Ctx } from "../../../runtime/modules/types.ts";
import { StakingError } from "../errors.ts";
import { StakingEvents } from "../events.ts";
import type { BankForStaking } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import { BONDED_POOL, DEFAULT_MAX_VALIDATOR_POWER_BPS, DEFAULT_NON_DOMINANCE_MIN_VALIDATORS, NOT_BONDED_POOL, STAKE_DENOM } from "../params.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { RedelegationEntry, UnbondingEntry, Validator } from "../types.ts";
import type { StakingStore } from "./store.ts";
import { poolOf, sharesToWithdraw, tokensForShares, type ValidatorKeeper } from "./validators.ts";
import type { DistributionKeeper } from "./distribution.ts";

/** Delegate, undelegate (7-day queue), redelegate, and draining the matured queues. */
export class DelegationKeeper {
  constructor(
    private readonly store: StakingStore,
    private readonly bank: BankForStaking,
    private readonly validators: ValidatorKeeper,
    private readonly dist: DistributionKeeper,
  ) {}

  /** Token value of a delegation now. */
  delegationTokens(ctx: Ctx, del: string, op: string): bigint {
    const d = this.store.delegation(ctx, del, op);
    const v = this.store.validator(ctx, op);
    return d && v ? tokensForShares(v, d.shares) : 0n;
  }

  delegate(ctx: Ctx, del: string, op: string, amount: bigint): bigint {
    if (amount <= 0n) throw new StakingError("STAKING_INVALID_AMOUNT", "delegation amount must be positive");
    const v = this.validators.mustGet(ctx, op);
    if (v.tombstoned) throw new StakingError("STAKING_TOMBSTONED", `validator ${op} is tombstoned for double signing and can take no delegations`);
    this.checkNonDominance(ctx, v, amount);
    this.dist.settle(ctx, del, op);
    this.bank.sendToModule(ctx, del, poolOf(v), [{ denom: STAKE_DENOM, amount }]);
    const shares = this.validators.addTokens(ctx, v, amount);
    this.addShares(ctx, del, op, shares);
    ctx.emit(StakingEvents.Delegate, { delegator: del, validator: op, amount: amount.toString(), shares: shares.toString() });
    return shares;
  }

  /**
   * Non-dominance: once enough validators are bonded for a 5% cap to be meetable, a bonded
   * validator whose stake would pass the cap takes no more. Two reads of the power index and
   * one balance: the bonded pool holds exactly the bonded validators' tokens.
   */
  private checkNonDominance(ctx: Ctx, v: Validator, amount: bigint): void {
    if (v.status !== "bonded") return;
    const p = this.store.params(ctx);
    const capBps = BigInt(p.maxValidatorPowerBps ?? DEFAULT_MAX_VALIDATOR_POWER_BPS);
    const minVals = p.nonDominanceMinValidators ?? DEFAULT_NON_DOMINANCE_MIN_VALIDATORS;
    if (this.store.topByPower(ctx, minVals).length < minVals) return;
    const total = this.bank.balance(ctx, moduleAddress(BONDED_POOL), STAKE_DENOM) + amount;
    const after = v.tokens + amount;
    if (after * 10_000n > capBps * total) {
      throw new StakingError("STAKING_DOMINANT_VALIDATOR", `validator ${v.operator} would hold ${(after * 10_000n) / total} bps of bonded stake, above the non-dominance cap of ${capBps} bps: delegate to another validator`, { validator: v.operator });
    }
  }

  private addShares(ctx: Ctx, del: string, op: string, shares: bigint): void {
    const d = this.store.delegation(ctx, del, op) ?? { delegator: del, validator: op, shares: 0n, startRatio: 0n };
    d.shares += shares;
    d.startRatio = this.dist.ratio(ctx, op); // settled just before, so nothing is lost
    this.store.setDelegation(ctx, d);
  }

  /** Settle rewards and retire the shares worth `amount`; returns the tokens (still in the validator's pool). */
  private unbondAmount(ctx: Ctx, del: string, v: Validator, amount: bigint): bigint {
    if (amount <= 0n) throw new StakingError("STAKING_INVALID_AMOUNT", "amount must be positive");
    const d = this.store.delegation(ctx, del, v.operator);
    if (!d) throw new StakingError("STAKING_DELEGATION_NOT_FOUND", `${del} has no delegation to ${v.operator}`);
    const shares = sharesToWithdraw(v, amount);
    if (shares > d.shares) {
      throw new StakingError("STAKING_INSUFFICIENT_SHARES", `${del} has ${tokensForShares(v, d.shares)} delegated to ${v.operator}, asked for ${amount}`, {
        delegated: tokensForShares(v, d.shares).toString(),
      });
    }
    this.dist.settle(ctx, del, v.operator);
    const settled = this.store.delegation(ctx, del, v.operator)!;
    settled.shares -= shares;
    this.store.setDelegation(ctx, settled);
    const tokens = this.validators.removeShares(ctx, v, shares);
    // An operator whose self-delegation falls below its declared minimum is jailed (Cosmos).
    if (del === v.operator && !v.jailed && tokensForShares(v, settled.shares) < v.minSelfDelegation) {
      this.validators.jail(ctx, v, ctx.block.time, "self-delegation below minimum");
    }
    return tokens;
  }

  undelegate(ctx: Ctx, del: string, op: string, amount: bigint): UnbondingEntry | undefined {
    const p = this.store.params(ctx);
    const v = this.validators.mustGet(ctx, op);
    if (this.store.count(ctx, K.UnbondingCounts, [del, op]) >= p.maxEntries) {
      throw new StakingError("STAKING_TOO_MANY_ENTRIES", `${del} already has ${p.maxEntries} unbondings from ${op} in flight; wait for one to mature`);
    }
    const pool = poolOf(v);
    const tokens = this.unbondAmount(ctx, del, v, amount);
    this.validators.movePool(ctx, pool, NOT_BONDED_POOL, tokens);
    ctx.emit(StakingEvents.Undelegate, { delegator: del, validator: op, amount: tokens.toString() });
    if (tokens === 0n) return undefined;
    const e: UnbondingEntry = {
      id: this.store.nextId(ctx),
      delegator: del,
      validator: op,
      creationHeight: ctx.block.height,
      completionTime: ctx.block.time + p.unbondingTimeMs,
      initialBalance: tokens,
      balance: tokens,
    };
    K.Unbondings.enqueue(ctx, e.completionTime, e.id, e); // and its by-delegator / by-validator index entries
    this.store.addCount(ctx, K.UnbondingCounts, [del, op], 1);
    return e;
  }

  redelegate(ctx: Ctx, del: string, src: string, dst: string, amount: bigint): RedelegationEntry | undefined {
    const p = this.store.params(ctx);
    if (src === dst) throw new StakingError("STAKING_SELF_REDELEGATION", "source and destination validators are the same");
    const vs = this.validators.mustGet(ctx, src);
    const vd = this.validators.mustGet(ctx, dst);
    if (vd.tombstoned) throw new StakingError("STAKING_TOMBSTONED", `validator ${dst} is tombstoned and can take no delegations`);
    this.checkNonDominance(ctx, vd, amount);
    if (this.store.count(ctx, K.RedelegationsInto, [del, src]) > 0) {
      throw new StakingError("STAKING_TRANSITIVE_REDELEGATION", `${del} has a redelegation into ${src} still in progress; it cannot be redelegated onward until it completes`);
    }
    if (this.store.count(ctx, K.RedelegationCounts, [del, src, dst]) >= p.maxEntries) {
      throw new StakingError("STAKING_TOO_MANY_ENTRIES", `${del} already has ${p.maxEntries} redelegations from ${src} to ${dst} in flight`);
    }
    const srcPool = poolOf(vs);
    const srcStatus = vs.status;
    const tokens = this.unbondAmount(ctx, del, vs, amount);
    if (tokens === 0n) throw new StakingError("STAKING_INVALID_AMOUNT", `amount ${amount} is worth no tokens at ${src}'s exchange rate`);
    const vd2 = this.validators.mustGet(ctx, dst); // re-read: unbondAmount may have touched nothing of dst, but be exact
    this.dist.settle(ctx, del, dst);
    this.validators.movePool(ctx, srcPool, poolOf(vd2), tokens);
    const sharesDst = this.validators.addTokens(ctx, vd2, tokens);
    this.addShares(ctx, del, dst, sharesDst);
    ctx.emit(StakingEvents.Redelegate, { delegator: del, src, dst, amount: tokens.toString() });
    // Stake leaving an unbonded validator was not at risk: the move completes at once (Cosmos).
    if (srcStatus === "unbonded") return undefined;
    const e: RedelegationEntry = {
      id: this.store.nextId(ctx),
      delegator: del,
      src,
      dst,
      creationHeight: ctx.block.height,
      completionTime: ctx.block.time + p.unbondingTimeMs,
      initialBalance: tokens,
      sharesDst,
    };
    K.Redelegations.enqueue(ctx, e.completionTime, e.id, e);
    this.store.addCount(ctx, K.RedelegationsInto, [del, dst], 1);
    this.store.addCount(ctx, K.RedelegationCounts, [del, src, dst], 1);
    return e;
  }

  // ---- entries ---------------------------------------------------------------------------------

  unbonding(ctx: Ctx, time: number, id: number): UnbondingEntry | undefined {
    return K.Unbondings.get(ctx, time, id);
  }

  setUnbonding(ctx: Ctx, e: UnbondingEntry): void {
    K.Unbondings.set(ctx, e.completionTime, e.id, e);
  }

  redelegation(ctx: Ctx, time: number, id: number): RedelegationEntry | undefined {
    return K.Redelegations.get(ctx, time, id);
  }

  setRedelegation(ctx: Ctx, e: RedelegationEntry): void {
    K.Redelegations.set(ctx, e.completionTime, e.id, e);
  }

  *allRedelegations(ctx: Ctx): Iterable<RedelegationEntry> {
    for (const [, e] of K.Redelegations.iterate(ctx)) yield e;
  }

  *allUnbondings(ctx: Ctx): Iterable<UnbondingEntry> {
    for (const [, e] of K.Unbondings.iterate(ctx)) yield e;
  }

  *unbondingsOf(ctx: Ctx, del: string): Iterable<UnbondingEntry> {
    for (const [, e] of K.UnbondingsByDelegator.iterate(ctx, { prefix: [del] })) yield e;
  }

  *unbondingsFrom(ctx: Ctx, op: string): Iterable<UnbondingEntry> {
    for (const [, e] of K.UnbondingsByValidator.iterate(ctx, { prefix: [op] })) yield e;
  }

  *redelegationsOf(ctx: Ctx, del: string): Iterable<RedelegationEntry> {
    for (const [, e] of K.RedelegationsByDelegator.iterate(ctx, { prefix: [del] })) yield e;
  }

  *redelegationsFrom(ctx: Ctx, src: string): Iterable<RedelegationEntry> {
    for (const [, e] of K.RedelegationsBySource.iterate(ctx, { prefix: [src] })) yield e;
  }

  // ---- maturity (end-block): only matured entries are read, at most `budget` of them -------------

  matureUnbondings(ctx: Ctx, budget: number): number {
    const due = K.Unbondings.popDue(ctx, ctx.block.time, budget);
    for (const { value: e } of due) {
      if (e.balance > 0n) this.bank.sendFromModule(ctx, NOT_BONDED_POOL, e.delegator, [{ denom: STAKE_DENOM, amount: e.balance }]);
      this.store.addCount(ctx, K.UnbondingCounts, [e.delegator, e.validator], -1);
      ctx.emit(StakingEvents.UnbondingMatured, { delegator: e.delegator, validator: e.validator, amount: e.balance.toString() });
    }
    return due.length;
  }

  matureRedelegations(ctx: Ctx, budget: number): number {
    const due = K.Redelegations.popDue(ctx, ctx.block.time, budget);
    for (const { value: e } of due) {
      this.store.addCount(ctx, K.RedelegationsInto, [e.delegator, e.dst], -1);
      this.store.addCount(ctx, K.RedelegationCounts, [e.delegator, e.src, e.dst], -1);
      ctx.emit(StakingEvents.RedelegationMatured, { delegator: e.delegator, src: e.src, dst: e.dst });
    }
    return due.length;
  }

  /** Unbonding validators whose time has come become unbonded. */
  matureValidators(ctx: Ctx, budget: number): number {
    const due = K.ValidatorQueue.popDue(ctx, ctx.block.time, budget);
    for (const { id: operator } of due) {
      const v = this.store.validator(ctx, operator);
      if (v && v.status === "unbonding") {
        v.status = "unbonded";
        v.unbondingCompletionTime = 0;
        this.store.setValidator(ctx, v);
        ctx.emit(StakingEvents.ValidatorUnbonded, { operator: v.operator });
      }
    }
    return due.length;
  }
}
