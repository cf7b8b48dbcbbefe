import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNodeProcess, freePort, type NodeProcess } from "../helpers/spawn-node.ts";
import { Keyring, DEV_PASSPHRASE } from "../../runtime/crypto/keystore.ts";
import { buildSendTx } from "../../modules/bank/client.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";

/**
 * SIGKILL the node while it commits under load, three times at random moments, and check
 * after every restart that each transaction whose committed receipt a client saw is still
 * there (same height and index), that the chain continues, and that it takes new work.
 */
describe("e2e: crash safety under load (SIGKILL)", function () {
  this.timeout(240_000);

  it("loses no acknowledged committed transaction and resumes", async () => {
    const home = mkdtempSync(join(tmpdir(), "nexus-crash-"));
    const port = await freePort();
    let node: NodeProcess | undefined = await startNodeProcess(home, { port, blockTimeMs: 100 });
    try {
      const ring = new Keyring(join(home, "keys"));
      const names = ["alice", "bob", "carol"];
      const signers = names.map((n) => ({ name: n, signer: ring.loadSigner(n, DEV_PASSPHRASE) as Signer, address: ring.show(n).address }));
      const target = ring.show("alice").address;
      const acknowledged = new Map<string, ReceiptView>();
      const chainId = (await node.client.status()).chainId;

      for (let cycle = 0; cycle < 3; cycle++) {
        let stop = false;
        // Load: each sender keeps a pipeline of transfers in flight and polls their receipts.
        const loaders = signers.map(async ({ signer, address }) => {
          while (!stop) {
            try {
              const nonce = BigInt((await node!.client.getAccount(address)).nonce);
              const txs = Array.from({ length: 25 }, (_, i) => buildSendTx({ chainId, signer, nonce: nonce + BigInt(i), to: target, amount: 1n + BigInt(i) }));
              const hashes: string[] = [];
              for (const t of txs) hashes.push((await node!.client.sendTx(t.bytes)).hash);
              for (const h of hashes) {
                const r = await node!.client.waitForTx(h, { timeoutMs: 10_000 });
                acknowledged.set(h, r);
              }
            } catch {
              await new Promise((r) => setTimeout(r, 20)); // node gone or a nonce race: retry
            }
          }
        });
        await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 1500)));
        const before = acknowledged.size;
        await node.kill();
        stop = true;
        await Promise.all(loaders);
        expect(before, "some transfers were acknowledged before the kill").to.be.greaterThan(0);

        node = await startNodeProcess(home, { port, blockTimeMs: 100 });
        const h0 = (await node.client.status()).height;
        for (const [hash, r] of acknowledged) {
          const st = await node.client.getTx(hash);
          expect(st.status, `acknowledged tx ${hash} at height ${r.height}`).to.equal("committed");
          if (st.status === "committed") expect({ height: st.receipt.height, index: st.receipt.index, code: st.receipt.code }).to.deep.equal({ height: r.height, index: r.index, code: r.code });
        }
        const maxAck = Math.max(...[...acknowledged.values()].map((r) => r.height));
        expect(h0).to.be.at.least(maxAck);
        // The chain continues.
        const deadline = Date.now() + 10_000;
        while ((await node.client.status()).height <= h0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect((await node.client.status()).height).to.be.greaterThan(h0);
      }
      // After all that, a fresh transfer with the next nonce goes through.
      const a = signers[0]!;
      const nonce = BigInt((await node.client.getAccount(a.address)).nonce);
      const { hash } = await node.client.sendTx(buildSendTx({ chainId, signer: a.signer, nonce, to: target, amount: 5n }).bytes);
      expect((await node.client.waitForTx(hash, { timeoutMs: 10_000 })).code).to.equal(0);
      expect(acknowledged.size).to.be.greaterThan(20);
    } finally {
      if (node) await node.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
