import { expect } from "chai";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openTestNode, testGenesis, testSigner, removeDir, TEST_CHAIN_ID } from "../helpers/node-harness.ts";
import { buildSendTx } from "../../modules/bank/client.ts";
import { NexusError } from "../../runtime/errors.ts";

describe("node start: the state must be the one the last block commits to", () => {
  it("refuses a state.lmdb from another history (same height, another state root), naming both roots and the fix", async () => {
    const genesis = testGenesis();
    const a = await openTestNode({ genesis });
    const b = await openTestNode({ genesis });
    // Same genesis, same heights, different transfers: two histories.
    for (const [t, amount] of [[a, 5n], [b, 7n]] as const) {
      await t.node.submitTx(buildSendTx({ chainId: TEST_CHAIN_ID, signer: testSigner(0), nonce: 0n, to: testSigner(1).address, amount }).bytes);
      await t.node.produceBlock();
      await t.node.produceBlock();
    }
    expect(a.node.height).to.equal(b.node.height);
    await a.close();
    await b.close();
    for (const f of readdirSync(join(b.dir, "data"))) if (f.startsWith("state.lmdb")) copyFileSync(join(b.dir, "data", f), join(a.dir, "data", f));
    let err: unknown;
    try {
      await (await a.reopen()).close();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NexusError);
    expect((err as NexusError).code).to.equal("NODE_STORE_INCONSISTENT");
    expect((err as NexusError).message).to.match(/state\.lmdb holds state root [0-9a-f]{16}… but block 2 commits to [0-9a-f]{16}…: state and blocks are from different histories; restore both files from one backup, or remove the data directory to resync/);
    // The untouched home still opens.
    const again = await b.reopen();
    expect(again.node.height).to.equal(2);
    await again.close();
    removeDir(a.dir);
    removeDir(b.dir);
  });
});
