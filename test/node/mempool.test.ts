import { expect } from "chai";
import { openTestNode, testSigner, removeDir } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { TxError } from "../../runtime/tx/errors.ts";

describe("mempool", () => {
  it("orders a block by tip across senders while keeping each sender's nonce order", async () => {
    const t = await openTestNode();
    try {
      const to = testSigner(20).address;
      const a = [signedSend(testSigner(0), to, 1n, 0n, { tip: 1n }), signedSend(testSigner(0), to, 1n, 1n, { tip: 500n })];
      const b = [signedSend(testSigner(1), to, 1n, 0n, { tip: 100n })];
      const c = [signedSend(testSigner(2), to, 1n, 0n, { tip: 50n }), signedSend(testSigner(2), to, 1n, 1n, { tip: 0n })];
      for (const d of [...a, ...b, ...c]) await t.node.submitTx(d.bytes);
      const order = t.node.mempool.reap(100, 1 << 20).map((d) => toHex(d.hash));
      // b (100) → c0 (50) → a0 (1, unlocks a1 at 500) → a1 (500) → c1 (0)
      expect(order).to.deep.equal([b[0]!, c[0]!, a[0]!, a[1]!, c[1]!].map((d) => toHex(d.hash)));
      const block = await t.node.produceBlock();
      expect(block.txs).to.deep.equal(order);
      expect(t.node.mempool.size).to.equal(0);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });

  it("is bounded in count and bytes, with a clear rejection", async () => {
    const t = await openTestNode({ config: { mempool: { maxTxs: 2, maxBytes: 1 << 20, ttlBlocks: 100 } } });
    try {
      const to = testSigner(20).address;
      await t.node.submitTx(signedSend(testSigner(0), to, 1n, 0n).bytes);
      await t.node.submitTx(signedSend(testSigner(1), to, 1n, 0n).bytes);
      try {
        await t.node.submitTx(signedSend(testSigner(2), to, 1n, 0n).bytes);
        expect.fail("accepted");
      } catch (e) {
        expect((e as TxError).code).to.equal("TX_MEMPOOL_FULL");
        expect((e as Error).message).to.match(/mempool is full \(2 transactions/);
      }
    } finally {
      await t.close();
      removeDir(t.dir);
    }
    const small = await openTestNode({ config: { mempool: { maxTxs: 100, maxBytes: 500, ttlBlocks: 100 } } });
    try {
      await small.node.submitTx(signedSend(testSigner(0), testSigner(20).address, 1n, 0n).bytes);
      await small.node
        .submitTx(signedSend(testSigner(1), testSigner(20).address, 1n, 0n).bytes)
        .then(() => expect.fail("accepted"), (e: TxError) => expect(e.code).to.equal("TX_MEMPOOL_FULL"));
    } finally {
      await small.close();
      removeDir(small.dir);
    }
  });

  it("evicts on expiry (timeout height and TTL), taking later nonces of that sender with it", async () => {
    const t = await openTestNode({ config: { mempool: { maxTxs: 100, maxBytes: 1 << 20, ttlBlocks: 3 } } });
    try {
      const to = testSigner(20).address;
      const s = testSigner(0);
      await t.node.submitTx(signedSend(s, to, 1n, 0n, { timeoutHeight: 2 }).bytes);
      await t.node.submitTx(signedSend(s, to, 1n, 1n).bytes);
      // Fill blocks without them: reap nothing by producing with an empty selection.
      const reap = t.node.mempool.reap.bind(t.node.mempool);
      t.node.mempool.reap = () => [];
      await t.node.produceBlock(); // height 1: can still go into block 2
      expect(t.node.mempool.size).to.equal(2);
      await t.node.produceBlock(); // height 2 committed: it can never be included → both go (nonce 1 needs 0)
      expect(t.node.mempool.size).to.equal(0);
      // TTL: queued at height 2, gone once 3 blocks have passed.
      await t.node.submitTx(signedSend(testSigner(1), to, 1n, 0n).bytes);
      await t.node.produceBlock();
      await t.node.produceBlock();
      expect(t.node.mempool.size).to.equal(1);
      await t.node.produceBlock();
      expect(t.node.mempool.size).to.equal(0);
      t.node.mempool.reap = reap;
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });

  it("admits a burst of one sender's transactions in nonce order even when checks finish out of order", async () => {
    const { WorkerVerifyPool } = await import("../../runtime/node/verify-pool.ts");
    const t = await openTestNode({ verifier: new WorkerVerifyPool({ threads: 2 }) });
    try {
      const s = testSigner(0);
      const txs = Array.from({ length: 200 }, (_, i) => signedSend(s, testSigner(20).address, 1n, BigInt(i)));
      const results = await Promise.allSettled(txs.map((d) => t.node.submitTx(d.bytes)));
      expect(results.filter((r) => r.status === "rejected")).to.deep.equal([]);
      const block = await t.node.produceBlock();
      expect(block.txs.length).to.equal(200);
      expect(t.node.getAccount(s.address).nonce).to.equal("200");
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
