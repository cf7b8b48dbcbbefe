import { GENESIS_PREV_HASH, type BlockInfo } from "../../runtime/modules/types.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";
import type { Execution } from "../../runtime/app/application.ts";
import { testSigner, TEST_CHAIN_ID, type TestNode } from "../helpers/node-harness.ts";

/** The next block's info on `t`, proposed by someone else (testSigner 99). */
export function nextInfo(t: TestNode): BlockInfo {
  return { chainId: TEST_CHAIN_ID, height: t.node.height + 1, time: t.clock.t + 1000, proposer: testSigner(99).address, prevHash: GENESIS_PREV_HASH };
}

/** What processProposal does with another proposer's block: verify signatures, then execute (not committed). */
export async function executeAsPeer(t: TestNode, txs: readonly DecodedTx[]): Promise<Execution> {
  await t.node.app.verifyUnchecked(txs);
  return t.node.app.executeBlock(nextInfo(t), txs);
}

export const nonceOf = (t: TestNode, addr: string): bigint => BigInt(t.node.getAccount(addr).nonce);
export const balanceOf = (t: TestNode, addr: string): bigint => BigInt(t.node.getBalance(addr, "nxt").amount);
