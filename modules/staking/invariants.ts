import type { Ctx } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { StakingKeeper } from "./keeper/staking-keeper.ts";
import { BONDED_POOL, DISTRIBUTION_POOL, NOT_BONDED_POOL, STAKE_DENOM } from "./params.ts";

type Invariant = (ctx: Ctx) => string | null;

/** Walk every validator, delegation and entry: dev mode and tests only. */
export function stakingInvariants(keeper: StakingKeeper): Record<string, Invariant> {
  const balance = (ctx: Ctx, m: string): bigint => keeper.bank.balance(ctx, moduleAddress(m), STAKE_DENOM);
  return {
    /** bonded_pool holds exactly the bonded validators' tokens. */
    "bonded-pool": (ctx) => {
      let sum = 0n;
      for (const v of keeper.allValidators(ctx)) if (v.status === "bonded") sum += v.tokens;
      const bal = balance(ctx, BONDED_POOL);
      return bal === sum ? null : `bonded_pool holds ${bal} but bonded validators have ${sum} tokens`;
    },
    /** not_bonded_pool holds the tokens of unbonding/unbonded validators plus every unbonding entry. */
    "not-bonded-pool": (ctx) => {
      let vals = 0n;
      for (const v of keeper.allValidators(ctx)) if (v.status !== "bonded") vals += v.tokens;
      let entries = 0n;
      for (const e of keeper.delegations.allUnbondings(ctx)) entries += e.balance;
      const bal = balance(ctx, NOT_BONDED_POOL);
      return bal === vals + entries ? null : `not_bonded_pool holds ${bal} but non-bonded validators have ${vals} and unbonding entries ${entries}`;
    },
    /** Each validator's delegator shares are the sum of its delegations' shares. */
    "delegator-shares": (ctx) => {
      const sums = new Map<string, bigint>();
      for (const d of keeper.store.allDelegations(ctx)) {
        if (d.shares <= 0n) return `delegation ${d.delegator} → ${d.validator} has ${d.shares} shares`;
        sums.set(d.validator, (sums.get(d.validator) ?? 0n) + d.shares);
      }
      for (const v of keeper.allValidators(ctx)) {
        const s = sums.get(v.operator) ?? 0n;
        if (s !== v.delegatorShares) return `validator ${v.operator} has ${v.delegatorShares} shares but its delegations sum to ${s}`;
        if (v.delegatorShares === 0n && v.tokens !== 0n) return `validator ${v.operator} has ${v.tokens} tokens and no shares`;
      }
      return null;
    },
    /** No negative amounts anywhere. */
    "non-negative": (ctx) => {
      for (const v of keeper.allValidators(ctx)) if (v.tokens < 0n || v.delegatorShares < 0n) return `validator ${v.operator} has negative tokens or shares`;
      for (const e of keeper.delegations.allUnbondings(ctx)) if (e.balance < 0n || e.balance > e.initialBalance) return `unbonding entry ${e.id} has balance ${e.balance}`;
      return null;
    },
    /** The distribution account holds exactly what validators' outstanding rewards add up to. */
    "distribution-outstanding": (ctx) => {
      let sum = 0n;
      for (const v of keeper.allValidators(ctx)) {
        const d = keeper.store.dist(ctx, v.operator);
        if (d.commission < 0n || d.outstanding < d.commission) return `validator ${v.operator}: commission ${d.commission}, outstanding ${d.outstanding}`;
        sum += d.outstanding;
      }
      const bal = balance(ctx, DISTRIBUTION_POOL);
      return bal === sum ? null : `distribution holds ${bal} but outstanding rewards sum to ${sum}`;
    },
    /** What delegators can withdraw from a validator never exceeds its outstanding rewards less commission. */
    "rewards-covered": (ctx) => {
      const owed = new Map<string, bigint>();
      for (const d of keeper.store.allDelegations(ctx)) owed.set(d.validator, (owed.get(d.validator) ?? 0n) + keeper.distribution.pending(ctx, d));
      for (const [op, sum] of [...owed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const d = keeper.store.dist(ctx, op);
        if (sum > d.outstanding - d.commission) return `validator ${op}: delegators are owed ${sum} but only ${d.outstanding - d.commission} is outstanding`;
      }
      return null;
    },
  };
}
