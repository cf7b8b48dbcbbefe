import type { Ctx } from "../../../runtime/modules/types.ts";
import type { KVStore } from "../../../runtime/state/types.ts";
import type { StateMap } from "../../../runtime/state/collections/index.ts";
import * as K from "../keys.ts";
import { defaultParams, type StakingParams } from "../params.ts";
import type { Delegation, DistributionInfo, SigningInfo, Validator } from "../types.ts";
import { NO_STAKING_HOOKS, type StakingHooks } from "../expected-keepers.ts";

export const NS = "staking";

export { powerOf, eligible } from "../power.ts";

/**
 * Record access for the staking namespace over its collections (keys.ts); the keepers of each
 * concern build on it. Indexes (power, delegations by validator, entries by delegator...) are
 * kept by the collections themselves.
 */
export class StakingStore {
  /** Told of every delegation write (governance's vote aggregates). */
  hooks: StakingHooks = NO_STAKING_HOOKS;

  /** The raw namespace: genesis export/import only. */
  kv(ctx: Ctx): KVStore {
    return ctx.kv(NS);
  }

  params(ctx: Ctx): StakingParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: StakingParams): void {
    K.Params.set(ctx, p);
  }

  nextId(ctx: Ctx): number {
    return K.Seq.nextNumber(ctx);
  }

  // ---- validators -----------------------------------------------------------------------

  validator(ctx: Ctx, op: string): Validator | undefined {
    return K.Validators.get(ctx, op);
  }

  /** Write a validator; the power index follows by itself. */
  setValidator(ctx: Ctx, v: Validator): void {
    K.Validators.set(ctx, v.operator, v);
  }

  operatorByPubKey(ctx: Ctx, pubKeyHex: string): string | undefined {
    return K.PubKeyIndex.get(ctx, pubKeyHex);
  }

  setPubKeyIndex(ctx: Ctx, pubKeyHex: string, op: string): void {
    K.PubKeyIndex.set(ctx, pubKeyHex, op);
  }

  allValidators(ctx: Ctx): Iterable<Validator> {
    return K.Validators.values(ctx);
  }

  /** Eligible operators by descending power (ties: ascending address bytes), at most `limit`. */
  topByPower(ctx: Ctx, limit: number): string[] {
    return [...K.PowerIndex.keys(ctx, { limit })];
  }

  // ---- delegations ------------------------------------------------------------------------

  delegation(ctx: Ctx, del: string, op: string): Delegation | undefined {
    return K.Delegations.get(ctx, [del, op]);
  }

  /** Write a delegation, or remove it (and its index entry) when its shares reach zero. */
  setDelegation(ctx: Ctx, d: Delegation): void {
    if (d.shares === 0n) K.Delegations.delete(ctx, [d.delegator, d.validator]);
    else K.Delegations.set(ctx, [d.delegator, d.validator], d);
    this.hooks.afterDelegationModified(ctx, d.delegator, d.validator, d.shares);
  }

  delegationsOf(ctx: Ctx, del: string): Iterable<Delegation> {
    return K.Delegations.values(ctx, { prefix: [del] });
  }

  *delegationsTo(ctx: Ctx, op: string, limit?: number): Iterable<Delegation> {
    for (const [, d] of K.DelegationsByValidator.iterate(ctx, { prefix: [op], limit })) yield d;
  }

  allDelegations(ctx: Ctx): Iterable<Delegation> {
    return K.Delegations.values(ctx);
  }

  // ---- distribution -------------------------------------------------------------------------

  dist(ctx: Ctx, op: string): DistributionInfo {
    return K.Distribution.get(ctx, op) ?? { ratio: 0n, commission: 0n, outstanding: 0n };
  }

  setDist(ctx: Ctx, op: string, d: DistributionInfo): void {
    K.Distribution.set(ctx, op, d);
  }

  // ---- signing info -------------------------------------------------------------------------

  signingInfo(ctx: Ctx, op: string): SigningInfo | undefined {
    return K.SigningInfos.get(ctx, op);
  }

  setSigningInfo(ctx: Ctx, op: string, s: SigningInfo): void {
    K.SigningInfos.set(ctx, op, s);
  }

  // ---- counters -------------------------------------------------------------------------------

  count<Key>(ctx: Ctx, map: StateMap<Key, number>, key: Key): number {
    return map.get(ctx, key) ?? 0;
  }

  /** Counters at zero are removed, not stored as 0. */
  addCount<Key>(ctx: Ctx, map: StateMap<Key, number>, key: Key, delta: number): void {
    const n = this.count(ctx, map, key) + delta;
    if (n <= 0) map.delete(ctx, key);
    else map.set(ctx, key, n);
  }
}
