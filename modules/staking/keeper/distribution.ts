import type { Ctx } from "../../../runtime/modules/types.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { StakingEvents } from "../events.ts";
import { StakingError } from "../errors.ts";
import type { BankForStaking } from "../expected-keepers.ts";
import { BPS, DISTRIBUTION_POOL, RATIO_SCALE, STAKE_DENOM, VALIDATOR_POOL } from "../params.ts";
import type { ActiveValidator, Delegation } from "../types.ts";
import type { StakingStore } from "./store.ts";

const coins = (amount: bigint): { denom: string; amount: bigint }[] => [{ denom: STAKE_DENOM, amount }];

/**
 * Pure: each member's part of `total`, floor(total × power / total power), in set order;
 * members whose part rounds to zero are left out. The parts sum to at most `total`.
 */
export function splitByPower(set: readonly { readonly operator: string; readonly power: bigint }[], total: bigint): { operator: string; amount: bigint }[] {
  let totalPower = 0n;
  for (const m of set) totalPower += m.power;
  if (total <= 0n || totalPower <= 0n) return [];
  const out: { operator: string; amount: bigint }[] = [];
  for (const m of set) {
    const r = (total * m.power) / totalPower;
    if (r > 0n) out.push({ operator: m.operator, amount: r });
  }
  return out;
}

/**
 * Block rewards, F1-style: each validator keeps a cumulative reward-per-share ratio; a
 * delegation remembers the ratio at its last settlement, so its pending reward is
 * shares × (ratio now − ratio then) and nothing ever walks delegations in a block hook.
 * Rewards sit in the "distribution" module account until withdrawn; each validator's
 * `outstanding` is its part of that balance.
 */
export class DistributionKeeper {
  constructor(
    private readonly store: StakingStore,
    private readonly bank: BankForStaking,
  ) {}

  /**
   * Block reward: move up to rewardPerBlock from validator_pool to the distribution account,
   * split across `set` by power (splitByPower: rounded down; the rounding remainder stays in
   * the pool). An empty pool pays nothing.
   */
  allocate(ctx: Ctx, set: readonly ActiveValidator[]): bigint {
    if (set.length === 0) return 0n;
    const p = this.store.params(ctx);
    const available = this.bank.balance(ctx, moduleAddress(VALIDATOR_POOL), STAKE_DENOM);
    const perBlock = BigInt(p.rewardPerBlock);
    const total = perBlock < available ? perBlock : available;
    const paid = this.pay(ctx, set, VALIDATOR_POOL, total);
    if (paid > 0n) ctx.emit(StakingEvents.Rewards, { height: String(ctx.block.height), amount: paid.toString(), validators: String(set.length) });
    return paid;
  }

  /**
   * Fees (or any other income another module routes to validators): `amount` from the module
   * account `fromModule` to the distribution account, split across `set` exactly as the block
   * reward is. Returns what was paid; the rounding remainder (and everything, for an empty set
   * or a set of zero power) stays in `fromModule`, for the caller to route.
   */
  allocateFrom(ctx: Ctx, set: readonly ActiveValidator[], fromModule: string, amount: bigint): bigint {
    if (amount < 0n) throw new StakingError("STAKING_INVALID_AMOUNT", `cannot distribute a negative amount (${amount})`, { from: fromModule });
    const available = this.bank.balance(ctx, moduleAddress(fromModule), STAKE_DENOM);
    if (available < amount) {
      throw new StakingError("STAKING_INVALID_AMOUNT", `module account ${fromModule} holds ${available}, asked to distribute ${amount}`, { from: fromModule, have: available.toString(), need: amount.toString() });
    }
    const paid = this.pay(ctx, set, fromModule, amount);
    if (paid > 0n) ctx.emit(StakingEvents.FeeRewards, { height: String(ctx.block.height), from: fromModule, amount: paid.toString(), validators: String(set.length) });
    return paid;
  }

  /**
   * The split both allocations share (F1): each member's part is floor(total × power / total
   * power); commission to the operator, the rest to the delegators' ratio. The paid sum moves
   * from `fromModule` to the distribution account in one transfer.
   */
  private pay(ctx: Ctx, set: readonly ActiveValidator[], fromModule: string, total: bigint): bigint {
    const parts = splitByPower(set, total);
    let paid = 0n;
    for (const { operator, amount: r } of parts) {
      const v = this.store.validator(ctx, operator);
      if (!v) continue; // cannot happen: validators are never deleted
      const d = this.store.dist(ctx, operator);
      let commission = (r * BigInt(v.commission.rateBps)) / BPS;
      const toDelegators = r - commission;
      if (v.delegatorShares === 0n) commission = r;
      else d.ratio += (toDelegators * RATIO_SCALE) / v.delegatorShares;
      d.commission += commission;
      d.outstanding += r;
      this.store.setDist(ctx, operator, d);
      paid += r;
    }
    if (paid > 0n) this.bank.send(ctx, moduleAddress(fromModule), moduleAddress(DISTRIBUTION_POOL), coins(paid));
    return paid;
  }

  /** Reward a delegation has earned and not withdrawn. */
  pending(ctx: Ctx, d: Delegation): bigint {
    const ratio = this.store.dist(ctx, d.validator).ratio;
    return (d.shares * (ratio - d.startRatio)) / RATIO_SCALE;
  }

  /**
   * Pay a delegation's pending reward to the delegator and restart its accrual at the current
   * ratio. Called before any change to the delegation's shares. Returns the amount paid.
   */
  settle(ctx: Ctx, delegator: string, op: string): bigint {
    const d = this.store.delegation(ctx, delegator, op);
    const dist = this.store.dist(ctx, op);
    if (!d) return 0n;
    const amount = (d.shares * (dist.ratio - d.startRatio)) / RATIO_SCALE;
    d.startRatio = dist.ratio;
    this.store.setDelegation(ctx, d);
    if (amount > 0n) {
      dist.outstanding -= amount;
      this.store.setDist(ctx, op, dist);
      this.bank.sendFromModule(ctx, DISTRIBUTION_POOL, delegator, coins(amount));
      ctx.emit(StakingEvents.WithdrawRewards, { delegator, validator: op, amount: amount.toString() });
    }
    return amount;
  }

  /** Current ratio of a validator: a new delegation starts accruing from here. */
  ratio(ctx: Ctx, op: string): bigint {
    return this.store.dist(ctx, op).ratio;
  }

  withdrawCommission(ctx: Ctx, op: string): bigint {
    const dist = this.store.dist(ctx, op);
    const amount = dist.commission;
    if (amount === 0n) return 0n;
    dist.commission = 0n;
    dist.outstanding -= amount;
    this.store.setDist(ctx, op, dist);
    this.bank.sendFromModule(ctx, DISTRIBUTION_POOL, op, coins(amount));
    ctx.emit(StakingEvents.WithdrawCommission, { validator: op, amount: amount.toString() });
    return amount;
  }
}
