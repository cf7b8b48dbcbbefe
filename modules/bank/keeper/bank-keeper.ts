import { inject, injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import type { BalanceReader, FeeHandler } from "../../../runtime/app/interfaces.ts";
import { moduleAddress } from "../../../runtime/crypto/address.ts";
import { concatBytes } from "../../../runtime/crypto/hash.ts";
import { namespacePrefix } from "../../../runtime/modules/prefixed-store.ts";
import { KeyStringMemo } from "../../../runtime/modules/keyed-access.ts";
import { Balances, Burned, Metadata, Minted, Params, type DenomMetadata } from "../keys.ts";
import { BankError } from "../errors.ts";
import { formatCoins, type Coin } from "../coins.ts";
import { defaultParams, NXT_DENOM, type BankParams } from "../params.ts";
import { bankConfig, ModuleAccounts, type BankConfig } from "../permissions.ts";
import { BankEvents } from "../events.ts";

const NS = "bank";

/** Module accounts this chain knows by name: their addresses have no key. */
export const FEE_COLLECTOR = "fee_collector";

export type { DenomMetadata };

/** Token of the BankConfig the chain gives (authority, module-account permissions, blocked accounts). */
export const BankConfigToken = Symbol.for("bank.Config");

/**
 * Balances, supply and module accounts. Other modules use it through the interfaces they
 * declare (expected keepers); the application uses it as its FeeHandler.
 */
@injectable()
export class BankKeeper implements FeeHandler, BalanceReader {
  readonly feeDenom = NXT_DENOM;
  readonly accounts: ModuleAccounts;

  constructor(@inject(BankConfigToken) readonly config: BankConfig = bankConfig()) {
    this.accounts = new ModuleAccounts(config);
  }

  /** Address allowed to update the params. */
  get authority(): string {
    return this.config.authority;
  }

  /** Read on every transfer: the Item decodes (and schema-checks) the stored bytes once per change. */
  params(ctx: Ctx): BankParams {
    return Params.get(ctx) ?? defaultParams();
  }

  setParams(ctx: Ctx, p: BankParams): void {
    Params.set(ctx, p);
  }

  /** Balance key strings per denomination, by address (keyed-access.ts): a transfer touches five. */
  private readonly balanceKeys = new Map<string, KeyStringMemo>();

  private balanceKs(address: string, denom: string): string {
    let m = this.balanceKeys.get(denom);
    if (!m) {
      if (this.balanceKeys.size >= 64) this.balanceKeys.clear();
      m = new KeyStringMemo((a) => Balances.rawKey([a, denom]), 20_000);
      this.balanceKeys.set(denom, m);
    }
    return m.get(address);
  }

  balance(ctx: Ctx, address: string, denom: string): bigint {
    return Balances.getKs(ctx, this.balanceKs(address, denom)) ?? 0n;
  }

  balances(ctx: Ctx, address: string): Coin[] {
    const out: Coin[] = [];
    for (const [[, denom], amount] of Balances.iterate(ctx, { prefix: [address] })) out.push({ denom, amount });
    return out;
  }

  private setBalance(ctx: Ctx, address: string, denom: string, amount: bigint): void {
    const ks = this.balanceKs(address, denom);
    if (amount === 0n) Balances.deleteKs(ctx, ks);
    else Balances.setKs(ctx, ks, amount);
  }

  private sub(ctx: Ctx, address: string, coin: Coin): void {
    const have = this.balance(ctx, address, coin.denom);
    if (have < coin.amount) {
      throw new BankError("BANK_INSUFFICIENT_FUNDS", `${address} has ${have}${coin.denom}, needs ${coin.amount}${coin.denom}`, {
        address,
        denom: coin.denom,
        have: have.toString(),
        need: coin.amount.toString(),
      });
    }
    this.setBalance(ctx, address, coin.denom, have - coin.amount);
  }

  private add(ctx: Ctx, address: string, coin: Coin): void {
    this.setBalance(ctx, address, coin.denom, this.balance(ctx, address, coin.denom) + coin.amount);
  }

  send(ctx: Ctx, from: string, to: string, coins: readonly Coin[]): void {
    for (const c of coins) this.sub(ctx, from, c);
    for (const c of coins) this.add(ctx, to, c);
    ctx.emit(BankEvents.Transfer, { from, to, amount: formatCoins(coins) });
  }

  sendFromModule(ctx: Ctx, module: string, to: string, coins: readonly Coin[]): void {
    this.send(ctx, moduleAddress(module), to, coins);
  }

  sendToModule(ctx: Ctx, from: string, module: string, coins: readonly Coin[]): void {
    this.send(ctx, from, moduleAddress(module), coins);
  }

  /** MsgSend and MsgMultiSend refuse blocked module accounts as recipients (module-to-module moves do not). */
  requireNotBlocked(to: string): void {
    if (this.accounts.isBlocked(to)) {
      throw new BankError("BANK_BLOCKED_RECIPIENT", `${to} is the module account ${this.accounts.nameOf(to)}, which does not accept transfers`, { to, module: this.accounts.nameOf(to) });
    }
  }

  /** A denomination owned by another module (config.denomOwners) is minted and burned by that module alone. */
  private requireOwner(module: string | undefined, coins: readonly Coin[], action: "mint" | "burn"): void {
    for (const c of coins) {
      const owner = this.accounts.ownerOf(c.denom);
      if (owner !== undefined && owner !== module) {
        const who = module === undefined ? "an account" : `module account ${module}`;
        throw new BankError("BANK_DENOM_OWNED", `${who} may not ${action} ${c.denom}: denominations of module ${owner} are minted and burned only by it`, { denom: c.denom, owner });
      }
    }
  }

  /** New coins into a module account that holds the "minter" permission. */
  mint(ctx: Ctx, module: string, coins: readonly Coin[]): void {
    if (!this.accounts.has(module, "minter")) {
      throw new BankError("BANK_NOT_MINTER", `module account ${module} has no "minter" permission in the chain's permission table`, { module });
    }
    this.requireOwner(module, coins, "mint");
    for (const c of coins) this.credit(ctx, moduleAddress(module), c);
    ctx.emit(BankEvents.Mint, { module, amount: formatCoins(coins) });
  }

  /** Burn coins held by a module account that holds the "burner" permission. */
  burn(ctx: Ctx, module: string, coins: readonly Coin[]): void {
    if (!this.accounts.has(module, "burner")) {
      throw new BankError("BANK_NOT_BURNER", `module account ${module} has no "burner" permission in the chain's permission table`, { module });
    }
    this.requireOwner(module, coins, "burn");
    this.destroy(ctx, moduleAddress(module), coins);
  }

  /**
   * An account burns its own coins (MsgBurn). A listed module account (one that signs only
   * through governance) still needs the "burner" permission.
   */
  burnFrom(ctx: Ctx, from: string, coins: readonly Coin[]): void {
    const module = this.accounts.nameOf(from);
    if (module !== undefined && !this.accounts.has(module, "burner")) {
      throw new BankError("BANK_NOT_BURNER", `${from} is the module account ${module}, which has no "burner" permission`, { module });
    }
    this.requireOwner(module, coins, "burn");
    this.destroy(ctx, from, coins);
  }

  private destroy(ctx: Ctx, from: string, coins: readonly Coin[]): void {
    for (const c of coins) {
      this.sub(ctx, from, c);
      Burned.set(ctx, c.denom, this.burned(ctx, c.denom) + c.amount);
    }
    ctx.emit(BankEvents.Burn, { from, amount: formatCoins(coins) });
  }

  /** Minted total and balance up together: mint, and genesis balances. */
  private credit(ctx: Ctx, to: string, c: Coin): void {
    this.add(ctx, to, c);
    Minted.set(ctx, c.denom, this.minted(ctx, c.denom) + c.amount);
  }

  /** Genesis only: an initial balance (minted with it) and totals burned before an export. */
  genesisCredit(ctx: Ctx, to: string, c: Coin): void {
    this.credit(ctx, to, c);
  }

  genesisBurned(ctx: Ctx, denom: string, amount: bigint): void {
    Minted.set(ctx, denom, this.minted(ctx, denom) + amount);
    Burned.set(ctx, denom, this.burned(ctx, denom) + amount);
  }

  minted(ctx: Ctx, denom: string): bigint {
    return Minted.get(ctx, denom) ?? 0n;
  }

  burned(ctx: Ctx, denom: string): bigint {
    return Burned.get(ctx, denom) ?? 0n;
  }

  /** Circulating supply: minted minus burned. */
  supply(ctx: Ctx, denom: string): bigint {
    return this.minted(ctx, denom) - this.burned(ctx, denom);
  }

  denoms(ctx: Ctx): string[] {
    return [...Minted.keys(ctx)];
  }

  setMetadata(ctx: Ctx, m: DenomMetadata): void {
    Metadata.set(ctx, m.denom, m);
  }

  metadata(ctx: Ctx, denom: string): DenomMetadata | undefined {
    return Metadata.get(ctx, denom);
  }

  /** Every (address, coin) in state, in key order. Invariants and genesis export only: O(accounts). */
  *allBalances(ctx: Ctx): Iterable<{ address: string; coin: Coin }> {
    for (const [[address, denom], amount] of Balances.iterate(ctx)) yield { address, coin: { denom, amount } };
  }

  balanceStateKey(address: string, denom: string): Uint8Array {
    return concatBytes(namespacePrefix(NS), Balances.rawKey([address, denom]));
  }

  // FeeHandler
  spendable(ctx: Ctx, address: string): bigint {
    return this.balance(ctx, address, this.feeDenom);
  }

  chargeFee(ctx: Ctx, payer: string, amount: bigint): void {
    if (amount === 0n) return;
    const c = { denom: this.feeDenom, amount };
    this.sub(ctx, payer, c);
    this.add(ctx, moduleAddress(FEE_COLLECTOR), c);
  }
}
