import type { Ctx } from "../../../runtime/modules/types.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { POSTAGE, TRANSITION_RESERVE } from "../accounts.ts";
import { EconomyError } from "../errors.ts";
import { EconomyEvents } from "../events.ts";
import type { EnergyPrice } from "../expected-keepers.ts";
import * as K from "../keys.ts";
import type { PostageBudget } from "../records.ts";
import { postageEnergy, routePostage } from "../routing.ts";
import { nxt, type EconomyStore } from "./store.ts";

/**
 * Messaging postage: an account pays NXT for an energy budget (attojoules at the band's
 * joulesPerUnit); the messaging layer consumes energy from it per message. The payment goes
 * through the "postage" module account: burned share burned, the rest to the transition reserve.
 */
export class PostageKeeper {
  constructor(
    private readonly store: EconomyStore,
    private readonly price: EnergyPrice,
  ) {}

  buy(ctx: Ctx, buyer: string, amount: bigint, band: number): PostageBudget {
    if (amount <= 0n) throw new EconomyError("ECONOMY_INVALID_AMOUNT", `postage amount must be positive, got ${amount}`);
    const energy = postageEnergy(amount, this.price.joulesPerUnit(ctx, band));
    if (energy === 0n) throw new EconomyError("ECONOMY_INVALID_AMOUNT", `${amount} base units buy no energy in band ${band}`, { band });
    this.store.bank.send(ctx, buyer, moduleAddress(POSTAGE), nxt(amount));
    const r = routePostage(amount, this.store.params(ctx));
    this.store.burn(ctx, POSTAGE, r.burned);
    this.store.move(ctx, POSTAGE, TRANSITION_RESERVE, r.reserve);
    const id = K.BudgetSeq.nextNumber(ctx);
    const b: PostageBudget = {
      id,
      owner: buyer,
      band,
      paid: amount.toString(),
      energyBought: energy.toString(),
      energyRemaining: energy.toString(),
      height: ctx.block.height,
    };
    K.Budgets.set(ctx, id, b);
    ctx.emit(EconomyEvents.PostageBought, {
      id: String(id),
      owner: buyer,
      band: String(band),
      amount: amount.toString(),
      energy: energy.toString(),
      burned: r.burned.toString(),
      reserve: r.reserve.toString(),
    });
    return b;
  }

  budget(ctx: Ctx, id: number): PostageBudget | undefined {
    return K.Budgets.get(ctx, id);
  }

  /** Take `energy` attojoules from a budget; returns what is left. For the messaging layer. */
  consume(ctx: Ctx, id: number, energy: bigint): bigint {
    if (energy <= 0n) throw new EconomyError("ECONOMY_INVALID_AMOUNT", `energy to consume must be positive, got ${energy}`);
    const b = K.Budgets.get(ctx, id);
    if (!b) throw new EconomyError("ECONOMY_BUDGET_NOT_FOUND", `no postage budget ${id}`, { id });
    const remaining = BigInt(b.energyRemaining);
    if (energy > remaining) {
      throw new EconomyError("ECONOMY_BUDGET_EXHAUSTED", `postage budget ${id} has ${remaining} aJ left, ${energy} asked`, { id, remaining: remaining.toString(), asked: energy.toString() });
    }
    const left = remaining - energy;
    K.Budgets.set(ctx, id, { ...b, energyRemaining: left.toString() });
    ctx.emit(EconomyEvents.PostageConsumed, { id: String(id), energy: energy.toString(), remaining: left.toString() });
    return left;
  }
}
