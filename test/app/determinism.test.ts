import { expect } from "chai";
import { openTestNode, testSigner, removeDir, type TestNode } from "../helpers/node-harness.ts";
import { signedSend } from "../helpers/txs.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import { fromHex } from "../../runtime/crypto/hash.ts";
import type { StateProof } from "../../runtime/state/types.ts";
import { Harness, addr, openStakingNode, NXT } from "../../modules/staking/testing.ts";
import { StakingTypeUrls as T } from "../../modules/staking/index.ts";

/** Staking traffic that fills every collection: delegations, both queues, indexes, counters, rewards. */
async function stakingScript(h: Harness, round: number): Promise<string> {
  const amt = (n: bigint): string => (n * NXT).toString();
  await h.submit(5, [{ typeUrl: T.Delegate, value: { delegator: addr(5), validator: addr(round % 2), amount: amt(20n + BigInt(round)) } }]);
  await h.submit(6, [{ typeUrl: T.Delegate, value: { delegator: addr(6), validator: addr(1), amount: amt(15n) } }]);
  await h.block();
  await h.submit(5, [{ typeUrl: T.Undelegate, value: { delegator: addr(5), validator: addr(round % 2), amount: amt(3n) } }]);
  await h.submit(6, [{ typeUrl: T.BeginRedelegate, value: { delegator: addr(6), srcValidator: addr(1), dstValidator: addr(0), amount: amt(2n) } }]);
  await h.submit(0, [{ typeUrl: T.WithdrawCommission, value: { operator: addr(0) } }]);
  return (await h.t.node.produceBlock()).header.stateRoot;
}

/** The same three blocks of transfers, in the same order, on any node. */
async function runScript(t: TestNode): Promise<string[]> {
  const roots: string[] = [];
  const nonces = new Map<number, bigint>();
  for (let blk = 0; blk < 3; blk++) {
    for (let i = 0; i < 12; i++) {
      const from = i % 4;
      const n = nonces.get(from) ?? 0n;
      nonces.set(from, n + 1n);
      await t.node.submitTx(signedSend(testSigner(from), testSigner(10 + ((i * 7 + blk) % 5)).address, BigInt(1000 + i * blk), n).bytes);
    }
    roots.push((await t.node.produceBlock()).header.stateRoot);
  }
  return roots;
}

describe("state root determinism and proofs", () => {
  it("gives the same roots on two fresh nodes, and the chain resumes identically after a restart", async () => {
    const n1 = await openTestNode();
    const n2 = await openTestNode();
    try {
      const r1 = await runScript(n1);
      const r2 = await runScript(n2);
      expect(r1).to.deep.equal(r2);
      expect(new Set(r1).size).to.equal(3);
      // Restart n1: same height, root and balances; the next block matches n2's.
      const s1 = n1.node.status();
      const n1b = await n1.reopen();
      try {
        expect(n1b.node.status()).to.deep.include({ height: s1.height, stateRoot: s1.stateRoot, latestBlockHash: s1.latestBlockHash });
        n1b.clock.t = n2.clock.t;
        const a = testSigner(0);
        const tx = signedSend(a, testSigner(3).address, 77n, 9n);
        await n1b.node.submitTx(tx.bytes);
        await n2.node.submitTx(tx.bytes);
        const b1 = await n1b.node.produceBlock();
        const b2 = await n2.node.produceBlock();
        expect(b1.header.stateRoot).to.equal(b2.header.stateRoot);
        expect(b1.hash).to.equal(b2.hash);
      } finally {
        await n1b.close();
      }
    } finally {
      await n2.close();
      removeDir(n1.dir);
      removeDir(n2.dir);
    }
  });

  it("staking state (maps, indexes, time queues) gives the same roots on two nodes and after reopening the store", async () => {
    const validators = [{ n: 0, nxt: 300n }, { n: 1, nxt: 200n }];
    let h1 = await openStakingNode({ validators });
    const h2 = await openStakingNode({ validators });
    try {
      for (let r = 0; r < 2; r++) expect(await stakingScript(h1, r)).to.equal(await stakingScript(h2, r));
      const before = h1.t.node.status();
      h1 = new Harness(await h1.t.reopen());
      expect(h1.t.node.status()).to.deep.include({ height: before.height, stateRoot: before.stateRoot });
      h1.t.clock.t = h2.t.clock.t;
      for (let r = 2; r < 4; r++) expect(await stakingScript(h1, r)).to.equal(await stakingScript(h2, r));
      expect(h1.invariants()).to.deep.equal([]);
    } finally {
      await h1.close();
      await h2.close();
    }
  });

  it("serves balance proofs that verify against the block header, and tampering fails", async () => {
    const t = await openTestNode();
    try {
      const a = testSigner(0);
      await t.node.submitTx(signedSend(a, testSigner(7).address, 555n, 0n).bytes);
      const block = await t.node.produceBlock();
      const root = fromHex(block.header.stateRoot);

      const inc = t.node.proveBalance(testSigner(7).address, "nxt");
      expect(inc.stateRoot).to.equal(block.header.stateRoot);
      expect(inc.value).to.not.equal(null);
      expect(verifyStateProof(root, fromHex(inc.key), fromHex(inc.value!), inc.proof)).to.equal(true);
      // Claiming another value, or no value, fails.
      expect(verifyStateProof(root, fromHex(inc.key), new Uint8Array([1]), inc.proof)).to.equal(false);
      expect(verifyStateProof(root, fromHex(inc.key), undefined, inc.proof)).to.equal(false);

      const exc = t.node.proveBalance(testSigner(60).address, "nxt"); // never funded
      expect(exc.value).to.equal(null);
      expect(verifyStateProof(root, fromHex(exc.key), undefined, exc.proof)).to.equal(true);
      expect(verifyStateProof(root, fromHex(exc.key), new Uint8Array([1]), exc.proof)).to.equal(false);

      // Flip one character of the proof's JSON anywhere it is hex: must fail.
      const json = JSON.stringify(inc.proof);
      let tamperedFailures = 0;
      let tries = 0;
      for (let i = 0; i < json.length; i += 7) {
        const ch = json[i]!;
        if (!/[0-9a-f]/.test(ch)) continue;
        tries++;
        const flipped = json.slice(0, i) + (ch === "0" ? "1" : "0") + json.slice(i + 1);
        let proof: StateProof;
        try {
          proof = JSON.parse(flipped) as StateProof;
        } catch {
          tamperedFailures++;
          continue;
        }
        if (!verifyStateProof(root, fromHex(inc.key), fromHex(inc.value!), proof)) tamperedFailures++;
      }
      expect(tries).to.be.greaterThan(5);
      expect(tamperedFailures).to.equal(tries);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
