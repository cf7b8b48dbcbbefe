import type { Ctx } from "../../../runtime/modules/types.ts";
import { StakingEvents } from "../events.ts";
import * as K from "../keys.ts";
import type { ActiveValidator, StakingValidatorUpdate } from "../types.ts";
import { powerOf, type StakingStore } from "./store.ts";
import type { ValidatorKeeper } from "./validators.ts";

/**
 * The active set: the top maxValidators eligible validators by power. End-block of height H
 * compares it with the set last reported, bonds newcomers, starts unbonding leavers, and
 * records the new set as effective from H+2 (the genesis set from height 1). Work per block
 * is O(maxValidators).
 */
export class ValidatorSetKeeper {
  constructor(
    private readonly store: StakingStore,
    private readonly validators: ValidatorKeeper,
  ) {}

  /** Operator → power as last reported to consensus. */
  lastSet(ctx: Ctx): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [op, power] of K.LastSet.iterate(ctx)) out.set(op, power);
    return out;
  }

  apply(ctx: Ctx): StakingValidatorUpdate[] {
    const p = this.store.params(ctx);
    const last = this.lastSet(ctx);
    const top = this.store.topByPower(ctx, p.maxValidators);
    const updates: StakingValidatorUpdate[] = [];
    const members: ActiveValidator[] = [];
    const kept = new Set<string>();
    for (const op of top) {
      const v = this.validators.mustGet(ctx, op);
      if (v.status !== "bonded") {
        this.validators.bond(ctx, v);
        if (!this.store.signingInfo(ctx, op)) this.store.setSigningInfo(ctx, op, { startHeight: ctx.block.height, indexOffset: 0, missedCounter: 0 });
      }
      const power = powerOf(v.tokens);
      kept.add(op);
      members.push({ operator: op, consensusPubKey: v.consensusPubKey, band: v.band, power });
      if (last.get(op) !== power) {
        updates.push({ address: op, operator: op, consensusPubKey: v.consensusPubKey, band: v.band, power });
        K.LastSet.set(ctx, op, power);
      }
    }
    for (const op of [...last.keys()].sort()) {
      if (kept.has(op)) continue;
      const v = this.validators.mustGet(ctx, op);
      if (v.status === "bonded") this.validators.beginUnbonding(ctx, v);
      updates.push({ address: op, operator: op, consensusPubKey: v.consensusPubKey, band: v.band, power: 0n });
      K.LastSet.delete(ctx, op);
    }
    if (updates.length > 0) {
      const effective = ctx.mode === "genesis" ? 1 : ctx.block.height + 2;
      this.writeHistory(ctx, effective, members);
      ctx.emit(StakingEvents.ValidatorSetChanged, { effectiveHeight: String(effective), size: String(members.length), changes: String(updates.length) });
    }
    this.prune(ctx, p.setHistoryBlocks);
    return updates;
  }

  private writeHistory(ctx: Ctx, height: number, members: readonly ActiveValidator[]): void {
    K.SetHistory.set(ctx, height, [...members]);
  }

  /** Drop history entries superseded more than `keep` heights ago: at most two per block. */
  private prune(ctx: Ctx, keep: number): void {
    const cutoff = ctx.block.height - keep;
    if (cutoff <= 0) return;
    const first = [...K.SetHistory.keys(ctx, { limit: 3 })];
    for (let i = 0; i + 1 < first.length && i < 2; i++) {
      if (first[i + 1]! <= cutoff) K.SetHistory.delete(ctx, first[i]!);
      else break;
    }
  }

  /**
   * Zero-height import: forget the old chain's heights and make the current set (as last
   * reported) the set of height 1.
   */
  rebaseHistory(ctx: Ctx): void {
    for (const h of [...K.SetHistory.keys(ctx)]) K.SetHistory.delete(ctx, h);
    const members: ActiveValidator[] = [];
    for (const [op, power] of this.lastSet(ctx)) {
      const v = this.validators.mustGet(ctx, op);
      members.push({ operator: op, consensusPubKey: v.consensusPubKey, band: v.band, power });
    }
    members.sort((a, b) => (a.power === b.power ? 0 : a.power > b.power ? -1 : 1));
    if (members.length > 0) this.writeHistory(ctx, 1, members);
  }

  /** The validator set consensus uses at `height` (empty before any validator exists). */
  activeSetFor(ctx: Ctx, height: number): ActiveValidator[] {
    for (const set of K.SetHistory.values(ctx, { end: Math.max(0, height) + 1, reverse: true, limit: 1 })) return set;
    return [];
  }

  /** Heights at which the stored set changes, with their sets (queries, tests). */
  history(ctx: Ctx): { height: number; set: ActiveValidator[] }[] {
    const out: { height: number; set: ActiveValidator[] }[] = [];
    for (const [height, set] of K.SetHistory.iterate(ctx)) out.push({ height, set });
    return out;
  }
}
