import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { NO_STAKING_HOOKS, StakingDeps, type BankForStaking, type StakingHooks } from "../expected-keepers.ts";
import { stakingConfig, type StakingConfig, type StakingParams } from "../params.ts";
import type { ActiveValidator, Delegation, RedelegationEntry, StakingValidatorUpdate, UnbondingEntry, Validator } from "../types.ts";
import { StakingStore } from "./store.ts";
import { ValidatorKeeper, tokensForShares, type CreateValidatorInput, type EditValidatorInput } from "./validators.ts";
import { DistributionKeeper } from "./distribution.ts";
import { DelegationKeeper } from "./delegations.ts";
import { SlashingKeeper, type SlashResult } from "./slashing.ts";
import { ValidatorSetKeeper } from "./valset.ts";

/**
 * The staking keeper: the one object other modules and the consensus engine talk to.
 * Each concern lives in its own keeper (validators, delegations, distribution, slashing,
 * validator set); this class wires them and exposes the public API.
 */
/** Token of the StakingConfig the chain gives (authority). */
export const StakingConfigToken = Symbol.for("staking.Config");

@injectable()
export class StakingKeeper {
  readonly store = new StakingStore();
  readonly validators: ValidatorKeeper;
  readonly distribution: DistributionKeeper;
  readonly delegations: DelegationKeeper;
  readonly slashing: SlashingKeeper;
  readonly valset: ValidatorSetKeeper;

  constructor(
    @inject(StakingDeps.Bank) readonly bank: BankForStaking,
    @inject(StakingConfigToken) readonly config: StakingConfig = stakingConfig(),
    @inject(StakingDeps.Hooks) hooks: StakingHooks = NO_STAKING_HOOKS,
  ) {
    this.store.hooks = hooks;
    this.validators = new ValidatorKeeper(this.store, bank);
    this.distribution = new DistributionKeeper(this.store, bank);
    this.delegations = new DelegationKeeper(this.store, bank, this.validators, this.distribution);
    this.slashing = new SlashingKeeper(this.store, this.validators, this.delegations, this.distribution);
    this.valset = new ValidatorSetKeeper(this.store, this.validators);
  }

  // ---- params ----------------------------------------------------------------------------------

  /** Address allowed to update the params. */
  get authority(): string {
    return this.config.authority;
  }

  params(ctx: Ctx): StakingParams {
    return this.store.params(ctx);
  }

  setParams(ctx: Ctx, p: StakingParams): void {
    this.store.setParams(ctx, p);
  }

  // ---- validators and delegations ----------------------------------------------------------------

  /** Register a validator and bond its self-delegation from the operator's balance. */
  createValidator(ctx: Ctx, m: CreateValidatorInput): Validator {
    this.validators.create(ctx, m);
    this.delegations.delegate(ctx, m.operator, m.operator, m.amount);
    return this.validators.mustGet(ctx, m.operator);
  }

  editValidator(ctx: Ctx, m: EditValidatorInput): Validator {
    return this.validators.edit(ctx, m, this.delegations.delegationTokens(ctx, m.operator, m.operator));
  }

  validator(ctx: Ctx, operator: string): Validator | undefined {
    return this.validators.get(ctx, operator);
  }

  /** By operator address or 64-hex consensus public key. */
  validatorByIdentity(ctx: Ctx, id: string): Validator | undefined {
    return this.validators.resolve(ctx, id);
  }

  allValidators(ctx: Ctx): Iterable<Validator> {
    return this.store.allValidators(ctx);
  }

  delegate(ctx: Ctx, delegator: string, operator: string, amount: bigint): bigint {
    return this.delegations.delegate(ctx, delegator, operator, amount);
  }

  undelegate(ctx: Ctx, delegator: string, operator: string, amount: bigint): UnbondingEntry | undefined {
    return this.delegations.undelegate(ctx, delegator, operator, amount);
  }

  redelegate(ctx: Ctx, delegator: string, src: string, dst: string, amount: bigint): RedelegationEntry | undefined {
    return this.delegations.redelegate(ctx, delegator, src, dst, amount);
  }

  /** Validators whose stake is bonded now: governance's electorate. O(validators). */
  bondedValidators(ctx: Ctx): Validator[] {
    return [...this.store.allValidators(ctx)].filter((v) => v.status === "bonded" && !v.jailed);
  }

  /** A delegator's delegations, one read per validator it delegates to. */
  delegationsOf(ctx: Ctx, delegator: string): Iterable<Delegation> {
    return this.store.delegationsOf(ctx, delegator);
  }

  delegation(ctx: Ctx, delegator: string, operator: string): Delegation | undefined {
    return this.store.delegation(ctx, delegator, operator);
  }

  delegationTokens(ctx: Ctx, delegator: string, operator: string): bigint {
    return this.delegations.delegationTokens(ctx, delegator, operator);
  }

  tokensForShares(v: Validator, shares: bigint): bigint {
    return tokensForShares(v, shares);
  }

  // ---- rewards ---------------------------------------------------------------------------------

  pendingRewards(ctx: Ctx, delegator: string, operator: string): bigint {
    const d = this.store.delegation(ctx, delegator, operator);
    return d ? this.distribution.pending(ctx, d) : 0n;
  }

  withdrawRewards(ctx: Ctx, delegator: string, operator: string): bigint {
    return this.distribution.settle(ctx, delegator, operator);
  }

  withdrawCommission(ctx: Ctx, operator: string): bigint {
    this.validators.mustGet(ctx, operator);
    return this.distribution.withdrawCommission(ctx, operator);
  }

  /**
   * Another module's income for the validators (economy's share of the block's fees):
   * `amount` from the module account `fromModule` to the distribution account, split across
   * the active set of the current height by power with commission, as the block reward is.
   * Returns what was paid; the rounding remainder (everything, for an empty set) stays in
   * `fromModule`. Implements economy's StakingForEconomy port.
   */
  allocateFees(ctx: Ctx, fromModule: string, amount: bigint): bigint {
    return this.distribution.allocateFrom(ctx, this.valset.activeSetFor(ctx, ctx.block.height), fromModule, amount);
  }

  // ---- consensus integration ---------------------------------------------------------------------

  /** The validator set consensus must use at `height` (changes from block H apply at H+2). */
  activeSetFor(ctx: Ctx, height: number): ActiveValidator[] {
    return this.valset.activeSetFor(ctx, height);
  }

  /** Alias of activeSetFor. */
  validatorSetAt(ctx: Ctx, height: number): ActiveValidator[] {
    return this.valset.activeSetFor(ctx, height);
  }

  /** Set changes decided at the current height (effective at H+2): run by end-block. */
  applyValidatorSetUpdates(ctx: Ctx): StakingValidatorUpdate[] {
    return this.valset.apply(ctx);
  }

  /** Double-sign evidence: 5% burned, jailed, tombstoned. `id`: operator address or consensus key hex. */
  slashDoubleSign(ctx: Ctx, id: string, infractionHeight: number): SlashResult | undefined {
    return this.slashing.slashDoubleSign(ctx, id, infractionHeight);
  }

  /**
   * Liveness input: the signers of the commit for `signedHeight` (default ctx height − 1),
   * as operator addresses or consensus key hex. Call once per block.
   */
  recordSignatures(ctx: Ctx, signers: readonly string[], signedHeight: number = ctx.block.height - 1): SlashResult[] {
    if (signedHeight < 1) return [];
    return this.slashing.recordSignatures(ctx, signers, this.valset.activeSetFor(ctx, signedHeight), signedHeight);
  }

  unjail(ctx: Ctx, operator: string): void {
    this.slashing.unjail(ctx, operator);
  }

  /** Holds the FEMTO band role: operator of a bonded, not jailed validator. */
  isActiveValidator(ctx: Ctx, address: string): boolean {
    let v: Validator | undefined;
    try {
      v = this.store.validator(ctx, address);
    } catch {
      return false;
    }
    return v !== undefined && v.status === "bonded" && !v.jailed;
  }

  // ---- block hooks ---------------------------------------------------------------------------------

  /** Begin-block: pay this height's reward to the set consensus runs at this height. */
  beginBlock(ctx: Ctx): void {
    this.distribution.allocate(ctx, this.valset.activeSetFor(ctx, ctx.block.height));
  }

  /** End-block: drain matured queues (bounded), then compute set updates. */
  endBlock(ctx: Ctx): StakingValidatorUpdate[] {
    let budget = this.store.params(ctx).maxMaturePerBlock;
    budget -= this.delegations.matureUnbondings(ctx, budget);
    if (budget > 0) budget -= this.delegations.matureRedelegations(ctx, budget);
    if (budget > 0) this.delegations.matureValidators(ctx, budget);
    return this.valset.apply(ctx);
  }
}
