import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { EconomyDeps, type BankForEconomy, type CitizenRegistry, type EnergyPrice, type StakingForEconomy } from "../expected-keepers.ts";
import { economyConfig, liquidityShareList, type EconomyConfig, type EconomyParams } from "../params.ts";
import type { EpochState, PostageBudget, TransitionRecord } from "../records.ts";
import type { StabilityIndex } from "../stability.ts";
import { TREASURY, type LiquidityAccount } from "../accounts.ts";
import { EconomyEvents } from "../events.ts";
import { EconomyError } from "../errors.ts";
import { EconomyStore } from "./store.ts";
import { FeeRouter, type RoutedFees } from "./fees.ts";
import { PostageKeeper } from "./postage.ts";
import { EpochKeeper } from "./epochs.ts";

/** Token of the EconomyConfig the chain gives (authority). */
export const EconomyConfigToken = Symbol.for("economy.Config");

/**
 * The economy keeper: fee routing, postage, epochs and crisis protection, each in its own
 * keeper (fees.ts, postage.ts, epochs.ts) wired here. Other modules use it through the ports
 * they declare: the DEX's liquidityAllocationShares, the messaging layer's consumePostage.
 */
@injectable()
export class EconomyKeeper {
  readonly store: EconomyStore;
  readonly fees: FeeRouter;
  readonly postage: PostageKeeper;
  readonly epochs: EpochKeeper;

  constructor(
    @inject(EconomyDeps.Bank) bank: BankForEconomy,
    @inject(EconomyDeps.Staking) staking: StakingForEconomy,
    @inject(EconomyDeps.Citizens) citizens: CitizenRegistry,
    @inject(EconomyDeps.EnergyPrice) price: EnergyPrice,
    @inject(EconomyConfigToken) readonly config: EconomyConfig = economyConfig(),
  ) {
    this.store = new EconomyStore(bank);
    this.fees = new FeeRouter(this.store, staking);
    this.postage = new PostageKeeper(this.store, price);
    this.epochs = new EpochKeeper(this.store, citizens);
  }

  get authority(): string {
    return this.config.authority;
  }

  /** Throws ECONOMY_UNAUTHORIZED unless `address` is the authority. */
  requireAuthority(address: string): void {
    if (address !== this.config.authority) {
      throw new EconomyError("ECONOMY_UNAUTHORIZED", `${address} is not economy's authority (${this.config.authority})`, { authority: this.config.authority });
    }
  }

  params(ctx: Ctx): EconomyParams {
    return this.store.params(ctx);
  }

  setParams(ctx: Ctx, p: EconomyParams): void {
    this.store.setParams(ctx, p);
  }

  epoch(ctx: Ctx): EpochState {
    return this.store.epoch(ctx);
  }

  /**
   * The current epoch's number and start (ms of block time): one read. The BHLS module's
   * EpochSource port (a claim is one per citizen per epoch); the epoch changes in this
   * module's end block, so a transaction sees the epoch its block started in.
   */
  currentEpoch(ctx: Ctx): { epoch: number; startMs: number } {
    const e = this.store.epoch(ctx);
    return { epoch: e.epoch, startMs: e.startMs };
  }

  /**
   * End-block, in this order: route the block's fees (so the reserve's share of this block's
   * fees is in the reserve), then at most one epoch transition.
   */
  endBlock(ctx: Ctx): { fees: RoutedFees; transition: TransitionRecord | undefined } {
    const fees = this.fees.route(ctx);
    return { fees, transition: this.epochs.maybeTransition(ctx) };
  }

  buyPostage(ctx: Ctx, buyer: string, amount: bigint, band: number): PostageBudget {
    return this.postage.buy(ctx, buyer, amount, band);
  }

  /** For the messaging layer: take `energy` attojoules from budget `id`; returns what is left. */
  consumePostage(ctx: Ctx, budgetId: number, energy: bigint): bigint {
    return this.postage.consume(ctx, budgetId, energy);
  }

  postageBudget(ctx: Ctx, id: number): PostageBudget | undefined {
    return this.postage.budget(ctx, id);
  }

  stability(ctx: Ctx): StabilityIndex {
    return this.epochs.stability(ctx);
  }

  treasuryDraw(ctx: Ctx, authority: string, amount: bigint): void {
    this.requireAuthority(authority);
    this.epochs.treasuryDraw(ctx, amount);
  }

  /** Governance's spend from the treasury account; bank refuses one the treasury cannot cover. */
  treasurySpend(ctx: Ctx, authority: string, recipient: string, amount: bigint, purpose: string): void {
    this.requireAuthority(authority);
    const held = this.store.balance(ctx, TREASURY);
    if (held < amount) throw new EconomyError("ECONOMY_TREASURY_INSUFFICIENT", `the treasury holds ${held}, the spend asks ${amount}`, { held: held.toString() });
    this.store.moveTo(ctx, TREASURY, recipient, amount);
    ctx.emit(EconomyEvents.TreasurySpend, { recipient, amount: amount.toString(), purpose });
  }

  /** The DEX's port for its protocol fee: the twelve liquidity accounts and their bps, SPEC order. */
  liquidityAllocationShares(ctx: Ctx): readonly { module: LiquidityAccount; bps: number }[] {
    return liquidityShareList(this.store.params(ctx));
  }
}
