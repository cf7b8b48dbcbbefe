import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID, type TestNode } from "../../test/helpers/node-harness.ts";
import { createBankModule } from "./index.ts";
import { sendBody } from "../../test/helpers/txs.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { NXT } from "./params.ts";
import { GENESIS_ALLOCATION } from "./genesis.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { Balances } from "../../modules/bank/keys.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";
import { uintToBytes } from "../../runtime/codec/uint.ts";

const supply = (t: TestNode): { minted: bigint; burned: bigint; supply: bigint } => {
  const s = t.node.query("bank/supply", { denom: "nxt" }) as { minted: string; burned: string; supply: string };
  return { minted: BigInt(s.minted), burned: BigInt(s.burned), supply: BigInt(s.supply) };
};

async function run(t: TestNode, n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], nonce: bigint, cosigners: number[] = []): Promise<ReceiptView> {
  const s = testSigner(n);
  const d = signTx({ ...sendBody(s, s.address, 1n, nonce), msgs, feeLimit: 10_000_000n }, [s, ...cosigners.map(testSigner)]);
  await t.node.submitTx(d.bytes);
  await t.node.produceBlock();
  const st = t.node.getTx(toHex(d.hash));
  if (st.status !== "committed") throw new Error(st.status);
  return st.receipt;
}

/** A transaction refused by checkTx: its TxError (code, message, context). */
async function refused(t: TestNode, n: number, msgs: { typeUrl: string; value: Record<string, unknown> }[], nonce: bigint): Promise<{ code: string; message: string; context: { code?: string } }> {
  const s = testSigner(n);
  const d = signTx({ ...sendBody(s, s.address, 1n, nonce), msgs, feeLimit: 10_000_000n }, [s]);
  return t.node.submitTx(d.bytes).then(
    () => expect.fail("accepted"),
    (e: { code: string; message: string; context: { code?: string } }) => e,
  );
}

describe("bank module", () => {
  let t: TestNode;
  // The bank alone: on the reference chain, economy routes fee_collector's balance away (and
  // burns part of it) every block, which chains/nexus/economy.test.ts covers.
  const modules = [createBankModule()];
  beforeEach(async () => {
    t = await openTestNode({ modules, genesis: testGenesis({ modules }) });
  });
  afterEach(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it("allocates 1 000 000 000 NXT at genesis as SPEC.md says, to module accounts nobody holds keys for", () => {
    for (const [module, pct] of GENESIS_ALLOCATION) {
      expect(t.node.getBalance(moduleAddress(module), "nxt").amount, module).to.equal(((1_000_000_000n * NXT * pct) / 100n).toString());
    }
    expect(GENESIS_ALLOCATION.reduce((s, [, p]) => s + p, 0n)).to.equal(100n);
    // test genesis adds 4 funded test keys of 1 000 000 NXT each
    expect(supply(t)).to.deep.equal({ minted: 1_004_000_000n * NXT, burned: 0n, supply: 1_004_000_000n * NXT });
  });

  it("multi-sends when inputs equal outputs, and needs every input's signature", async () => {
    const [a, b, c, d] = [0, 1, 2, 3].map(testSigner);
    const ms = (inputs: [string, number][], outputs: [string, number][]) => ({
      typeUrl: "/bank.v1.MsgMultiSend",
      value: {
        inputs: inputs.map(([address, n]) => ({ address, coins: [{ denom: "nxt", amount: String(n) }] })),
        outputs: outputs.map(([address, n]) => ({ address, coins: [{ denom: "nxt", amount: String(n) }] })),
      },
    });
    const before = BigInt(t.node.getBalance(c!.address, "nxt").amount);
    const ok = await run(t, 0, [ms([[a!.address, 70], [b!.address, 30]], [[c!.address, 60], [d!.address, 40]])], 0n, [1]);
    expect(ok.code, ok.log).to.equal(0);
    expect(BigInt(t.node.getBalance(c!.address, "nxt").amount) - before).to.equal(60n);
    // Unbalanced: refused in checkTx, before any fee.
    const unbalanced = await refused(t, 0, [ms([[a!.address, 70]], [[c!.address, 71]])], 1n);
    expect(unbalanced.code).to.equal("TX_INVALID_MSG");
    expect(unbalanced.context.code).to.equal("BANK_MULTISEND_UNBALANCED");
    expect(unbalanced.message).to.match(/inputs total 70nxt but outputs total 71nxt/);
    // b's coins need b's signature
    await t.node
      .submitTx(signTx({ ...sendBody(a!, a!.address, 1n, 1n), msgs: [ms([[b!.address, 5]], [[c!.address, 5]])] }, [a!]).bytes)
      .then(() => expect.fail("accepted"), (e: { code: string }) => expect(e.code).to.equal("TX_MISSING_SIGNER"));
  });

  it("burns: balance down, burned and supply follow, and minted = balances + burned holds", async () => {
    const a = testSigner(0);
    const s0 = supply(t);
    const r = await run(t, 0, [{ typeUrl: "/bank.v1.MsgBurn", value: { from: a.address, amount: [{ denom: "nxt", amount: "12345" }] } }], 0n);
    expect(r.code, r.log).to.equal(0);
    expect(r.events.map((e) => e.type)).to.include("bank.burn");
    const s1 = supply(t);
    expect(s1.burned - s0.burned).to.equal(12345n);
    expect(s1.minted).to.equal(s0.minted);
    expect(s0.supply - s1.supply).to.equal(12345n);
    // The node checks invariants every block (checkInvariants on in the harness); check directly too.
    const ctx = t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: t.node.height, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH });
    expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal([]);
    ctx.kv("bank").set(new Uint8Array([0x03, ...Buffer.from("nxt")]), new Uint8Array([1])); // tamper with burned
    expect(t.node.app.modules.checkInvariants(ctx)[0]).to.match(/^bank\/total-supply: nxt: balances \d+ \+ burned 1 != minted \d+/);
  });

  it("the supply invariant catches an inflated balance: coins credited without being minted", () => {
    const ctx = t.node.app.queryContext({ chainId: TEST_CHAIN_ID, height: t.node.height, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH });
    expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal([]);
    const a = testSigner(0).address;
    const had = BigInt(t.node.getBalance(a, "nxt").amount);
    Balances.set(ctx, [a, "nxt"], had + 1n); // one unit out of thin air
    const s = supply(t);
    expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal([
      `bank/total-supply: nxt: balances ${s.supply + 1n} + burned ${s.burned} != minted ${s.minted}`,
    ]);
  });

  it("collects fees into the fee collector module account", async () => {
    const before = BigInt(t.node.getBalance(moduleAddress("fee_collector"), "nxt").amount);
    const a = testSigner(0);
    const r = await run(t, 0, [{ typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: testSigner(1).address, amount: [{ denom: "nxt", amount: "1" }] } }], 0n);
    expect(BigInt(t.node.getBalance(moduleAddress("fee_collector"), "nxt").amount) - before).to.equal(BigInt(r.fee));
  });

  it("refuses in checkTx (no fee) a denomination twice in one message, and zero amounts", async () => {
    const a = testSigner(0);
    const dup = await refused(t, 0, [{ typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: a.address, amount: [{ denom: "nxt", amount: "1" }, { denom: "nxt", amount: "2" }] } }], 0n);
    expect([dup.code, dup.context.code]).to.deep.equal(["TX_INVALID_MSG", "BANK_DUPLICATE_DENOM"]);
    const zero = await refused(t, 0, [{ typeUrl: "/bank.v1.MsgSend", value: { from: a.address, to: a.address, amount: [{ denom: "nxt", amount: "0" }] } }], 0n);
    expect([zero.code, zero.context.code]).to.deep.equal(["TX_INVALID_MSG", "BANK_INVALID_AMOUNT"]);
    const burnZero = await refused(t, 0, [{ typeUrl: "/bank.v1.MsgBurn", value: { from: a.address, amount: [{ denom: "nxt", amount: "0" }] } }], 0n);
    expect([burnZero.code, burnZero.context.code]).to.deep.equal(["TX_INVALID_MSG", "BANK_INVALID_AMOUNT"]);
  });
});
