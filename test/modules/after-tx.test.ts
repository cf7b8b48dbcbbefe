import { expect } from "chai";
import { ContainerModule, injectable } from "inversify";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID, type TestNode } from "../helpers/node-harness.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import { toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { ModuleError } from "../../runtime/tx/errors.ts";
import type { ChainModule, ModuleInstance, MsgCtx, QueryDef, TxOutcome } from "../../runtime/modules/types.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { createBankModule } from "../../modules/bank/index.ts";
import { sendMsg } from "../../modules/bank/client.ts";

/** Counts what it is shown in its own state, and fails a transaction whose memo-like amount is 13. */
@injectable()
class WatcherModule implements ModuleInstance {
  static seen: TxOutcome[] = [];
  readonly queries: Record<string, QueryDef> = {
    count: { schema: { $id: "https://nexusos.dev/schemas/test.watch.v1.QueryCount.json", type: "object", properties: {}, additionalProperties: false }, handle: (ctx) => Number(new TextDecoder().decode(ctx.kv("watch").get(utf8("n")) ?? utf8("0"))) },
  };
  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    WatcherModule.seen.push(tx);
    const n = Number(new TextDecoder().decode(ctx.kv("watch").get(utf8("n")) ?? utf8("0")));
    ctx.kv("watch").set(utf8("n"), utf8(String(n + 1)));
    ctx.emit("watch.seen", { sender: ctx.sender, events: String(tx.events.length) });
    if (tx.events.some((e) => e.attributes.amount === "13nxt")) throw new ModuleError("watch", "WATCH_UNLUCKY", "13 is refused after the fact");
  }
}
const watchModule: ChainModule = {
  name: "watch",
  version: 1,
  bindings: new ContainerModule(({ bind }) => void bind(Symbol.for("watch.Module")).to(WatcherModule).inSingletonScope()),
  instance: Symbol.for("watch.Module"),
};

describe("runtime: a module's afterTx hook runs inside the transaction it reacts to", () => {
  const modules = [createBankModule({ authority: testSigner(9).address }), watchModule];
  const alice = testSigner(0);
  const bob = testSigner(1).address;
  let t: TestNode;
  let nonce = 0n;
  before(async () => {
    t = await openTestNode({ modules, genesis: testGenesis({ modules, funded: 2 }) });
  });
  after(async () => {
    await t.close();
    removeDir(t.dir);
  });
  beforeEach(() => {
    WatcherModule.seen = [];
  });

  async function run(msgs: Msg[]): Promise<ReceiptView> {
    const tx = buildTx({ chainId: TEST_CHAIN_ID, signer: alice, nonce: nonce++, msgs });
    await t.node.submitTx(tx.bytes);
    await t.node.produceBlock();
    const r = t.node.getTx(toHex(tx.hash));
    if (r.status !== "committed") throw new Error(r.status);
    return r.receipt;
  }
  const bal = (a: string): bigint => BigInt(t.node.getBalance(a, "nxt").amount);

  it("after a successful transaction: sees its nonce, messages and events; its writes and events are the transaction's", async () => {
    const r = await run([sendMsg(alice.address, bob, 5n)]);
    expect(r.codeName, r.log).to.equal("OK");
    expect(WatcherModule.seen).to.have.length(1);
    expect(WatcherModule.seen[0]!.nonce).to.equal(0n);
    expect(WatcherModule.seen[0]!.msgs.map((m) => m.typeUrl)).to.deep.equal(["/bank.v1.MsgSend"]);
    expect(WatcherModule.seen[0]!.events.map((e) => e.type)).to.deep.equal(["bank.transfer"]);
    expect(r.events.map((e) => e.type)).to.deep.equal(["tx.fee", "bank.transfer", "watch.seen"]);
    expect(t.node.query("watch/count", {})).to.equal(1);
  });

  it("not after a failed transaction", async () => {
    const r = await run([sendMsg(alice.address, bob, 999999999999999999n)]);
    expect(r.codeName).to.not.equal("OK");
    expect(WatcherModule.seen).to.deep.equal([]);
    expect(t.node.query("watch/count", {})).to.equal(1);
  });

  it("a throw fails the transaction: the messages' writes and the hook's are undone, the fee stays", async () => {
    const before = bal(bob);
    const r = await run([sendMsg(alice.address, bob, 13n)]);
    expect(r.codeName).to.equal("WATCH_UNLUCKY");
    expect(r.log).to.match(/13 is refused/);
    expect(bal(bob)).to.equal(before);
    expect(t.node.query("watch/count", {})).to.equal(1);
    expect(BigInt(r.fee) > 0n).to.equal(true);
  });
});
