import type { Ctx } from "../../../runtime/modules/types.ts";
import { FEE_COLLECTOR, TRANSITION_RESERVE } from "../accounts.ts";
import { EconomyEvents } from "../events.ts";
import type { StakingForEconomy } from "../expected-keepers.ts";
import { routeFees } from "../routing.ts";
import type { EconomyStore } from "./store.ts";

export interface RoutedFees {
  readonly total: bigint;
  readonly burned: bigint;
  /** Paid to validators by staking. */
  readonly validators: bigint;
  /** To the transition reserve: its share plus what staking did not pay. */
  readonly reserve: bigint;
}

/**
 * End-block fee routing (routing.ts has the rule and its remainder rule): the whole NXT
 * balance of fee_collector, burned / to validators / to the transition reserve. Bounded: one
 * balance read, one burn, one staking allocation (O(active set)), one transfer.
 */
export class FeeRouter {
  constructor(
    private readonly store: EconomyStore,
    private readonly staking: StakingForEconomy,
  ) {}

  route(ctx: Ctx): RoutedFees {
    const total = this.store.held(ctx, FEE_COLLECTOR);
    if (total === 0n) return { total, burned: 0n, validators: 0n, reserve: 0n };
    const r = routeFees(total, this.store.params(ctx));
    this.store.burn(ctx, FEE_COLLECTOR, r.burned);
    const paid = r.validators > 0n ? this.staking.allocateFees(ctx, FEE_COLLECTOR, r.validators) : 0n;
    if (paid < 0n || paid > r.validators) throw new Error(`economy: staking paid ${paid} of the ${r.validators} offered to validators`);
    // The remainder rule: what staking did not pay joins the reserve's share.
    const reserve = r.reserve + (r.validators - paid);
    this.store.move(ctx, FEE_COLLECTOR, TRANSITION_RESERVE, reserve);
    const left = this.store.held(ctx, FEE_COLLECTOR);
    if (left !== 0n) throw new Error(`economy: fee_collector still holds ${left} after routing ${total}`);
    ctx.emit(EconomyEvents.FeesRouted, {
      height: String(ctx.block.height),
      total: total.toString(),
      burned: r.burned.toString(),
      validators: paid.toString(),
      reserve: r.reserve.toString(),
      remainder: (r.validators - paid).toString(),
    });
    return { total, burned: r.burned, validators: paid, reserve };
  }
}
