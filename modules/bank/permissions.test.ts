import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, type TestNode } from "../../test/helpers/node-harness.ts";
import { sendBody } from "../../test/helpers/txs.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { ExecContext } from "../../runtime/modules/context.ts";
import { Branch } from "../../runtime/state/branch.ts";
import { MemoryKV } from "../../runtime/state/memory-kv.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { BankKeeper, BankTypeUrls, bankConfig, createBankModule, defaultModuleAccountPermissions, type BankModuleOptions } from "./index.ts";
import { STAKING_MODULE_ACCOUNT_PERMISSIONS } from "../staking/index.ts";

const nxt = (amount: bigint | number): { denom: string; amount: string }[] => [{ denom: "nxt", amount: String(amount) }];

async function run(t: TestNode, n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], nonce: bigint): Promise<ReceiptView> {
  const s = testSigner(n);
  const d = signTx({ ...sendBody(s, s.address, 1n, nonce), msgs, feeLimit: 10_000_000n }, [s]);
  await t.node.submitTx(d.bytes);
  await t.node.produceBlock();
  const st = t.node.getTx(toHex(d.hash));
  if (st.status !== "committed") throw new Error(st.status);
  return st.receipt;
}

async function bankNode(opts: BankModuleOptions): Promise<TestNode> {
  const modules = [createBankModule(opts)];
  return openTestNode({ modules, genesis: testGenesis({ modules, funded: 6 }) });
}

/** A deliver context over an empty in-memory store, for keeper-level rules. */
function memCtx(): ExecContext {
  return new ExecContext({ chainId: "t", height: 1, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", new Branch(new MemoryKV()));
}

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "OK";
};

describe("bank: authority and MsgUpdateParams", () => {
  let t: TestNode;
  afterEach(async () => {
    await t?.close();
    removeDir(t.dir);
  });

  it("the chain's authority replaces the params; anyone else gets BANK_UNAUTHORIZED; a bad params object never reaches a block", async () => {
    const authority = testSigner(5).address;
    t = await bankNode({ authority });
    const update = (by: string, params: Record<string, unknown>) => ({ typeUrl: BankTypeUrls.UpdateParams, value: { authority: by, params } });
    // Signer 0 signs for itself: its signature is there, but it is not the authority.
    const denied = await run(t, 0, [update(testSigner(0).address, { sendEnabled: false, maxMultiSendEntries: 10 })], 0n);
    expect(denied.codeName).to.equal("BANK_UNAUTHORIZED");
    expect(t.node.query("bank/params", {})).to.deep.equal({ sendEnabled: true, maxMultiSendEntries: 100 });
    // Naming the authority without its signature is refused at admission.
    const forged = signTx({ ...sendBody(testSigner(0), testSigner(0).address, 1n, 1n), msgs: [update(authority, { sendEnabled: false, maxMultiSendEntries: 10 })] }, [testSigner(0)]);
    await t.node.submitTx(forged.bytes).then(
      () => expect.fail("accepted"),
      (e: { code: string }) => expect(e.code).to.equal("TX_MISSING_SIGNER"),
    );
    // Params that fail the schema (maxMultiSendEntries below 2, an unknown field) are refused at admission.
    for (const params of [{ sendEnabled: false, maxMultiSendEntries: 1 }, { sendEnabled: false, maxMultiSendEntries: 10, extra: 1 }]) {
      const bad = signTx({ ...sendBody(testSigner(5), authority, 1n, 0n), msgs: [update(authority, params)] }, [testSigner(5)]);
      await t.node.submitTx(bad.bytes).then(
        () => expect.fail("accepted"),
        (e: { code: string }) => expect(e.code).to.equal("TX_INVALID_MSG"),
      );
    }
    const ok = await run(t, 5, [update(authority, { sendEnabled: false, maxMultiSendEntries: 10 })], 0n);
    expect(ok.codeName, ok.log).to.equal("OK");
    expect(ok.events.map((e) => e.type)).to.include("bank.params_updated");
    expect(t.node.query("bank/params", {})).to.deep.equal({ sendEnabled: false, maxMultiSendEntries: 10 });
    const send = await run(t, 1, [{ typeUrl: BankTypeUrls.Send, value: { from: testSigner(1).address, to: testSigner(2).address, amount: nxt(1) } }], 0n);
    expect(send.codeName).to.equal("BANK_SEND_DISABLED");
  });

  it("defaults to the gov module account as authority, and checks the chain's table at start-up", () => {
    expect(new BankKeeper().authority).to.equal(moduleAddress("gov"));
    expect(() => bankConfig({ authority: "nxs1nope" })).to.throw(/not an address/);
    expect(() => bankConfig({ permissions: { treasury: ["printer" as "minter"] } })).to.throw(/unknown permission "printer"/);
    expect(() => bankConfig({ blockedAccounts: ["Bad Name"] })).to.throw(/not a module account name/);
  });
});

describe("bank: module-account permissions and blocked accounts", () => {
  let t: TestNode | undefined;
  afterEach(async () => {
    if (t) {
      await t.close();
      removeDir(t.dir);
      t = undefined;
    }
  });

  it("only a minter mints, only a burner burns; minted and burned totals follow", () => {
    const keeper = new BankKeeper(bankConfig({ permissions: { mint_mod: ["minter"], burn_mod: ["burner"], plain: [] } }));
    const ctx = memCtx();
    const c = [{ denom: "nxt", amount: 500n }];
    expect(code(() => keeper.mint(ctx, "plain", c))).to.equal("BANK_NOT_MINTER");
    expect(code(() => keeper.mint(ctx, "unlisted", c))).to.equal("BANK_NOT_MINTER");
    expect(code(() => keeper.mint(ctx, "burn_mod", c))).to.equal("BANK_NOT_MINTER");
    keeper.mint(ctx, "mint_mod", c);
    expect(keeper.balance(ctx, moduleAddress("mint_mod"), "nxt")).to.equal(500n);
    expect(keeper.minted(ctx, "nxt")).to.equal(500n);
    keeper.sendFromModule(ctx, "mint_mod", moduleAddress("burn_mod"), [{ denom: "nxt", amount: 200n }]);
    keeper.sendFromModule(ctx, "mint_mod", moduleAddress("plain"), [{ denom: "nxt", amount: 100n }]);
    expect(code(() => keeper.burn(ctx, "mint_mod", [{ denom: "nxt", amount: 1n }]))).to.equal("BANK_NOT_BURNER");
    expect(code(() => keeper.burn(ctx, "plain", [{ denom: "nxt", amount: 1n }]))).to.equal("BANK_NOT_BURNER");
    // MsgBurn's path: a listed module account without "burner" cannot burn its coins either.
    expect(code(() => keeper.burnFrom(ctx, moduleAddress("plain"), [{ denom: "nxt", amount: 1n }]))).to.equal("BANK_NOT_BURNER");
    keeper.burn(ctx, "burn_mod", [{ denom: "nxt", amount: 150n }]);
    expect(keeper.balance(ctx, moduleAddress("burn_mod"), "nxt")).to.equal(50n);
    expect([keeper.minted(ctx, "nxt"), keeper.burned(ctx, "nxt"), keeper.supply(ctx, "nxt")]).to.deep.equal([500n, 150n, 350n]);
  });

  it("an owned denomination is minted and burned by its owner module alone; MsgBurn refuses it", () => {
    const keeper = new BankKeeper(bankConfig({ permissions: { dex: ["minter", "burner"], other: ["minter", "burner"] }, denomOwners: { "dex/": "dex" } }));
    const ctx = memCtx();
    const lp = [{ denom: "dex/pool/1", amount: 100n }];
    expect(code(() => keeper.mint(ctx, "other", lp))).to.equal("BANK_DENOM_OWNED");
    keeper.mint(ctx, "dex", lp);
    keeper.mint(ctx, "other", [{ denom: "nxt", amount: 5n }]); // unowned denominations stay open to any minter
    const holder = testSigner(0).address;
    keeper.sendFromModule(ctx, "dex", holder, [{ denom: "dex/pool/1", amount: 40n }]);
    keeper.sendFromModule(ctx, "dex", moduleAddress("other"), [{ denom: "dex/pool/1", amount: 10n }]);
    expect(code(() => keeper.burnFrom(ctx, holder, [{ denom: "dex/pool/1", amount: 1n }]))).to.equal("BANK_DENOM_OWNED");
    expect(code(() => keeper.burn(ctx, "other", [{ denom: "dex/pool/1", amount: 1n }]))).to.equal("BANK_DENOM_OWNED");
    keeper.burn(ctx, "dex", [{ denom: "dex/pool/1", amount: 50n }]);
    expect(keeper.supply(ctx, "dex/pool/1")).to.equal(50n);
    expect(() => bankConfig({ denomOwners: { dex: "dex" } })).to.throw(/must be a denomination start ending in "\/"/);
    expect(() => bankConfig({ denomOwners: { "dex/": "Bad Name" } })).to.throw(/not a module account name/);
  });

  it("the default table gives staking's pools what slashing needs, and nothing mints", () => {
    const table = defaultModuleAccountPermissions();
    for (const [name, perms] of Object.entries(STAKING_MODULE_ACCOUNT_PERMISSIONS)) for (const p of perms) expect(table[name], name).to.include(p);
    expect(Object.values(table).flat()).to.not.include("minter");
  });

  it("MsgSend and MsgMultiSend refuse blocked module accounts as recipients; the chain chooses which", async () => {
    t = await bankNode({});
    const a = testSigner(0).address;
    const to = (addr: string) => ({ typeUrl: BankTypeUrls.Send, value: { from: a, to: addr, amount: nxt(10) } });
    // Refused in checkTx (stateless: the chain's table), so the sender pays no fee.
    const refused = async (msgs: { typeUrl: string; value: Record<string, unknown> }[]): Promise<{ code: string; message: string; context: { code?: string } }> => {
      const s = testSigner(0);
      return t!.node.submitTx(signTx({ ...sendBody(s, s.address, 1n, 0n), msgs, feeLimit: 10_000_000n }, [s]).bytes).then(
        () => expect.fail("accepted"),
        (e: { code: string; message: string; context: { code?: string } }) => e,
      );
    };
    for (const name of ["bonded_pool", "not_bonded_pool", "distribution", "fee_collector"]) {
      const e = await refused([to(moduleAddress(name))]);
      expect(e.code, name).to.equal("TX_INVALID_MSG");
      expect(e.context.code, name).to.equal("BANK_BLOCKED_RECIPIENT");
      expect(e.message).to.include(name);
    }
    const multi = await refused([{ typeUrl: BankTypeUrls.MultiSend, value: { inputs: [{ address: a, coins: nxt(10) }], outputs: [{ address: moduleAddress("distribution"), coins: nxt(10) }] } }]);
    expect(multi.context.code).to.equal("BANK_BLOCKED_RECIPIENT");
    // Not blocked: the reward pool may be topped up by anyone.
    expect((await run(t, 0, [to(moduleAddress("validator_pool"))], 0n)).codeName).to.equal("OK");
    await t.close();
    removeDir(t.dir);
    t = await bankNode({ blockedAccounts: [] });
    expect((await run(t, 0, [to(moduleAddress("bonded_pool"))], 0n)).codeName).to.equal("OK");
  });
});
