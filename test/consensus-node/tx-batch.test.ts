import { expect } from "chai";
import { encodeCanonical, decodeCanonical } from "../../runtime/codec/canonical.ts";
import { readBytesArray } from "../../runtime/codec/byte-arrays.ts";
import { decodeBlock, encodeBlock, type BlockHeader } from "../../runtime/app/block.ts";
import { MAX_BATCH_TXS, TxBatchError, TxBatcher, decodeTxBatch, encodeTxBatch } from "../../runtime/consensus/engine/tx-batch.ts";
import { TxBatchGossip } from "../../runtime/consensus/engine/tx-gossip.ts";
import { nodeConsensusPorts } from "../../runtime/node/consensus-ports.ts";
import type { NexusNode } from "../../runtime/node/node.ts";

import { openTestNode, removeDir, testSigner, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { sha256 } from "../../runtime/crypto/hash.ts";
import { NetPool, waitFor } from "../p2p/helpers.ts";

/** The engine's batch gossip over a real node's ports. */
function txBatchGossipOf(node: NexusNode): TxBatchGossip {
  const ports = nodeConsensusPorts(node);
  return new TxBatchGossip(ports.app, ports.pool);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A deterministic PRNG for the fuzz cases. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("transaction batches (txbatch topic)", () => {
  describe("codec", () => {
    it("round-trips, and refuses empty, oversized, unknown-format, non-canonical and trailing input", () => {
      const txs = [Uint8Array.of(1, 2, 3), new Uint8Array(300).fill(7), new Uint8Array(70_000).fill(9)];
      const back = decodeTxBatch(encodeTxBatch(txs));
      expect(back.map((t) => Buffer.from(t).toString("hex"))).to.deep.equal(txs.map((t) => Buffer.from(t).toString("hex")));
      expect(() => encodeTxBatch([])).to.throw(TxBatchError);
      expect(() => encodeTxBatch(Array.from({ length: MAX_BATCH_TXS + 1 }, () => Uint8Array.of(1)))).to.throw(TxBatchError);
      const bad = [
        encodeCanonical([0, []]),
        encodeCanonical([0, Array.from({ length: MAX_BATCH_TXS + 1 }, () => Uint8Array.of(1))]),
        encodeCanonical([1, [Uint8Array.of(1)]]),
        encodeCanonical([0, [new Uint8Array(0)]]),
        encodeCanonical([0, ["text"]]),
        // [0, [h'01']] with the byte string's length in a longer form than needed
        Uint8Array.of(0x82, 0x00, 0x81, 0x58, 0x01, 0x01),
        Uint8Array.of(...encodeCanonical([0, [Uint8Array.of(1)]]), 0x00),
      ];
      for (const b of bad) expect(() => decodeTxBatch(b), Buffer.from(b.subarray(0, 8)).toString("hex")).to.throw(TxBatchError);
    });

    it("the fast reader of byte-string arrays agrees with the general canonical decoder (fuzzed)", () => {
      const r = rng(7);
      const lengths = [0, 1, 23, 24, 255, 256, 65_535, 65_536];
      for (let i = 0; i < 300; i++) {
        const items = Array.from({ length: Math.floor(r() * 6) }, () => new Uint8Array(r() < 0.2 ? lengths[Math.floor(r() * lengths.length)]! : Math.floor(r() * 40)).fill(i & 0xff));
        const bytes = encodeCanonical(items);
        const fast = readBytesArray(bytes, 0);
        expect(fast && fast.next).to.equal(bytes.length);
        expect(fast!.items.map((t) => t.length)).to.deep.equal(items.map((t) => t.length));
        // Corrupt one byte: the fast reader either declines or agrees with the general decoder.
        const c = bytes.slice();
        const at = Math.floor(r() * c.length);
        c[at] = c[at]! ^ (1 << Math.floor(r() * 8));
        const f = readBytesArray(c, 0);
        let general: unknown;
        try {
          general = decodeCanonical(c);
        } catch {
          general = undefined;
        }
        if (f && f.next === c.length) {
          expect(general, `fast accepted what the general decoder refuses (case ${i})`).to.be.an("array");
          expect((general as Uint8Array[]).map((t) => Buffer.from(t).toString("hex"))).to.deep.equal(f.items.map((t) => Buffer.from(t).toString("hex")));
        }
      }
    });

    it("decodeBlock's fast path gives the same block as the general path", () => {
      const header: BlockHeader = {
        chainId: "c",
        height: 3,
        time: 1000,
        prevHash: new Uint8Array(32),
        txRoot: new Uint8Array(32).fill(1),
        stateRoot: new Uint8Array(32).fill(2),
        resultsRoot: new Uint8Array(32).fill(3),
        proposer: "p",
      };
      const txs = [Uint8Array.of(1), new Uint8Array(400).fill(4)];
      const b = decodeBlock(encodeBlock({ header, txs }));
      expect(b.header).to.deep.equal(header);
      expect(b.txs.map((t) => Buffer.from(t).toString("hex"))).to.deep.equal(txs.map((t) => Buffer.from(t).toString("hex")));
    });
  });

  describe("batcher", () => {
    it("keeps order and cuts batches by delay, by bytes and by count", async () => {
      const out: Uint8Array[][] = [];
      const b = new TxBatcher((bytes) => out.push(decodeTxBatch(bytes)), { maxBytes: 1000, delayMs: 10 });
      for (let i = 0; i < 5; i++) b.add(Uint8Array.of(i + 1));
      expect(out).to.have.length(0);
      await sleep(30);
      expect(out.map((x) => x.map((t) => t[0]))).to.deep.equal([[1, 2, 3, 4, 5]]);
      // Bytes: 300-byte transactions, at most 1000 bytes a batch (framing included).
      for (let i = 0; i < 7; i++) b.add(new Uint8Array(300).fill(i));
      b.flush();
      const sizes = out.slice(1).map((x) => x.length);
      expect(sizes).to.deep.equal([3, 3, 1]);
      for (const x of out.slice(1)) expect(encodeTxBatch(x).length).to.be.at.most(1000);
      // A transaction larger than the bound travels alone.
      b.add(new Uint8Array(5000));
      expect(out.at(-1)).to.have.length(1);
      // Count: at most MAX_BATCH_TXS per batch.
      const big = new TxBatcher((bytes) => out.push(decodeTxBatch(bytes)), { maxBytes: 10_000_000, delayMs: 1000 });
      for (let i = 0; i < MAX_BATCH_TXS + 1; i++) big.add(Uint8Array.of(1));
      expect(out.at(-1)).to.have.length(MAX_BATCH_TXS);
      big.stop();
      b.stop();
    });
  });

  describe("gossip validation and admission", function () {
    this.timeout(30_000);
    let t: TestNode;
    beforeEach(async () => {
      t = await openTestNode();
    });
    afterEach(async () => {
      await t.close();
      removeDir(t.dir);
    });

    it("accepts a valid batch and admits every transaction without checking it again", async () => {
      const g = txBatchGossipOf(t.node);
      const txs = [0n, 1n, 2n].map((n) => signedSend(testSigner(0), testSigner(1).address, 5n, n).bytes);
      const batch = encodeTxBatch(txs);
      expect(await g.check(batch)).to.equal("accept");
      // Heard before admitted: a compact proposal listing them can be rebuilt already.
      const heard = g.recentTx(Buffer.from(sha256(txs[1]!)).toString("hex"));
      expect(heard && Buffer.from(heard).toString("hex")).to.equal(Buffer.from(txs[1]!).toString("hex"));
      g.handle(batch);
      await waitFor(() => t.node.mempool.size === 3, "three transactions in the mempool");
      // Known transactions are skipped, not verified again; a batch of them is still valid.
      expect(await g.check(encodeTxBatch(txs))).to.equal("accept");
    });

    it("rejects a whole batch for one bad signature or one malformed transaction, and admits none of it", async () => {
      const g = txBatchGossipOf(t.node);
      const good = signedSend(testSigner(0), testSigner(1).address, 5n, 0n).bytes;
      const forged = signedSend(testSigner(2), testSigner(1).address, 5n, 0n).bytes.slice();
      forged[forged.length - 1] = forged[forged.length - 1]! ^ 1; // last byte: inside the signature
      expect(await g.check(encodeTxBatch([good, forged]))).to.equal("reject");
      expect(await g.check(encodeTxBatch([good, Uint8Array.of(1, 2, 3)]))).to.equal("reject");
      expect(await g.check(Uint8Array.of(0xff))).to.equal("reject");
      await sleep(50);
      expect(t.node.mempool.size).to.equal(0);
    });

    it("over libp2p: a batch with a bad transaction stops at the first hop and costs the sender", async () => {
      const pool = new NetPool();
      try {
        const opts = { minPeers: 1, scoring: { gossipReject: 10, banThreshold: -50 } };
        const a = await pool.start(opts);
        const b = await pool.start(opts);
        const c = await pool.start(opts);
        await a.dial(b.addresses()[0]!);
        await c.dial(b.addresses()[0]!);
        const g = txBatchGossipOf(t.node);
        const atC: number[] = [];
        a.onMessage("txbatch", () => "accept", () => undefined);
        b.onMessage("txbatch", (bytes) => g.check(bytes), (bytes) => g.handle(bytes));
        c.onMessage("txbatch", () => "accept", (bytes) => void atC.push(decodeTxBatch(bytes).length));
        await waitFor(() => b.libp2p.services.pubsub.getSubscribers(b.topic("txbatch")).length === 2, "b to see both subscribers");
        await waitFor(() => a.libp2p.services.pubsub.getSubscribers(a.topic("txbatch")).length === 1, "a to see b subscribed");
        // Publish only once the meshes are formed (a heartbeat after subscribing): a message
        // published before is not retried, and under load that race lost the batch.
        const mesh = (n: typeof a): number => (n.libp2p.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(n.topic("txbatch")).length;
        await waitFor(() => mesh(a) === 1 && mesh(b) === 2, "a's and b's txbatch meshes");

        const good = [0n, 1n].map((n) => signedSend(testSigner(0), testSigner(1).address, 5n, n).bytes);
        await a.publish("txbatch", encodeTxBatch(good));
        await waitFor(() => atC.length === 1 && t.node.mempool.size === 2, "the valid batch to be admitted at b and relayed to c");

        const forged = signedSend(testSigner(2), testSigner(1).address, 5n, 0n).bytes.slice();
        forged[forged.length - 1] = forged[forged.length - 1]! ^ 1;
        const fine = signedSend(testSigner(3), testSigner(1).address, 5n, 0n).bytes;
        await a.publish("txbatch", encodeTxBatch([fine, forged]));
        await waitFor(() => b.stats().topics.txbatch.rejected === 1, "b to reject the batch");
        await sleep(300);
        expect(atC).to.deep.equal([2]);
        expect(t.node.mempool.size).to.equal(2);
        expect(b.score(a.peerId).app).to.be.closeTo(-10, 1);
      } finally {
        await pool.closeAll();
      }
    });
  });
});
