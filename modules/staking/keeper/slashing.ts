import type { Ctx } from "../../../runtime/modules/types.ts";
import { StakingError } from "../errors.ts";
import { StakingEvents } from "../events.ts";
import * as K from "../keys.ts";
import { BPS, NOT_BONDED_POOL } from "../params.ts";
import type { ActiveValidator, Validator } from "../types.ts";
import type { StakingStore } from "./store.ts";
import { poolOf, tokensForShares, type ValidatorKeeper } from "./validators.ts";
import type { DelegationKeeper } from "./delegations.ts";
import type { DistributionKeeper } from "./distribution.ts";

/** Jail that never ends: tombstoned validators can never unjail. */
export const FOREVER = Number.MAX_SAFE_INTEGER;

export interface SlashResult {
  readonly operator: string;
  /** Base units burned: validator stake plus slashed unbonding and redelegation entries. */
  readonly burned: bigint;
}

/** Double-sign and downtime slashing, liveness tracking, unjail. */
export class SlashingKeeper {
  constructor(
    private readonly store: StakingStore,
    private readonly validators: ValidatorKeeper,
    private readonly delegations: DelegationKeeper,
    private readonly dist: DistributionKeeper,
  ) {}

  /**
   * Burn `fractionBps` of the validator's stake and of every unbonding and redelegation entry
   * that left it at or after `infractionHeight` (that stake was bonded when the fault happened).
   * Rewards are per share, so delegators lose pro rata and their pending rewards are unaffected.
   */
  slash(ctx: Ctx, v: Validator, infractionHeight: number, fractionBps: number, reason: string): bigint {
    const f = BigInt(fractionBps);
    let burned = 0n;
    for (const e of [...this.delegations.unbondingsFrom(ctx, v.operator)]) {
      if (e.creationHeight < infractionHeight || e.balance === 0n) continue;
      let amt = (e.initialBalance * f) / BPS;
      if (amt > e.balance) amt = e.balance;
      if (amt === 0n) continue;
      e.balance -= amt;
      this.delegations.setUnbonding(ctx, e);
      this.validators.burnFromPool(ctx, NOT_BONDED_POOL, amt);
      burned += amt;
    }
    for (const r of [...this.delegations.redelegationsFrom(ctx, v.operator)]) {
      if (r.creationHeight < infractionHeight) continue;
      const d = this.store.delegation(ctx, r.delegator, r.dst);
      if (!d) continue;
      let shares = (r.sharesDst * f) / BPS;
      if (shares > d.shares) shares = d.shares;
      if (shares === 0n) continue;
      this.dist.settle(ctx, r.delegator, r.dst);
      const settled = this.store.delegation(ctx, r.delegator, r.dst)!;
      settled.shares -= shares;
      this.store.setDelegation(ctx, settled);
      const dst = this.validators.mustGet(ctx, r.dst);
      const pool = poolOf(dst);
      const tokens = this.validators.removeShares(ctx, dst, shares);
      this.validators.burnFromPool(ctx, pool, tokens);
      burned += tokens;
    }
    const fresh = this.validators.mustGet(ctx, v.operator);
    const amt = (fresh.tokens * f) / BPS;
    if (amt > 0n) {
      fresh.tokens -= amt;
      this.store.setValidator(ctx, fresh);
      this.validators.burnFromPool(ctx, poolOf(fresh), amt);
      burned += amt;
    }
    Object.assign(v, fresh);
    ctx.emit(StakingEvents.Slash, { operator: v.operator, infractionHeight: String(infractionHeight), fractionBps: String(fractionBps), burned: burned.toString(), reason });
    return burned;
  }

  /**
   * Evidence of equivocation from consensus: 5% burned, jailed and tombstoned forever.
   * `id` is the operator address or the 64-hex consensus public key. Evidence against an
   * unknown or already tombstoned validator is ignored (returns undefined), as in Cosmos.
   */
  slashDoubleSign(ctx: Ctx, id: string, infractionHeight: number): SlashResult | undefined {
    const v = this.validators.resolve(ctx, id);
    if (!v || v.tombstoned) return undefined;
    const p = this.store.params(ctx);
    const burned = this.slash(ctx, v, infractionHeight, p.doubleSignSlashBps, "double_sign");
    v.tombstoned = true;
    this.validators.jail(ctx, v, FOREVER, "double_sign");
    ctx.emit(StakingEvents.Tombstone, { operator: v.operator });
    return { operator: v.operator, burned };
  }

  /**
   * Liveness: consensus calls this once per block with the addresses (operator addresses or
   * consensus key hex) whose precommits are in the last commit, i.e. for block `signedHeight`
   * (default: the previous block). Work is O(active set): one bit per validator per block in a
   * sliding window; below minSignedPerWindow the validator is slashed 1% and jailed.
   */
  recordSignatures(ctx: Ctx, signers: readonly string[], set: readonly ActiveValidator[], signedHeight: number): SlashResult[] {
    const p = this.store.params(ctx);
    const signed = new Set<string>();
    for (const s of signers) {
      const v = this.validators.resolve(ctx, s);
      if (v) signed.add(v.operator);
    }
    const window = p.signedBlocksWindow;
    const minSigned = Math.floor((window * p.minSignedPerWindowBps) / 10000);
    const maxMissed = window - minSigned;
    const out: SlashResult[] = [];
    for (const m of set) {
      const v = this.store.validator(ctx, m.operator);
      if (!v || v.jailed || v.tombstoned) continue;
      const info = this.store.signingInfo(ctx, m.operator) ?? { startHeight: signedHeight, indexOffset: 0, missedCounter: 0 };
      const index = info.indexOffset % window;
      info.indexOffset++;
      const key: [string, number] = [m.operator, index];
      const wasMissed = K.Missed.has(ctx, key);
      const missed = !signed.has(m.operator);
      if (missed && !wasMissed) {
        K.Missed.set(ctx, key, true);
        info.missedCounter++;
      } else if (!missed && wasMissed) {
        K.Missed.delete(ctx, key);
        info.missedCounter--;
      }
      if (missed) ctx.emit("staking.liveness", { operator: m.operator, height: String(signedHeight), missed: String(info.missedCounter) });
      if (ctx.block.height > info.startHeight + window && info.missedCounter > maxMissed) {
        const burned = this.slash(ctx, v, signedHeight, p.downtimeSlashBps, "downtime");
        this.validators.jail(ctx, v, ctx.block.time + p.downtimeJailDurationMs, "downtime");
        info.missedCounter = 0;
        info.indexOffset = 0;
        for (const k of [...K.Missed.keys(ctx, { prefix: [m.operator] })]) K.Missed.delete(ctx, k); // at most `window` entries, only on a jailing
        out.push({ operator: m.operator, burned });
      }
      this.store.setSigningInfo(ctx, m.operator, info);
    }
    return out;
  }

  unjail(ctx: Ctx, op: string): void {
    const v = this.validators.mustGet(ctx, op);
    if (v.tombstoned) throw new StakingError("STAKING_TOMBSTONED", `validator ${op} is tombstoned for double signing and can never be unjailed`);
    if (!v.jailed) throw new StakingError("STAKING_NOT_JAILED", `validator ${op} is not jailed`);
    if (ctx.block.time < v.jailedUntil) {
      throw new StakingError("STAKING_JAIL_PERIOD_ACTIVE", `validator ${op} is jailed until ${v.jailedUntil} (block time now ${ctx.block.time})`, { jailedUntil: v.jailedUntil });
    }
    const d = this.store.delegation(ctx, op, op);
    const self = d ? tokensForShares(v, d.shares) : 0n;
    if (self < v.minSelfDelegation) {
      throw new StakingError("STAKING_SELF_DELEGATION_TOO_LOW", `self-delegation ${self} is below the minimum ${v.minSelfDelegation}: delegate more before unjailing`);
    }
    v.jailed = false;
    this.store.setValidator(ctx, v);
    ctx.emit(StakingEvents.Unjail, { operator: op });
  }
}
