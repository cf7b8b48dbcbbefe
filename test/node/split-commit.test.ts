import { expect } from "chai";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { open } from "lmdb";
import { openTestNode, testSigner, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { BlockStore } from "../../runtime/node/block-store.ts";
import { blockHash, type Block } from "../../runtime/app/block.ts";
import { sha256 } from "../../runtime/crypto/hash.ts";

/**
 * State and blocks are committed in two durable steps (blocks first). These tests build the
 * state a crash between the two leaves: a follower whose block store already holds the
 * leader's next block while its state is one height behind.
 */
async function leaderAndFollower(): Promise<{ leader: TestNode; follower: TestNode; next: Block }> {
  const leader = await openTestNode();
  const follower = await openTestNode();
  for (let i = 0; i < 3; i++) await leader.node.submitTx(signedSend(testSigner(i), testSigner(7).address, 1000n + BigInt(i), 0n).bytes);
  await leader.node.produceBlock();
  return { leader, follower, next: leader.node.blockStore.block(1)! };
}

/** What the first of the two commits writes, without the second. */
async function storeBlockOnly(dir: string, block: Block): Promise<void> {
  const db = open({ path: join(dir, "data", "blocks.lmdb"), overlappingSync: false });
  new BlockStore(db).writeBlock(block, blockHash(block.header), block.txs.map((t) => sha256(t)), []);
  await db.close();
}

describe("split commit: blocks first, then state", () => {
  it("finishes the state commit of a block stored before a crash, to the leader's root", async () => {
    const { leader, follower, next } = await leaderAndFollower();
    try {
      expect(follower.node.status().height).to.equal(0);
      await follower.close();
      await storeBlockOnly(follower.dir, next);
      const reopened = await openTestNode({ dir: follower.dir });
      try {
        const s = reopened.node.status();
        expect(s.height).to.equal(1);
        expect(s.stateRoot).to.equal(leader.node.status().stateRoot);
        expect(s.latestBlockHash).to.equal(leader.node.status().latestBlockHash);
        expect(reopened.node.getBalance(testSigner(7).address, "nxt")).to.deep.equal(leader.node.getBalance(testSigner(7).address, "nxt"));
        // And the chain goes on from there.
        await reopened.node.submitTx(signedSend(testSigner(0), testSigner(8).address, 5n, 1n).bytes);
        expect((await reopened.node.produceBlock()).header.height).to.equal(2);
      } finally {
        await reopened.close();
      }
    } finally {
      await leader.close();
      removeDir(leader.dir);
      removeDir(follower.dir);
    }
  });

  it("refuses to start when the stored block does not execute to its header", async () => {
    const { leader, follower, next } = await leaderAndFollower();
    try {
      await follower.close();
      const forged: Block = { header: { ...next.header, stateRoot: new Uint8Array(32).fill(7) }, txs: next.txs };
      await storeBlockOnly(follower.dir, forged);
      let err: Error | undefined;
      await openTestNode({ dir: follower.dir }).catch((e: Error) => (err = e));
      expect(err?.message).to.match(/stored block 1 does not execute to its header \(stateRoot mismatch/);
      expect((err as { code?: string }).code).to.equal("NODE_STORE_INCONSISTENT");
    } finally {
      await leader.close();
      removeDir(leader.dir);
      removeDir(follower.dir);
    }
  });

  it("refuses a data directory of the single-file layout with a message that says what to do", async () => {
    const t = await openTestNode();
    await t.close();
    const data = join(t.dir, "data");
    expect(existsSync(join(data, "state.lmdb"))).to.equal(true);
    writeFileSync(join(data, "chain.lmdb"), "");
    let err: Error | undefined;
    await openTestNode({ dir: t.dir }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/chain\.lmdb.*state\.lmdb and blocks\.lmdb.*Remove the data directory/);
    removeDir(t.dir);
  });
});
