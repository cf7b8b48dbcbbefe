import { expect } from "chai";
import { CHAIN_ID, Cluster } from "./cluster.ts";
import { signedSend } from "../helpers/txs.ts";
import { testSigner } from "../helpers/node-harness.ts";
import { decodeCommit } from "../../runtime/consensus/index.ts";
import { toHex } from "../../runtime/crypto/hash.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Transfers from test account `from`, nonces `first`.., submitted to node `at`; returns their hashes. */
async function submit(c: Cluster, at: number, from: number, first: number, n: number): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < n; i++) {
    const tx = signedSend(testSigner(from), testSigner(9).address, 1n, BigInt(first + i), { chainId: CHAIN_ID });
    await c.node(at).submitTx(tx.bytes);
    hashes.push(toHex(tx.hash));
  }
  return hashes;
}

const committed = (c: Cluster, hash: string): boolean => c.running().every((i) => c.node(i).getTx(hash).status === "committed");

/** Four validators, compact proposals only (no full-block fallback), `deaf` hearing no transaction gossip. */
async function compactCluster(deaf: string[]): Promise<Cluster> {
  const c = new Cluster(4);
  c.noFullBlocks = true;
  c.prefillLocalMs = 0;
  for (let i = 0; i < 4; i++) await c.start(i);
  for (const n of deaf) c.hub.setDeaf(n, ["txbatch", "txs"]);
  return c;
}

describe("compact proposals between BFT nodes (MemoryHub)", function () {
  this.timeout(60_000);
  let c: Cluster;
  afterEach(async () => c && (await c.close()));

  it("validators that never heard the transactions fetch them by hash and vote for the block", async () => {
    // Compact only: without the full-block fallback, a block of n0's transactions gets 3 of 4
    // prevotes only if n2 or n3 rebuilt it from fetched transactions.
    c = await compactCluster(["n2", "n3"]);
    await c.waitHeight(2);
    const hashes = await submit(c, 0, 0, 0, 30);
    await until(() => hashes.every((h) => committed(c, h)), "the transfers to commit everywhere");
    const fetched = [2, 3].map((i) => c.engine(i).compactStats);
    expect(fetched.some((s) => s.rebuiltWithFetch > 0 && s.txsFetched > 0), JSON.stringify(fetched)).to.equal(true);
    for (const i of [2, 3]) expect(c.transport(i).penalties).to.deep.equal([]);
    // Nodes that heard the batches rebuilt every proposal from their mempool.
    expect(c.engine(1).compactStats.rebuiltLocally).to.be.greaterThan(0);
    c.assertAgreement();
  });

  it("a peer answering with wrong bytes is penalised and the block is rebuilt from another peer", async () => {
    c = await compactCluster(["n2"]);
    // n0 proposes its clients' transactions and is asked first by n2: it lies.
    c.transport(0).testTxAnswers = "corrupt";
    await c.waitHeight(2);
    let nonce = 0;
    const hashes: string[] = [];
    await until(() => c.engine(2).compactStats.wrongBytes > 0 || (void submit(c, 0, 0, nonce, 5).then((h) => hashes.push(...h)), (nonce += 5), false), "n0 to answer n2 with wrong bytes", 20_000);
    await until(() => hashes.length === nonce && hashes.every((h) => committed(c, h)), "the transfers to commit everywhere");
    const s = c.engine(2).compactStats;
    expect(s.rebuiltWithFetch, JSON.stringify(s)).to.be.greaterThan(0);
    const lies = c.transport(2).penalties.filter((p) => p.kind === "lie");
    expect(lies.length).to.be.greaterThan(0);
    expect(new Set(lies.map((p) => p.peer))).to.deep.equal(new Set(["n0"]));
    c.assertAgreement();
  });

  it("transactions nobody serves: nil prevotes and new rounds, never a crash or a wrong commit; served again, they commit", async () => {
    c = await compactCluster(["n2", "n3"]);
    for (let i = 0; i < 4; i++) c.transport(i).testTxAnswers = "none";
    await c.waitHeight(2);
    const start = Math.max(...c.running().map((i) => c.node(i).height));
    const [hash] = await submit(c, 0, 1, 0, 1);
    // n2 and n3 propose blocks without it, which commit; n0's and n1's blocks cannot be rebuilt.
    await c.waitHeight(start + 6);
    expect(committed(c, hash!)).to.equal(false);
    const failed = [2, 3].map((i) => c.engine(i).compactStats.failed);
    expect(failed.some((f) => f > 0), JSON.stringify(failed)).to.equal(true);
    const top = c.assertAgreement();
    const rounds = Array.from({ length: top - start }, (_, k) => decodeCommit(c.node(0).blockStore.commit(start + 1 + k)!).round);
    expect(Math.max(...rounds), JSON.stringify(rounds)).to.be.greaterThan(0);
    for (let i = 0; i < 4; i++) c.transport(i).testTxAnswers = "honest";
    await until(() => committed(c, hash!), "the transfer to commit once peers serve it");
    c.assertAgreement();
  });
});
