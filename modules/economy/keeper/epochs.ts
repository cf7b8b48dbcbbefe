import type { Ctx } from "../../../runtime/modules/types.ts";
import type { Page } from "../../../runtime/state/collections/index.ts";
import { BHLS_FLOOR_RESERVE, TRANSITION_RESERVE, TREASURY } from "../accounts.ts";
import { EconomyError } from "../errors.ts";
import { EconomyEvents } from "../events.ts";
import type { CitizenRegistry } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import { liquidityShareList } from "../params.ts";
import type { TransitionRecord } from "../records.ts";
import { stabilityIndex, type StabilityIndex } from "../stability.ts";
import { splitTransition, transitionDue } from "../transition.ts";
import type { EconomyStore } from "./store.ts";

/**
 * Epochs, their orbital transition and crisis protection. Per block: one epoch-state read and,
 * when an epoch ends, one transition of a fixed size (3 balance reads, the citizen count, at
 * most 13 transfers, 2 writes): nothing here walks accounts, holders or citizens.
 */
export class EpochKeeper {
  constructor(
    private readonly store: EconomyStore,
    private readonly citizens: CitizenRegistry,
  ) {}

  stability(ctx: Ctx): StabilityIndex {
    return stabilityIndex(this.store.held(ctx, BHLS_FLOOR_RESERVE), this.citizens.citizenCount(ctx));
  }

  /** End-block: at most one transition (the next epoch starts at this block's time). */
  maybeTransition(ctx: Ctx): TransitionRecord | undefined {
    const st = this.store.epoch(ctx);
    const p = this.store.params(ctx);
    if (!transitionDue(ctx.block.time, st.startMs, p.epochDurationMs)) return undefined;
    const reserve = this.store.held(ctx, TRANSITION_RESERVE);
    const s = this.stability(ctx);
    const split = splitTransition(reserve, s.branch, p, liquidityShareList(p));
    this.store.move(ctx, TRANSITION_RESERVE, BHLS_FLOOR_RESERVE, split.toFloor);
    for (const l of split.liquidity) this.store.move(ctx, TRANSITION_RESERVE, l.module, l.amount);
    const rec: TransitionRecord = {
      epoch: st.epoch,
      height: ctx.block.height,
      time: ctx.block.time,
      reserve: reserve.toString(),
      toFloor: split.toFloor.toString(),
      liquidity: split.liquidity.map((l) => ({ module: l.module, amount: l.amount.toString() })),
      stabilityIndex: s.index,
      citizens: s.citizens.toString(),
      branch: s.branch,
    };
    K.Transitions.set(ctx, st.epoch, rec);
    this.store.setEpoch(ctx, { epoch: st.epoch + 1, startMs: ctx.block.time, treasuryDrawn: "0" });
    ctx.emit(EconomyEvents.EpochTransition, {
      epoch: String(st.epoch),
      height: String(ctx.block.height),
      reserve: rec.reserve,
      toFloor: rec.toFloor,
      toLiquidity: (reserve - split.toFloor).toString(),
      branch: s.branch,
      stabilityIndex: s.index ?? "",
      nextEpoch: String(st.epoch + 1),
    });
    return rec;
  }

  /** Crisis: governance (the authority, checked by the caller) moves treasury NXT to the floor reserve. */
  treasuryDraw(ctx: Ctx, amount: bigint): void {
    if (amount <= 0n) throw new EconomyError("ECONOMY_INVALID_AMOUNT", `draw amount must be positive, got ${amount}`);
    const s = this.stability(ctx);
    if (s.branch !== "below-0.5") {
      throw new EconomyError("ECONOMY_NOT_IN_CRISIS", `a treasury draw needs a stability index below 0.5; it is ${s.index ?? "undefined (no citizens)"}`, {
        index: s.index ?? "none",
        branch: s.branch,
      });
    }
    const st = this.store.epoch(ctx);
    const cap = BigInt(this.store.params(ctx).treasuryDrawCapPerEpoch);
    const drawn = BigInt(st.treasuryDrawn);
    if (drawn + amount > cap) {
      throw new EconomyError("ECONOMY_DRAW_CAP_EXCEEDED", `epoch ${st.epoch} has drawn ${drawn} of its cap ${cap}; ${amount} more exceeds it`, {
        epoch: st.epoch,
        drawn: drawn.toString(),
        cap: cap.toString(),
        amount: amount.toString(),
      });
    }
    this.store.move(ctx, TREASURY, BHLS_FLOOR_RESERVE, amount);
    this.store.setEpoch(ctx, { ...st, treasuryDrawn: (drawn + amount).toString() });
    ctx.emit(EconomyEvents.TreasuryDraw, { epoch: String(st.epoch), amount: amount.toString(), drawnThisEpoch: (drawn + amount).toString(), stabilityIndex: s.index ?? "" });
  }

  transition(ctx: Ctx, epoch: number): TransitionRecord | undefined {
    return K.Transitions.get(ctx, epoch);
  }

  transitions(ctx: Ctx, req: { limit: number; after?: string; newestFirst: boolean }): Page<TransitionRecord> {
    const page = K.Transitions.page(ctx, { limit: req.limit, after: req.after, reverse: req.newestFirst });
    return { items: page.items.map((i) => i.value), next: page.next };
  }
}
