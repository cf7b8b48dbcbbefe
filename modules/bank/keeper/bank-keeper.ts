import { injectable } from "inversify";
import type { Ctx } from "../../../runtime/modules/types.ts";
import type { BalanceReader, FeeHandler } from "../../../runtime/app/interfaces.ts";
import { decodeAddress, encodeAddress, moduleAddress } from "../../../runtime/crypto/address.ts";
import { bytesToUint, uintToBytes } from "../../../runtime/codec/uint.ts";
import { concatBytes, utf8 } from "../../../runtime/crypto/hash.ts";
import { namespacePrefix } from "../../../runtime/modules/prefixed-store.ts";
import { prefixEnd } from "../../../runtime/modules/prefixed-store.ts";
import { accountBalancesPrefix, balanceKey, burnedKey, BALANCE_PREFIX, MINTED_PREFIX, mintedKey, PARAMS_KEY, metadataKey } from "../keys.ts";
import { BankError } from "../errors.ts";
import { deleteByKs, getByKs, KeyStringMemo, setByKs } from "../../../runtime/modules/keyed-access.ts";
import { formatCoins, type Coin } from "../coins.ts";
import { defaultParams, NXT_DENOM, type BankParams } from "../params.ts";
import { BankEvents } from "../events.ts";

const NS = "bank";
const dec = new TextDecoder();

const addrBytes = decodeAddress; // memoised in runtime/crypto/address.ts

/** Module accounts this chain knows by name: their addresses have no key. */
export const FEE_COLLECTOR = "fee_collector";

export interface DenomMetadata {
  denom: string;
  display: string;
  exponent: number;
}

/**
 * Balances, supply and module accounts. Other modules use it through the interfaces they
 * declare (expected keepers); the application uses it as its FeeHandler.
 */
@injectable()
export class BankKeeper implements FeeHandler, BalanceReader {
  readonly feeDenom = NXT_DENOM;

  private paramsMemo: { raw: string; params: BankParams } | undefined;

  /** Read on every transfer: parsed again only when the stored bytes differ. */
  params(ctx: Ctx): BankParams {
    const raw = ctx.kv(NS).get(PARAMS_KEY);
    if (!raw) return defaultParams();
    const s = dec.decode(raw);
    if (this.paramsMemo?.raw !== s) this.paramsMemo = { raw: s, params: JSON.parse(s) as BankParams };
    return { ...this.paramsMemo.params };
  }

  setParams(ctx: Ctx, p: BankParams): void {
    ctx.kv(NS).set(PARAMS_KEY, utf8(JSON.stringify(p)));
  }

  /** Balance key strings per denomination, by address (keyed-access.ts): a transfer touches five. */
  private readonly balanceKeys = new Map<string, KeyStringMemo>();

  private balanceKs(address: string, denom: string): string {
    let m = this.balanceKeys.get(denom);
    if (!m) {
      if (this.balanceKeys.size >= 64) this.balanceKeys.clear();
      m = new KeyStringMemo((a) => balanceKey(addrBytes(a), denom), 20_000);
      this.balanceKeys.set(denom, m);
    }
    return m.get(address);
  }

  balance(ctx: Ctx, address: string, denom: string): bigint {
    return bytesToUint(getByKs(ctx.kv(NS), this.balanceKs(address, denom)));
  }

  balances(ctx: Ctx, address: string): Coin[] {
    const prefix = accountBalancesPrefix(addrBytes(address));
    const out: Coin[] = [];
    for (const [k, v] of ctx.kv(NS).iterate(prefix, prefixEnd(prefix))) {
      out.push({ denom: dec.decode(k.subarray(prefix.length)), amount: bytesToUint(v) });
    }
    return out;
  }

  private setBalance(ctx: Ctx, address: string, denom: string, amount: bigint): void {
    const ks = this.balanceKs(address, denom);
    if (amount === 0n) deleteByKs(ctx.kv(NS), ks);
    else setByKs(ctx.kv(NS), ks, uintToBytes(amount));
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

  /** New coins into a module account. Only modules call this; no message mints. */
  mint(ctx: Ctx, module: string, coins: readonly Coin[]): void {
    const to = moduleAddress(module);
    for (const c of coins) {
      this.add(ctx, to, c);
      ctx.kv(NS).set(mintedKey(c.denom), uintToBytes(this.minted(ctx, c.denom) + c.amount));
    }
    ctx.emit(BankEvents.Mint, { module, amount: formatCoins(coins) });
  }

  burn(ctx: Ctx, from: string, coins: readonly Coin[]): void {
    for (const c of coins) {
      this.sub(ctx, from, c);
      ctx.kv(NS).set(burnedKey(c.denom), uintToBytes(this.burned(ctx, c.denom) + c.amount));
    }
    ctx.emit(BankEvents.Burn, { from, amount: formatCoins(coins) });
  }

  minted(ctx: Ctx, denom: string): bigint {
    return bytesToUint(ctx.kv(NS).get(mintedKey(denom)));
  }

  burned(ctx: Ctx, denom: string): bigint {
    return bytesToUint(ctx.kv(NS).get(burnedKey(denom)));
  }

  /** Circulating supply: minted minus burned. */
  supply(ctx: Ctx, denom: string): bigint {
    return this.minted(ctx, denom) - this.burned(ctx, denom);
  }

  denoms(ctx: Ctx): string[] {
    const start = new Uint8Array([MINTED_PREFIX]);
    const out: string[] = [];
    for (const [k] of ctx.kv(NS).iterate(start, prefixEnd(start))) out.push(dec.decode(k.subarray(1)));
    return out;
  }

  setMetadata(ctx: Ctx, m: DenomMetadata): void {
    ctx.kv(NS).set(metadataKey(m.denom), utf8(JSON.stringify(m)));
  }

  metadata(ctx: Ctx, denom: string): DenomMetadata | undefined {
    const raw = ctx.kv(NS).get(metadataKey(denom));
    return raw ? (JSON.parse(dec.decode(raw)) as DenomMetadata) : undefined;
  }

  /** Every (address, coin) in state, in key order. Invariants and genesis export only: O(accounts). */
  *allBalances(ctx: Ctx): Iterable<{ address: string; coin: Coin }> {
    const start = new Uint8Array([BALANCE_PREFIX]);
    for (const [k, v] of ctx.kv(NS).iterate(start, prefixEnd(start))) {
      yield { address: encodeAddress(k.subarray(1, 33)), coin: { denom: dec.decode(k.subarray(33)), amount: bytesToUint(v) } };
    }
  }

  balanceStateKey(address: string, denom: string): Uint8Array {
    return concatBytes(namespacePrefix(NS), balanceKey(addrBytes(address), denom));
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
