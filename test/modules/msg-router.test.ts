import { expect } from "chai";
import { ContainerModule, inject, injectable } from "inversify";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID } from "../helpers/node-harness.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { MSG_ROUTER_TOKEN, type MsgRouter } from "../../runtime/modules/msg-router.ts";
import { ADDRESS_PATTERN } from "../../runtime/modules/schemas.ts";
import type { ChainModule, ModuleInstance, MsgDef } from "../../runtime/modules/types.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { createBankModule } from "../../modules/bank/index.ts";
import { sendMsg } from "../../modules/bank/client.ts";

/** A stand-in for governance: MsgExec runs its messages through the router as the "exec" module account. */
const EXEC = moduleAddress("exec");
const execSchema = {
  $id: "https://nexusos.dev/schemas/test.exec.v1.MsgExec.json",
  type: "object",
  properties: {
    sender: { type: "string", pattern: ADDRESS_PATTERN },
    band: { type: "integer", minimum: 1, maximum: 7 },
    msgs: { type: "array", items: { type: "object", properties: { typeUrl: { type: "string" }, value: { type: "object" } }, required: ["typeUrl", "value"], additionalProperties: false } },
  },
  required: ["sender", "band", "msgs"],
  additionalProperties: false,
} as const;

@injectable()
class ExecModule implements ModuleInstance {
  readonly msgs: MsgDef[];
  constructor(@inject(MSG_ROUTER_TOKEN) router: MsgRouter) {
    this.msgs = [
      {
        typeUrl: "/exec.v1.MsgExec",
        schema: execSchema,
        signers: (m: { sender: string }) => [m.sender],
        handle: (ctx, m: { band: number; msgs: Msg[] }) => void router.execute(ctx, { signer: EXEC, band: m.band as Band, msgs: m.msgs }),
      },
    ];
  }
}
const execModule: ChainModule = {
  name: "exec",
  version: 1,
  bindings: new ContainerModule(({ bind }) => void bind(Symbol.for("exec.Module")).to(ExecModule).inSingletonScope()),
  instance: Symbol.for("exec.Module"),
};

describe("message router: a module runs messages as its module account, all or nothing", () => {
  const bank = createBankModule({ authority: EXEC });
  const modules = [bank, execModule];
  const alice = testSigner(0);
  const bob = testSigner(1).address;

  async function run(msgs: Msg[], band = Band.NANO): Promise<{ code: number; codeName: string; log: string; events: { type: string }[]; balances: (a: string) => string; params: unknown }> {
    const genesis = testGenesis({ modules, extra: { bank: { ...(testGenesis({ modules }).modules.bank as object), moduleBalances: [{ module: "exec", coins: [{ denom: "nxt", amount: "1000" }] }] } } });
    const t = await openTestNode({ modules, genesis });
    try {
      const tx = buildTx({ chainId: TEST_CHAIN_ID, signer: alice, nonce: 0n, msgs: [{ typeUrl: "/exec.v1.MsgExec", value: { sender: alice.address, band, msgs } }] });
      await t.node.submitTx(tx.bytes);
      await t.node.produceBlock();
      const r = t.node.blockReceipts(1)[0]!;
      const bal = new Map([EXEC, bob].map((a) => [a, t.node.getBalance(a, "nxt").amount]));
      return { code: r.code, codeName: r.codeName, log: r.log, events: r.events, balances: (a) => bal.get(a)!, params: t.node.query("bank/params", {}) };
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  }

  it("runs every message as the module account: coins leave its account, params change by its authority", async () => {
    const params = { sendEnabled: true, maxMultiSendEntries: 7 };
    const r = await run([sendMsg(EXEC, bob, 300n), { typeUrl: "/bank.v1.MsgUpdateParams", value: { authority: EXEC, params } }]);
    expect(r.code, r.log).to.equal(0);
    expect(r.balances(EXEC)).to.equal("700");
    expect(r.params).to.deep.include(params);
    expect(r.events.map((e) => e.type)).to.include("bank.transfer");
  });

  it("a failing message undoes the whole list (the first send is not kept)", async () => {
    const r = await run([sendMsg(EXEC, bob, 300n), sendMsg(EXEC, bob, 5000n)]);
    expect(r.codeName).to.equal("ROUTER_MSG_FAILED");
    expect(r.log).to.match(/message 1 \(\/bank\.v1\.MsgSend\) failed/);
    expect(r.balances(EXEC)).to.equal("1000");
  });

  it("refuses, before any write, a message needing another signer, an unknown one, one failing its schema", async () => {
    const stranger = await run([sendMsg(EXEC, bob, 1n), sendMsg(alice.address, bob, 1n)]);
    expect(stranger.codeName).to.equal("ROUTER_UNAUTHORIZED");
    expect(stranger.balances(EXEC)).to.equal("1000");
    expect((await run([{ typeUrl: "/nope.v1.MsgNope", value: {} }])).codeName).to.equal("ROUTER_UNKNOWN_MSG");
    const bad = await run([{ typeUrl: "/bank.v1.MsgSend", value: { from: EXEC, to: bob } }]);
    expect(bad.codeName).to.equal("ROUTER_INVALID_MSG");
    expect(bad.log).to.match(/amount/);
  });
});
