import { expect } from "chai";
import { openTestNode, removeDir, testSigner, TEST_CHAIN_ID, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { balanceOf as balanceAt, executeAsPeer, nextInfo as blockInfo, nonceOf as nonceAt } from "./block-exec.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import type { BlockInfo } from "../../runtime/modules/types.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";
import type { Execution } from "../../runtime/app/application.ts";

/*
 * A proposer can put any transaction in its block without going through anyone's mempool,
 * so the nonce rule must hold when a block is executed, not only at checkTx.
 */
describe("replay protection at block execution (a proposer that bypasses the mempool)", () => {
  let t: TestNode;
  const alice = testSigner(0);
  const bob = testSigner(1);

  beforeEach(async () => {
    t = await openTestNode();
  });
  afterEach(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const nextInfo = (): BlockInfo => blockInfo(t);

  const execute = (txs: readonly DecodedTx[]): Promise<Execution> => executeAsPeer(t, txs);

  const nonceOf = (addr: string): bigint => nonceAt(t, addr);
  const balanceOf = (addr: string): bigint => balanceAt(t, addr);

  it("a block re-carrying an already committed transaction (stale nonce) gets a TX_NONCE_REPLAYED receipt with no fee, and moves nothing", async () => {
    const first = signedSend(alice, bob.address, 1_000n, 0n);
    await t.node.submitTx(first.bytes);
    await t.node.produceBlock();
    expect(t.node.getTx(toHex(first.hash)).status).to.equal("committed");
    expect(nonceOf(alice.address)).to.equal(1n);

    const ex = await execute([first]);
    expect(ex.receipts).to.have.length(1);
    const r = ex.receipts[0]!;
    expect(r.codeName, r.log).to.equal("TX_NONCE_REPLAYED");
    expect(r.code).to.not.equal(0);
    expect(r.fee).to.equal("0");
    expect(r.log).to.match(/nonce 0, expected 1/);
    expect(r.events).to.deep.equal([]);

    // The same stale nonce on a freshly signed body (a different hash) is refused the same way.
    const stale = signedSend(alice, bob.address, 7n, 0n, { memo: "again" });
    const ex2 = await execute([stale]);
    expect(ex2.receipts[0]!.codeName).to.equal("TX_NONCE_REPLAYED");

    // Committing the proposer's block changes no balance and no nonce.
    const aliceBefore = balanceOf(alice.address);
    const bobBefore = balanceOf(bob.address);
    t.node.app.commit(ex2);
    expect(balanceOf(alice.address)).to.equal(aliceBefore);
    expect(balanceOf(bob.address)).to.equal(bobBefore);
    expect(nonceOf(alice.address)).to.equal(1n);
  });

  it("within one block, the second transaction with the same nonce is a replay and the one with a skipped nonce is a gap", async () => {
    const a0 = signedSend(alice, bob.address, 5n, 0n);
    const a0again = signedSend(alice, bob.address, 6n, 0n, { memo: "twin" });
    const a5 = signedSend(alice, bob.address, 7n, 5n);
    const ex = await execute([a0, a0again, a5]);
    expect(ex.receipts.map((r) => r.codeName)).to.deep.equal(["OK", "TX_NONCE_REPLAYED", "TX_NONCE_GAP"]);
    expect(ex.receipts.map((r) => r.fee === "0")).to.deep.equal([false, true, true]);
  });

  it("processProposal of a block with the replayed transaction executes it to the same failed receipt", async () => {
    const first = signedSend(alice, bob.address, 1_000n, 0n);
    await t.node.submitTx(first.bytes);
    await t.node.produceBlock();
    const honest = await execute([first]);
    const header = {
      ...nextInfo(),
      prevHash: t.node.latestBlock()!.hash,
      txRoot: honest.txRoot,
      stateRoot: honest.stateRoot,
      resultsRoot: honest.resultsRoot,
    };
    const r = await t.node.app.processProposal(header, [first.bytes]);
    expect(r.accept).to.equal(true);
    if (!r.accept) return;
    expect(r.execution.receipts[0]!.codeName).to.equal("TX_NONCE_REPLAYED");
  });
});
