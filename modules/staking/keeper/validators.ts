import type { Ctx } from "../../../runtime/modules/types.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { StakingError } from "../errors.ts";
import { StakingEvents } from "../events.ts";
import type { BankForStaking } from "../expected-keepers.ts";
import { BONDED_POOL, DAY_MS, NOT_BONDED_POOL, SHARES_PER_TOKEN, STAKE_DENOM } from "../params.ts";
import type { Validator } from "../types.ts";
import { ValidatorQueue } from "../keys.ts";
import type { StakingStore } from "./store.ts";

export interface CreateValidatorInput {
  operator: string;
  consensusPubKey: string;
  band: number;
  moniker: string;
  amount: bigint;
  commissionRateBps?: number;
  maxCommissionRateBps?: number;
  maxCommissionChangeRateBps?: number;
  minSelfDelegation?: bigint;
}

export interface EditValidatorInput {
  operator: string;
  moniker?: string;
  commissionRateBps?: number;
  minSelfDelegation?: bigint;
}

export function poolOf(v: Validator): string {
  return v.status === "bonded" ? BONDED_POOL : NOT_BONDED_POOL;
}

/** Shares a deposit of `amount` buys at the validator's current exchange rate. */
export function sharesForTokens(v: Validator, amount: bigint): bigint {
  if (v.delegatorShares === 0n) return amount * SHARES_PER_TOKEN;
  if (v.tokens === 0n) {
    throw new StakingError("STAKING_INVALID_EXCHANGE_RATE", `validator ${v.operator} has shares but no tokens (slashed to zero): it cannot take delegations`);
  }
  return (amount * v.delegatorShares) / v.tokens;
}

/** Shares needed to withdraw `amount` tokens (rounded up, so the delegator never gets more than it holds). */
export function sharesToWithdraw(v: Validator, amount: bigint): bigint {
  if (v.tokens === 0n) throw new StakingError("STAKING_INVALID_EXCHANGE_RATE", `validator ${v.operator} has no tokens left to withdraw`);
  return (amount * v.delegatorShares + v.tokens - 1n) / v.tokens;
}

/** Token value of `shares` of this validator (rounded down). */
export function tokensForShares(v: Validator, shares: bigint): bigint {
  if (v.delegatorShares === 0n) return 0n;
  return (shares * v.tokens) / v.delegatorShares;
}

const coins = (amount: bigint): { denom: string; amount: bigint }[] => [{ denom: STAKE_DENOM, amount }];

/** Validator records, exchange rates, pool moves and status transitions. */
export class ValidatorKeeper {
  constructor(
    private readonly store: StakingStore,
    private readonly bank: BankForStaking,
  ) {}

  get(ctx: Ctx, op: string): Validator | undefined {
    return this.store.validator(ctx, op);
  }

  mustGet(ctx: Ctx, op: string): Validator {
    const v = this.store.validator(ctx, op);
    if (!v) throw new StakingError("STAKING_VALIDATOR_NOT_FOUND", `no validator with operator ${op}`, { operator: op });
    return v;
  }

  /** A validator by operator address or by 64-hex consensus public key. */
  resolve(ctx: Ctx, id: string): Validator | undefined {
    if (/^[0-9a-fA-F]{64}$/.test(id)) {
      const op = this.store.operatorByPubKey(ctx, id.toLowerCase());
      return op ? this.store.validator(ctx, op) : undefined;
    }
    try {
      return this.store.validator(ctx, id);
    } catch {
      return undefined; // not an address at all
    }
  }

  /** Register the validator record (no tokens yet; the self-delegation follows). */
  create(ctx: Ctx, m: CreateValidatorInput): Validator {
    const p = this.store.params(ctx);
    if (this.store.validator(ctx, m.operator)) throw new StakingError("STAKING_VALIDATOR_EXISTS", `${m.operator} already operates a validator`);
    const pk = m.consensusPubKey.toLowerCase();
    const owner = this.store.operatorByPubKey(ctx, pk);
    if (owner) throw new StakingError("STAKING_PUBKEY_IN_USE", `consensus key ${pk} is already used by validator ${owner}`);
    const rate = m.commissionRateBps ?? p.defaultCommissionBps;
    const maxRate = m.maxCommissionRateBps ?? Math.max(p.defaultMaxCommissionBps, rate);
    const maxChange = m.maxCommissionChangeRateBps ?? Math.min(p.defaultMaxCommissionChangeBps, maxRate);
    if (rate > maxRate) throw new StakingError("STAKING_COMMISSION_INVALID", `commission rate ${rate} bps exceeds the maximum rate ${maxRate} bps`);
    if (maxChange > maxRate) throw new StakingError("STAKING_COMMISSION_INVALID", `maximum change rate ${maxChange} bps exceeds the maximum rate ${maxRate} bps`);
    const minSelf = m.minSelfDelegation ?? 1n;
    if (minSelf < 1n) throw new StakingError("STAKING_INVALID_AMOUNT", "minimum self-delegation must be at least 1 base unit");
    if (m.amount < minSelf) {
      throw new StakingError("STAKING_SELF_DELEGATION_TOO_LOW", `self-delegation ${m.amount} is below the declared minimum ${minSelf}`);
    }
    const v: Validator = {
      operator: m.operator,
      consensusPubKey: pk,
      band: m.band,
      moniker: m.moniker,
      commission: { rateBps: rate, maxRateBps: maxRate, maxChangeRateBps: maxChange, updateTime: ctx.block.time },
      minSelfDelegation: minSelf,
      status: "unbonded",
      jailed: false,
      tombstoned: false,
      jailedUntil: 0,
      tokens: 0n,
      delegatorShares: 0n,
      createdHeight: ctx.block.height,
      unbondingCompletionTime: 0,
    };
    this.store.setValidator(ctx, v);
    this.store.setPubKeyIndex(ctx, pk, m.operator);
    ctx.emit(StakingEvents.CreateValidator, { operator: m.operator, band: String(m.band), consensusPubKey: pk, commissionBps: String(rate) });
    return v;
  }

  /** Cosmos rules: rate ≤ max, change ≤ maxChange, at most once per 24 h; min self-delegation only rises. */
  edit(ctx: Ctx, m: EditValidatorInput, selfDelegationTokens: bigint): Validator {
    const v = this.mustGet(ctx, m.operator);
    if (m.moniker !== undefined) v.moniker = m.moniker;
    if (m.commissionRateBps !== undefined && m.commissionRateBps !== v.commission.rateBps) {
      const c = v.commission;
      if (ctx.block.time - c.updateTime < DAY_MS) {
        throw new StakingError("STAKING_COMMISSION_CHANGE_TOO_SOON", `commission was changed at ${c.updateTime}; the next change is allowed from ${c.updateTime + DAY_MS} (block time)`);
      }
      if (m.commissionRateBps > c.maxRateBps) throw new StakingError("STAKING_COMMISSION_INVALID", `commission ${m.commissionRateBps} bps exceeds the maximum ${c.maxRateBps} bps`);
      if (Math.abs(m.commissionRateBps - c.rateBps) > c.maxChangeRateBps) {
        throw new StakingError("STAKING_COMMISSION_CHANGE_TOO_LARGE", `commission may move by at most ${c.maxChangeRateBps} bps per day (from ${c.rateBps} to ${m.commissionRateBps} requested)`);
      }
      v.commission = { ...c, rateBps: m.commissionRateBps, updateTime: ctx.block.time };
    }
    if (m.minSelfDelegation !== undefined) {
      if (m.minSelfDelegation < v.minSelfDelegation) {
        throw new StakingError("STAKING_MIN_SELF_DELEGATION_DECREASED", `minimum self-delegation may only increase (${v.minSelfDelegation} → ${m.minSelfDelegation})`);
      }
      if (m.minSelfDelegation > selfDelegationTokens) {
        throw new StakingError("STAKING_SELF_DELEGATION_TOO_LOW", `minimum self-delegation ${m.minSelfDelegation} exceeds the current self-delegation ${selfDelegationTokens}`);
      }
      v.minSelfDelegation = m.minSelfDelegation;
    }
    this.store.setValidator(ctx, v);
    ctx.emit(StakingEvents.EditValidator, { operator: v.operator, commissionBps: String(v.commission.rateBps) });
    return v;
  }

  /** Add tokens (already in the validator's pool) and issue shares for them. */
  addTokens(ctx: Ctx, v: Validator, amount: bigint): bigint {
    const shares = sharesForTokens(v, amount);
    if (shares === 0n) throw new StakingError("STAKING_INVALID_AMOUNT", `${amount} base units buy no shares of ${v.operator} at its current exchange rate`);
    v.tokens += amount;
    v.delegatorShares += shares;
    this.store.setValidator(ctx, v);
    return shares;
  }

  /** Retire shares and return the tokens they were worth (still in the validator's pool). */
  removeShares(ctx: Ctx, v: Validator, shares: bigint): bigint {
    const tokens = shares === v.delegatorShares ? v.tokens : tokensForShares(v, shares);
    v.delegatorShares -= shares;
    v.tokens -= tokens;
    this.store.setValidator(ctx, v);
    return tokens;
  }

  /** Move stake between module accounts (no-op when source and destination coincide or amount is 0). */
  movePool(ctx: Ctx, from: string, to: string, amount: bigint): void {
    if (from === to || amount === 0n) return;
    this.bank.send(ctx, moduleAddress(from), moduleAddress(to), coins(amount));
  }

  /** Burn stake held by a pool. */
  burnFromPool(ctx: Ctx, pool: string, amount: bigint): void {
    if (amount === 0n) return;
    this.bank.burn(ctx, pool, coins(amount)); // bank checks the pool's "burner" permission
  }

  jail(ctx: Ctx, v: Validator, until: number, reason: string): void {
    v.jailed = true;
    v.jailedUntil = Math.max(v.jailedUntil, until);
    this.store.setValidator(ctx, v);
    ctx.emit(StakingEvents.Jail, { operator: v.operator, until: String(v.jailedUntil), reason });
  }

  /** Enter the active set: tokens move to bonded_pool. */
  bond(ctx: Ctx, v: Validator): void {
    if (v.status === "unbonding") ValidatorQueue.remove(ctx, v.unbondingCompletionTime, v.operator);
    this.movePool(ctx, NOT_BONDED_POOL, BONDED_POOL, v.tokens);
    v.status = "bonded";
    v.unbondingCompletionTime = 0;
    this.store.setValidator(ctx, v);
    ctx.emit(StakingEvents.ValidatorBonded, { operator: v.operator, tokens: v.tokens.toString() });
  }

  /** Leave the active set: tokens move to not_bonded_pool; unbonded after the unbonding time. */
  beginUnbonding(ctx: Ctx, v: Validator): void {
    const done = ctx.block.time + this.store.params(ctx).unbondingTimeMs;
    this.movePool(ctx, BONDED_POOL, NOT_BONDED_POOL, v.tokens);
    v.status = "unbonding";
    v.unbondingCompletionTime = done;
    this.store.setValidator(ctx, v);
    ValidatorQueue.enqueue(ctx, done, v.operator, true);
    ctx.emit(StakingEvents.ValidatorUnbonding, { operator: v.operator, completionTime: String(done) });
  }
}
