import { GENESIS_PREV_HASH } from "../../runtime/modules/types.ts";
import { expect } from "chai";
import { openTestNode, testGenesis, testSigner, removeDir } from "../../test/helpers/node-harness.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { sendBody } from "../../test/helpers/txs.ts";
import { bankModule } from "../../modules/bank/index.ts";
import { counterModule, createCounterModule } from "./index.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";

const change = (n: number, step: string, nonce: bigint) => {
  const s = testSigner(n);
  const body = { ...sendBody(s, s.address, 1n, nonce), msgs: [{ typeUrl: "/counter.v1.MsgChange", value: { owner: s.address, step } }] };
  return signTx(body, [s]);
};

describe("example module (examples/counter-module) loaded into a node", () => {
  const modules = [bankModule, counterModule];

  it("handles messages, runs its end-block hook, keeps its invariant, and exports genesis", async () => {
    const genesis = testGenesis({ modules, extra: { counter: { params: { maxStep: 10, snapshotEvery: 2, pricePerIncrement: "100" }, counts: [] } } });
    const t = await openTestNode({ modules, genesis });
    try {
      await t.node.submitTx(change(0, "7", 0n).bytes);
      await t.node.submitTx(change(1, "3", 0n).bytes);
      const tooBig = change(2, "11", 0n);
      await t.node.submitTx(tooBig.bytes);
      await t.node.produceBlock(); // height 1
      await t.node.submitTx(change(0, "-8", 1n).bytes); // underflow
      const b2 = await t.node.produceBlock(); // height 2: snapshot
      expect(t.node.query("counter/count", { address: testSigner(0).address })).to.deep.equal({ address: testSigner(0).address, count: "7" });
      expect(t.node.query("counter/total", {})).to.deep.equal({ total: "10", snapshot: { height: 2, total: "10" } });
      const r = t.node.getTx(Buffer.from(tooBig.hash).toString("hex"));
      expect(r.status === "committed" && r.receipt.codeName).to.equal("COUNTER_STEP_TOO_LARGE");
      const under = t.node.blockReceipts(2)[0]!;
      expect(under.codeName).to.equal("COUNTER_UNDERFLOW");
      // The price went to the counter's module account through the expected bank keeper.
      const { moduleAddress } = await import("../../runtime/crypto/address.ts");
      expect(t.node.getBalance(moduleAddress("counter"), "nxt").amount).to.equal("1000");
      expect(b2.header.height).to.equal(2);
      // Genesis export lists the counts; the invariant catches a tampered total.
      const ctx = t.node.app.queryContext({ chainId: "nexus-test-1", height: 2, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH });
      const exported = t.node.app.modules.exportGenesis(ctx) as { counter: { counts: { address: string; count: string }[] } };
      expect(exported.counter.counts).to.have.deep.members([
        { address: testSigner(0).address, count: "7" },
        { address: testSigner(1).address, count: "3" },
      ]);
      expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal([]);
      ctx.kv("counter").set(new Uint8Array([0x02]), new Uint8Array([99]));
      expect(t.node.app.modules.checkInvariants(ctx)).to.deep.equal(["counter/total-matches-sum: stored total 99 != sum of counts 10"]);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });

  it("upgrades from version 1 to 2 by running the migration in the first block of the new binary", async () => {
    const v1: ChainModule = { ...counterModule, version: 1 };
    const genesis = testGenesis({ modules: [bankModule, v1] });
    const t1 = await openTestNode({ modules: [bankModule, v1], genesis });
    await t1.node.submitTx(change(0, "4", 0n).bytes);
    await t1.node.produceBlock();
    expect(t1.node.query("counter/total", {})).to.deep.equal({ total: "4", snapshot: null });
    await t1.close();
    const t2 = await openTestNode({ modules: [bankModule, counterModule], genesis, dir: t1.dir });
    try {
      await t2.node.produceBlock(); // height 2: migration 1→2 writes a snapshot
      expect(t2.node.query("counter/total", {})).to.deep.equal({ total: "4", snapshot: { height: 2, total: "4" } });
      expect(t2.node.blockReceipts(2)).to.deep.equal([]);
    } finally {
      await t2.close();
      removeDir(t1.dir);
    }
  });

  it("takes MsgUpdateParams from its authority only, and pages its counts with an opaque cursor", async () => {
    const authority = testSigner(3);
    const mods = [bankModule, createCounterModule({ authority: authority.address })];
    const t = await openTestNode({ modules: mods, genesis: testGenesis({ modules: mods }) });
    try {
      const update = (n: number, by: string, nonce: bigint) =>
        signTx({ ...sendBody(testSigner(n), testSigner(n).address, 1n, nonce), msgs: [{ typeUrl: "/counter.v1.MsgUpdateParams", value: { authority: by, params: { maxStep: 2, snapshotEvery: 5, pricePerIncrement: "0" } } }] }, [testSigner(n)]);
      const denied = update(0, testSigner(0).address, 0n);
      const ok = update(3, authority.address, 0n);
      await t.node.submitTx(denied.bytes);
      await t.node.submitTx(ok.bytes);
      await t.node.produceBlock();
      const receipt = (h: Uint8Array) => {
        const r = t.node.getTx(toHex(h));
        return r.status === "committed" ? r.receipt.codeName : r.status;
      };
      expect(receipt(denied.hash)).to.equal("COUNTER_UNAUTHORIZED");
      expect(receipt(ok.hash)).to.equal("OK");
      expect(t.node.query("counter/params", {})).to.deep.equal({ maxStep: 2, snapshotEvery: 5, pricePerIncrement: "0" });
      for (let n = 0; n < 3; n++) await t.node.submitTx(change(n, "2", n === 0 ? 1n : 0n).bytes);
      await t.node.produceBlock();
      const first = t.node.query("counter/counts", { limit: 2 }) as { counts: { address: string }[]; next: string | null };
      expect(first.counts).to.have.length(2);
      const rest = t.node.query("counter/counts", { limit: 2, after: first.next }) as { counts: { address: string }[]; next: string | null };
      expect(rest.next).to.equal(null);
      expect([...first.counts, ...rest.counts].map((c) => c.address)).to.have.members([0, 1, 2].map((n) => testSigner(n).address));
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
