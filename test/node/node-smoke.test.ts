import { expect } from "chai";
import { openTestNode, testSigner, removeDir } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";

describe("node: transfers through checkTx → block → commit", () => {
  it("commits a transfer, charges the E=h·f fee and records energy in the receipt", async () => {
    const t = await openTestNode();
    try {
      const a = testSigner(0);
      const b = testSigner(1);
      const before = BigInt(t.node.getBalance(b.address, "nxt").amount);
      const tx = signedSend(a, b.address, 12345n, 0n);
      const { hash } = await t.node.submitTx(tx.bytes);
      expect(t.node.getTx(hash).status).to.equal("pending");
      const block = await t.node.produceBlock();
      expect(block.txs).to.deep.equal([hash]);
      const st = t.node.getTx(hash);
      expect(st.status).to.equal("committed");
      if (st.status !== "committed") throw new Error();
      expect(st.receipt.code, st.receipt.log).to.equal(0);
      expect(BigInt(st.receipt.fee)).to.equal(40n * BigInt(tx.bytes.length));
      expect(BigInt(st.receipt.energyAj) > 0n).to.equal(true);
      expect(BigInt(t.node.getBalance(b.address, "nxt").amount) - before).to.equal(12345n);
      expect(t.node.getAccount(a.address).nonce).to.equal("1");
      expect(t.node.status().stateRoot).to.equal(block.header.stateRoot);
      // Blocks by height and by hash; receipts carry typed events; unknown refs are clear.
      expect(t.node.getBlock(block.hash)).to.deep.equal(t.node.getBlock(block.header.height));
      expect(t.node.getBlock(block.header.height + 5)).to.equal(undefined);
      expect(t.node.getBlock("00".repeat(32))).to.equal(undefined);
      expect(() => t.node.getBlock("zz")).to.throw(/hash: invalid hex/);
      expect(() => t.node.getTx("abcd")).to.throw(/hash must be 32 bytes/);
      expect(t.node.getTx("11".repeat(32))).to.deep.equal({ status: "unknown" });
      // The sender's first transaction and first transfer: achievements' badges, in the same receipt.
      expect(st.receipt.events.map((e) => e.type)).to.deep.equal(["tx.fee", "bank.transfer", "achievements.awarded", "achievements.awarded"]);
      expect(st.receipt.events[1]!.attributes).to.deep.equal({ from: a.address, to: b.address, amount: "12345nxt" });
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
