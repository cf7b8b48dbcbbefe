import type { NexusNode } from "../../runtime/node/node.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Drive {
  /** Transactions committed (submitted less those checkTx refused). */
  total: number;
  rejected: number;
  /** Failed receipts among the committed ones. */
  failed: number;
  /** From the first submission to the block carrying the last transaction. */
  seconds: number;
  /** Over the whole run. */
  perSecond: number;
  /** Full blocks only, from the second non-empty block to the last (the whole run when there are two or fewer). */
  sustainedPerSecond: number;
  busyBlocks: number;
  maxBlockTxs: number;
}

/**
 * Presigned transactions handed to a started node's submitTx in windows of 500 (at most 20 in
 * flight, as a busy RPC would), then waits until blocks carry them all: the node's committed rate.
 */
export async function driveThroughput(node: NexusNode, txs: readonly DecodedTx[]): Promise<Drive> {
  const blocks: { txs: number; at: number; failed: number }[] = [];
  const unsubscribe = node.subscribe((e) => void (e.kind === "block" && blocks.push({ txs: e.block.txs.length, at: performance.now(), failed: e.receipts.filter((r) => r.code !== 0).length })));
  const t0 = performance.now();
  let rejected = 0;
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < txs.length; i += 500) {
    window.push(Promise.allSettled(txs.slice(i, i + 500).map((d) => node.submitTx(d.bytes))).then((rs) => (rejected += rs.filter((r) => r.status === "rejected").length)));
    if (window.length >= 20) await window.shift();
  }
  await Promise.all(window);
  const total = txs.length - rejected;
  while (blocks.reduce((s, b) => s + b.txs, 0) < total) await sleep(20);
  unsubscribe();
  const seconds = (blocks[blocks.length - 1]!.at - t0) / 1000;
  const busy = blocks.filter((b) => b.txs > 0);
  const sustained = busy.length > 2 ? busy.slice(1).reduce((s, b) => s + b.txs, 0) / ((busy[busy.length - 1]!.at - busy[0]!.at) / 1000) : total / seconds;
  return {
    total,
    rejected,
    failed: blocks.reduce((s, b) => s + b.failed, 0),
    seconds,
    perSecond: total / seconds,
    sustainedPerSecond: sustained,
    busyBlocks: busy.length,
    maxBlockTxs: Math.max(...busy.map((b) => b.txs)),
  };
}
