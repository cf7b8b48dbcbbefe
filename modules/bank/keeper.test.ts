import { expect } from "chai";
import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { Branch } from "../../runtime/state/branch.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { BankKeeper, bankConfig } from "./index.ts";
import { FEE_COLLECTOR } from "./keeper/bank-keeper.ts";
import { BankEvents } from "./events.ts";

/** The keeper's own rules, over an in-memory store: what each call writes, emits and refuses. */
describe("bank keeper: balances, events and refusals", () => {
  const alice = testSigner(0).address;
  const bob = testSigner(1).address;
  const carol = testSigner(2).address;
  let keeper: BankKeeper;
  let ctx: ExecContext;
  beforeEach(() => {
    keeper = new BankKeeper(bankConfig({ permissions: { mint_mod: ["minter"], burn_mod: ["burner"], plain: [] }, denomOwners: { "dex/": "dex" }, blockedAccounts: ["plain"] }));
    ctx = new ExecContext({ chainId: "t", height: 1, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", new Branch(new MemoryKV()));
    keeper.genesisCredit(ctx, alice, { denom: "nxt", amount: 100n });
    keeper.genesisCredit(ctx, alice, { denom: "atom", amount: 7n });
    keeper.genesisCredit(ctx, bob, { denom: "nxt", amount: 5n });
    ctx.events.length = 0;
  });

  const caught = (f: () => unknown): { code: string; message: string; context: Record<string, unknown> } => {
    try {
      f();
    } catch (e) {
      return e as { code: string; message: string; context: Record<string, unknown> };
    }
    throw new Error("did not throw");
  };

  it("sending more than the balance is refused with what was there and what was needed; nothing moves", () => {
    const e = caught(() => keeper.send(ctx, bob, carol, [{ denom: "nxt", amount: 6n }]));
    expect(e.code).to.equal("BANK_INSUFFICIENT_FUNDS");
    expect(e.message).to.equal(`${bob} has 5nxt, needs 6nxt`);
    expect(e.context).to.deep.equal({ address: bob, denom: "nxt", have: "5", need: "6" });
    expect(keeper.balance(ctx, bob, "nxt")).to.equal(5n);
    expect(keeper.balance(ctx, carol, "nxt")).to.equal(0n);
    // Exactly the balance is allowed.
    keeper.send(ctx, bob, carol, [{ denom: "nxt", amount: 5n }]);
    expect(keeper.balance(ctx, carol, "nxt")).to.equal(5n);
  });

  it("a balance spent to zero is removed from state (no zero entries), and balances() lists one account's coins only", () => {
    expect(keeper.balances(ctx, alice)).to.deep.equal([
      { denom: "atom", amount: 7n },
      { denom: "nxt", amount: 100n },
    ]);
    keeper.send(ctx, bob, alice, [{ denom: "nxt", amount: 5n }]);
    expect(keeper.balances(ctx, bob)).to.deep.equal([]);
    expect(ctx.store.get(keeper.balanceStateKey(bob, "nxt"))).to.equal(undefined);
    expect([...keeper.allBalances(ctx)].map((b) => [b.address, b.coin.denom, b.coin.amount])).to.have.deep.members([
      [alice, "atom", 7n],
      [alice, "nxt", 105n],
    ]);
  });

  it("balanceStateKey is the key the balance is stored under (what proofs are asked for)", () => {
    const raw = ctx.store.get(keeper.balanceStateKey(alice, "nxt"));
    expect(raw).to.not.equal(undefined);
    keeper.send(ctx, alice, bob, [{ denom: "nxt", amount: 1n }]);
    expect(ctx.store.get(keeper.balanceStateKey(alice, "nxt"))).to.not.deep.equal(raw);
  });

  it("transfer, mint and burn events carry who and how much", () => {
    keeper.send(ctx, alice, bob, [{ denom: "nxt", amount: 3n }, { denom: "atom", amount: 2n }]);
    keeper.mint(ctx, "mint_mod", [{ denom: "nxt", amount: 9n }]);
    keeper.sendFromModule(ctx, "mint_mod", moduleAddress("burn_mod"), [{ denom: "nxt", amount: 4n }]);
    keeper.burn(ctx, "burn_mod", [{ denom: "nxt", amount: 4n }]);
    expect(ctx.events).to.deep.equal([
      { type: BankEvents.Transfer, attributes: { from: alice, to: bob, amount: "3nxt,2atom" } },
      { type: BankEvents.Mint, attributes: { module: "mint_mod", amount: "9nxt" } },
      { type: BankEvents.Transfer, attributes: { from: moduleAddress("mint_mod"), to: moduleAddress("burn_mod"), amount: "4nxt" } },
      { type: BankEvents.Burn, attributes: { from: moduleAddress("burn_mod"), amount: "4nxt" } },
    ]);
  });

  it("each refusal names the account, module and denomination in its message and context", () => {
    const notMinter = caught(() => keeper.mint(ctx, "plain", [{ denom: "nxt", amount: 1n }]));
    expect([notMinter.code, notMinter.message, notMinter.context]).to.deep.equal(["BANK_NOT_MINTER", `module account plain has no "minter" permission in the chain's permission table`, { module: "plain" }]);
    const notBurner = caught(() => keeper.burn(ctx, "plain", [{ denom: "nxt", amount: 1n }]));
    expect([notBurner.code, notBurner.message, notBurner.context]).to.deep.equal(["BANK_NOT_BURNER", `module account plain has no "burner" permission in the chain's permission table`, { module: "plain" }]);
    const plain = moduleAddress("plain");
    const notBurnerFrom = caught(() => keeper.burnFrom(ctx, plain, [{ denom: "nxt", amount: 1n }]));
    expect([notBurnerFrom.code, notBurnerFrom.message, notBurnerFrom.context]).to.deep.equal(["BANK_NOT_BURNER", `${plain} is the module account plain, which has no "burner" permission`, { module: "plain" }]);
    const ownedByAccount = caught(() => keeper.burnFrom(ctx, alice, [{ denom: "dex/pool/1", amount: 1n }]));
    expect([ownedByAccount.code, ownedByAccount.message, ownedByAccount.context]).to.deep.equal(["BANK_DENOM_OWNED", "an account may not burn dex/pool/1: denominations of module dex are minted and burned only by it", { denom: "dex/pool/1", owner: "dex" }]);
    const ownedByModule = caught(() => keeper.mint(ctx, "mint_mod", [{ denom: "dex/pool/1", amount: 1n }]));
    expect(ownedByModule.message).to.equal("module account mint_mod may not mint dex/pool/1: denominations of module dex are minted and burned only by it");
    const blocked = caught(() => keeper.requireNotBlocked(plain));
    expect([blocked.code, blocked.message, blocked.context]).to.deep.equal(["BANK_BLOCKED_RECIPIENT", `${plain} is the module account plain, which does not accept transfers`, { to: plain, module: "plain" }]);
    expect(() => keeper.requireNotBlocked(bob)).to.not.throw();
  });

  it("genesis burned totals raise minted and burned alike (supply unchanged); denoms lists every minted denomination", () => {
    keeper.genesisBurned(ctx, "nxt", 40n);
    expect([keeper.minted(ctx, "nxt"), keeper.burned(ctx, "nxt"), keeper.supply(ctx, "nxt")]).to.deep.equal([145n, 40n, 105n]);
    keeper.genesisBurned(ctx, "nxt", 10n);
    expect([keeper.minted(ctx, "nxt"), keeper.burned(ctx, "nxt")]).to.deep.equal([155n, 50n]);
    expect(keeper.denoms(ctx).sort()).to.deep.equal(["atom", "nxt"]);
  });

  it("metadata is stored per denomination", () => {
    const m = { denom: "nxt", display: "NXT", exponent: 8 };
    expect(keeper.metadata(ctx, "nxt")).to.equal(undefined);
    keeper.setMetadata(ctx, m);
    expect(keeper.metadata(ctx, "nxt")).to.deep.equal(m);
  });

  it("fees move from the payer to the fee collector; a zero fee writes nothing", () => {
    keeper.chargeFee(ctx, alice, 30n);
    expect(keeper.balance(ctx, alice, "nxt")).to.equal(70n);
    expect(keeper.balance(ctx, moduleAddress(FEE_COLLECTOR), "nxt")).to.equal(30n);
    expect(keeper.spendable(ctx, alice)).to.equal(70n);
    const before = (ctx.store as Branch).changes();
    keeper.chargeFee(ctx, carol, 0n);
    expect((ctx.store as Branch).changes()).to.deep.equal(before);
    expect(caught(() => keeper.chargeFee(ctx, carol, 1n)).code).to.equal("BANK_INSUFFICIENT_FUNDS");
  });
});
