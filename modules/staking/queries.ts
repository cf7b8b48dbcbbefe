import type { QueryDef } from "../../runtime/modules/types.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import type { StakingKeeper } from "./keeper/staking-keeper.ts";
import type { ActiveValidator, Delegation, RedelegationEntry, UnbondingEntry, Validator } from "./types.ts";
import { BONDED_POOL, DISTRIBUTION_POOL, NOT_BONDED_POOL, STAKE_DENOM, VALIDATOR_POOL } from "./params.ts";

const q = (name: string, properties: Record<string, unknown>, required: string[]) =>
  ({ $id: `https://nexusos.dev/schemas/staking.v1.Query${name}.json`, type: "object", properties, required, additionalProperties: false }) as const;
const address = { type: "string", pattern: ADDRESS_PATTERN } as const;

/** JSON views: amounts as decimal strings. */
export function validatorJson(v: Validator): Record<string, unknown> {
  return { ...v, minSelfDelegation: v.minSelfDelegation.toString(), tokens: v.tokens.toString(), delegatorShares: v.delegatorShares.toString() };
}

export function unbondingJson(e: UnbondingEntry): Record<string, unknown> {
  return { ...e, initialBalance: e.initialBalance.toString(), balance: e.balance.toString() };
}

export function redelegationJson(e: RedelegationEntry): Record<string, unknown> {
  return { ...e, initialBalance: e.initialBalance.toString(), sharesDst: e.sharesDst.toString() };
}

const memberJson = (m: ActiveValidator): Record<string, unknown> => ({ ...m, power: m.power.toString() });

export function stakingQueries(keeper: StakingKeeper): Record<string, QueryDef> {
  const delegationJson = (ctx: Parameters<QueryDef["handle"]>[0], d: Delegation): Record<string, unknown> => {
    const v = keeper.validator(ctx, d.validator);
    return {
      delegator: d.delegator,
      validator: d.validator,
      shares: d.shares.toString(),
      tokens: (v ? keeper.tokensForShares(v, d.shares) : 0n).toString(),
      pendingRewards: keeper.pendingRewards(ctx, d.delegator, d.validator).toString(),
    };
  };
  return {
    validator: {
      schema: q("Validator", { operator: address }, ["operator"]),
      handle: (ctx, p: { operator: string }) => {
        const v = keeper.validator(ctx, p.operator);
        return v ? validatorJson(v) : null;
      },
    },
    validators: {
      schema: q("Validators", { status: { type: "string", enum: ["bonded", "unbonding", "unbonded"] } }, []),
      handle: (ctx, p: { status?: string }) => [...keeper.allValidators(ctx)].filter((v) => !p.status || v.status === p.status).map(validatorJson),
    },
    delegation: {
      schema: q("Delegation", { delegator: address, validator: address }, ["delegator", "validator"]),
      handle: (ctx, p: { delegator: string; validator: string }) => {
        const d = keeper.delegation(ctx, p.delegator, p.validator);
        return d ? delegationJson(ctx, d) : null;
      },
    },
    delegations: {
      schema: q("Delegations", { delegator: address }, ["delegator"]),
      handle: (ctx, p: { delegator: string }) => [...keeper.store.delegationsOf(ctx, p.delegator)].map((d) => delegationJson(ctx, d)),
    },
    validatorDelegations: {
      schema: q("ValidatorDelegations", { validator: address, limit: { type: "integer", minimum: 1, maximum: 1000 } }, ["validator"]),
      handle: (ctx, p: { validator: string; limit?: number }) => [...keeper.store.delegationsTo(ctx, p.validator, p.limit ?? 100)].map((d) => delegationJson(ctx, d)),
    },
    unbonding: {
      schema: q("Unbonding", { delegator: address }, ["delegator"]),
      handle: (ctx, p: { delegator: string }) => [...keeper.delegations.unbondingsOf(ctx, p.delegator)].map(unbondingJson),
    },
    redelegations: {
      schema: q("Redelegations", { delegator: address }, ["delegator"]),
      handle: (ctx, p: { delegator: string }) => [...keeper.delegations.redelegationsOf(ctx, p.delegator)].map(redelegationJson),
    },
    rewards: {
      schema: q("Rewards", { delegator: address, validator: address }, ["delegator", "validator"]),
      handle: (ctx, p: { delegator: string; validator: string }) => {
        const dist = keeper.store.dist(ctx, p.validator);
        return {
          pending: keeper.pendingRewards(ctx, p.delegator, p.validator).toString(),
          commission: p.delegator === p.validator ? dist.commission.toString() : "0",
        };
      },
    },
    commission: {
      schema: q("Commission", { operator: address }, ["operator"]),
      handle: (ctx, p: { operator: string }) => {
        const d = keeper.store.dist(ctx, p.operator);
        return { commission: d.commission.toString(), outstanding: d.outstanding.toString() };
      },
    },
    activeSet: {
      schema: q("ActiveSet", { height: { type: "integer", minimum: 0 } }, []),
      handle: (ctx, p: { height?: number }) => {
        const height = p.height ?? ctx.block.height + 1;
        return { height, validators: keeper.activeSetFor(ctx, height).map(memberJson) };
      },
    },
    signingInfo: {
      schema: q("SigningInfo", { operator: address }, ["operator"]),
      handle: (ctx, p: { operator: string }) => keeper.store.signingInfo(ctx, p.operator) ?? null,
    },
    pools: {
      schema: q("Pools", {}, []),
      handle: (ctx) => {
        const bal = (m: string): string => keeper.bank.balance(ctx, moduleAddress(m), STAKE_DENOM).toString();
        return { bonded: bal(BONDED_POOL), notBonded: bal(NOT_BONDED_POOL), validatorPool: bal(VALIDATOR_POOL), distribution: bal(DISTRIBUTION_POOL) };
      },
    },
    params: { schema: q("Params", {}, []), handle: (ctx) => keeper.params(ctx) },
  };
}
