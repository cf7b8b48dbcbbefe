import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { MSG_ROUTER_TOKEN, type MsgRouter } from "../../../runtime/modules/msg-router.ts";
import { ExecContext } from "../../../runtime/modules/context.ts";
import { Branch } from "../../../runtime/state/branch.ts";
import type { ChainEvent } from "../../../runtime/modules/types.ts";
import { ArbitrationDeps, type BankForArbitration, type GovernanceForArbitration } from "../expected-keepers.ts";
import { ArbitrationError } from "../errors.ts";
import { ArbitrationEvents } from "../events.ts";
import * as K from "../keys.ts";
import { arbitrationConfig, defaultParams, NXT_DENOM, type ArbitrationConfig, type ArbitrationParams } from "../params.ts";
import { bondsHeld, type Arbiter, type Case } from "../records.ts";
import { ARBITRATION_MODULE_ACCOUNT } from "../accounts.ts";
import { CaseKeeper } from "./cases.ts";
import { OutcomeKeeper } from "./outcomes.ts";

/** Token of the ArbitrationConfig the chain gives (authority, remedy signer, forfeit address). */
export const ArbitrationConfigToken = Symbol.for("arbitration.Config");

/**
 * The arbitration keeper: params, arbiters, bonds and the case store (here); filing,
 * evidence, rulings and appeals (cases.ts); deciding, escalating and closing (outcomes.ts).
 * Rules that need no store (the panel draw, the tally) are pure functions in panel.ts and
 * tally.ts. Inference never runs here: arbiters' agents rule off chain and submit.
 */
@injectable()
export class ArbitrationKeeper {
  readonly cases: CaseKeeper;
  readonly outcomes: OutcomeKeeper;

  constructor(
    @inject(ArbitrationDeps.Bank) readonly bank: BankForArbitration,
    @inject(ArbitrationDeps.Governance) readonly governance: GovernanceForArbitration,
    @inject(MSG_ROUTER_TOKEN) readonly router: MsgRouter,
    @inject(ArbitrationConfigToken) readonly config: ArbitrationConfig = arbitrationConfig(),
  ) {
    this.outcomes = new OutcomeKeeper(this);
    this.cases = new CaseKeeper(this);
  }

  get authority(): string {
    return this.config.authority;
  }

  requireAuthority(address: string): void {
    if (address !== this.config.authority) {
      throw new ArbitrationError("ARBITRATION_UNAUTHORIZED", `${address} is not arbitration's authority (${this.config.authority})`, { authority: this.config.authority });
    }
  }

  params(ctx: Ctx): ArbitrationParams {
    return K.Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: ArbitrationParams): void {
    K.Params.set(ctx, p);
  }

  // ---- arbiters ---------------------------------------------------------------------------

  isArbiter(ctx: Ctx, address: string): boolean {
    return K.Arbiters.has(ctx, address);
  }

  arbiterCount(ctx: Ctx): number {
    return K.ArbiterCount.get(ctx) ?? 0;
  }

  /** Registered arbiters sorted as strings (the order drawPanel takes): at most params.maxArbiters reads. */
  arbiters(ctx: Ctx): string[] {
    return [...K.Arbiters.keys(ctx)].sort();
  }

  registerArbiter(ctx: Ctx, address: string): Arbiter {
    if (K.Arbiters.has(ctx, address)) throw new ArbitrationError("ARBITRATION_ARBITER_EXISTS", `${address} is already a registered arbiter`, { arbiter: address });
    const max = this.params(ctx).maxArbiters;
    if (this.arbiterCount(ctx) >= max) throw new ArbitrationError("ARBITRATION_TOO_MANY_ARBITERS", `${max} arbiters are registered, the most params allow`, { maxArbiters: max });
    const a: Arbiter = { address, addedHeight: ctx.block.height };
    K.Arbiters.set(ctx, address, a);
    K.ArbiterCount.set(ctx, this.arbiterCount(ctx) + 1);
    K.Removed.delete(ctx, address);
    ctx.emit(ArbitrationEvents.ArbiterRegistered, { arbiter: address });
    return a;
  }

  /**
   * The arbiter is drawn for no new panel. On a panel already drawn its pending ruling is no
   * longer awaited (a round decides once every member still registered has ruled, or at its
   * deadline); it can no longer rule. Nothing walks its cases here.
   */
  removeArbiter(ctx: Ctx, address: string): void {
    if (!K.Arbiters.delete(ctx, address)) throw new ArbitrationError("ARBITRATION_UNKNOWN_ARBITER", `${address} is not a registered arbiter`, { arbiter: address });
    K.ArbiterCount.set(ctx, this.arbiterCount(ctx) - 1);
    K.Removed.set(ctx, address, ctx.block.height);
    ctx.emit(ArbitrationEvents.ArbiterRemoved, { arbiter: address });
  }

  // ---- cases and bonds --------------------------------------------------------------------

  case(ctx: Ctx, id: number): Case | undefined {
    return K.Cases.get(ctx, id);
  }

  requireCase(ctx: Ctx, id: number): Case {
    const c = K.Cases.get(ctx, id);
    if (!c) throw new ArbitrationError("ARBITRATION_UNKNOWN_CASE", `no case ${id}`, { caseId: id });
    return c;
  }

  /** Stores a case and moves the running bond total by the change in what it holds. */
  putCase(ctx: Ctx, prev: Case | undefined, next: Case): void {
    K.Cases.set(ctx, next.id, next);
    const delta = bondsHeld(next) - (prev ? bondsHeld(prev) : 0n);
    if (delta !== 0n) K.BondsHeld.set(ctx, this.bondsHeld(ctx) + delta);
  }

  /** Σ bonds of open and ruled cases (a running total; the module account must hold exactly this). */
  bondsHeld(ctx: Ctx): bigint {
    return K.BondsHeld.get(ctx) ?? 0n;
  }

  takeBond(ctx: Ctx, from: string, amount: bigint): void {
    this.bank.sendToModule(ctx, from, ARBITRATION_MODULE_ACCOUNT, [{ denom: NXT_DENOM, amount }]);
  }

  returnBond(ctx: Ctx, caseId: number, to: string, amount: bigint): void {
    if (amount === 0n) return;
    this.bank.sendFromModule(ctx, ARBITRATION_MODULE_ACCOUNT, to, [{ denom: NXT_DENOM, amount }]);
    ctx.emit(ArbitrationEvents.BondReturned, { caseId: String(caseId), who: to, amount: amount.toString(), to });
  }

  forfeitBond(ctx: Ctx, caseId: number, who: string, amount: bigint): void {
    if (amount === 0n) return;
    this.bank.sendFromModule(ctx, ARBITRATION_MODULE_ACCOUNT, this.config.forfeitTo, [{ denom: NXT_DENOM, amount }]);
    ctx.emit(ArbitrationEvents.BondForfeited, { caseId: String(caseId), who, amount: amount.toString(), to: this.config.forfeitTo });
  }

  /**
   * Runs f on a branch nested in ctx's: its writes and events land only if it returns. Used
   * for the governance port, whose refusal must leave nothing behind.
   */
  nested<T>(ctx: Ctx, f: (sub: Ctx) => T): T {
    if (!(ctx instanceof ExecContext)) return f(ctx);
    const branch = new Branch(ctx.store);
    const events: ChainEvent[] = [];
    const r = f(ctx.withStore(branch, events));
    branch.write();
    for (const e of events) ctx.emit(e.type, { ...e.attributes });
    return r;
  }
}
