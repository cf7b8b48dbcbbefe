import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { Msg } from "../../runtime/tx/envelope.ts";
import { signTx } from "../../runtime/tx/sign.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { testSigner, TEST_CHAIN_ID, type TestNode } from "../../test/helpers/node-harness.ts";

/**
 * For the reference chain's tests: `block(txs)` submits one transaction per [test signer, message,
 * band?] (NANO by default), produces one block, and returns their receipts in order; nonces are
 * tracked per signer across calls.
 */
export function blockRunner(node: () => TestNode): (txs: [number, Msg, Band?][]) => Promise<ReceiptView[]> {
  const nonces = new Map<number, bigint>();
  return async (txs) => {
    const t = node();
    const hashes: string[] = [];
    for (const [n, msg, band] of txs) {
      const s = testSigner(n);
      const nonce = nonces.get(n) ?? BigInt(t.node.getAccount(s.address).nonce);
      const d = signTx({ chainId: TEST_CHAIN_ID, sender: s.address, nonce, band: band ?? Band.NANO, feeLimit: 100_000_000n, tip: 0n, timeoutHeight: 0, memo: "", msgs: [msg] as never }, [s]);
      await t.node.submitTx(d.bytes);
      nonces.set(n, nonce + 1n);
      hashes.push(toHex(d.hash));
    }
    await t.node.produceBlock();
    return hashes.map((h) => {
      const r = t.node.getTx(h);
      if (r.status !== "committed") throw new Error(`not committed: ${r.status}`);
      return r.receipt;
    });
  };
}
