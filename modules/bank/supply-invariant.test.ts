import { expect } from "chai";
import { totalSupplyInvariant } from "../../modules/bank/invariants.ts";
import type { BankKeeper } from "../../modules/bank/keeper/bank-keeper.ts";
import type { Coin } from "../../modules/bank/coins.ts";
import type { Ctx } from "../../runtime/modules/types.ts";

/** Just the reads the invariant makes, over fixed numbers: no store, no storage layout. */
function keeperWith(balances: readonly [string, Coin][], supply: Record<string, { minted: bigint; burned: bigint }>): BankKeeper {
  const fake = {
    *allBalances(): Iterable<{ address: string; coin: Coin }> {
      for (const [address, coin] of balances) yield { address, coin };
    },
    denoms: (): string[] => Object.keys(supply).sort(),
    minted: (_ctx: Ctx, d: string): bigint => supply[d]?.minted ?? 0n,
    burned: (_ctx: Ctx, d: string): bigint => supply[d]?.burned ?? 0n,
  };
  return fake as unknown as BankKeeper;
}

const ctx = {} as Ctx;
const nxt = (amount: bigint): Coin => ({ denom: "nxt", amount });

describe("bank total-supply invariant (balances + burned = minted)", () => {
  it("holds when balances plus burned equal minted", () => {
    const k = keeperWith([["a", nxt(60n)], ["b", nxt(30n)]], { nxt: { minted: 100n, burned: 10n } });
    expect(totalSupplyInvariant(k)(ctx)).to.equal(null);
  });

  it("catches inflation: a balance one unit above what was minted", () => {
    const k = keeperWith([["a", nxt(61n)], ["b", nxt(30n)]], { nxt: { minted: 100n, burned: 10n } });
    expect(totalSupplyInvariant(k)(ctx)).to.equal("nxt: balances 91 + burned 10 != minted 100");
  });

  it("catches a deficit: balances one unit short of what was minted", () => {
    const k = keeperWith([["a", nxt(59n)], ["b", nxt(30n)]], { nxt: { minted: 100n, burned: 10n } });
    expect(totalSupplyInvariant(k)(ctx)).to.equal("nxt: balances 89 + burned 10 != minted 100");
  });

  it("catches coins of a denomination that was never minted", () => {
    const k = keeperWith([["a", nxt(60n)], ["b", nxt(30n)], ["b", { denom: "fake", amount: 1n }]], { nxt: { minted: 100n, burned: 10n } });
    expect(totalSupplyInvariant(k)(ctx)).to.equal("fake: balances 1 + burned 0 != minted 0");
  });
});
