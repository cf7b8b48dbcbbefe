/**
 * Block sync speed over real libp2p connections on 127.0.0.1: a late node fetches blocks from
 * peers and verifies each before asking for more.
 *
 *   network-only   fake 1 KiB blocks, hash-chain check only: the protocol's own ceiling
 *   verified-V     real encoded blocks (50 txs of 200 bytes) with commit certificates of V
 *                  validators; the verifier decodes the block, checks prevHash and runs the
 *                  consensus module's verifyCommit (V Ed25519 verifications per block).
 *                  Executing transactions is the application's cost and is not included.
 *
 * Run: npx tsx bench/p2p-sync.ts   → prints blocks/s, writes bench/results/p2p-sync.json
 */
import { randomBytes } from "node:crypto";
import { blockHash, decodeBlock, encodeBlock, type Block } from "../runtime/app/block.ts";
import { ed25519 } from "../runtime/crypto/ed25519.ts";
import { addressFor } from "../runtime/crypto/address.ts";
import { bytesEqual, sha256 } from "../runtime/crypto/hash.ts";
import { buildCommit, decodeCommit, ed25519Signer, encodeCommit, signVote, verifyCommit, ValidatorSet, type Validator } from "../runtime/consensus/index.ts";
import { createNetwork, type BlockSource, type Network, type SyncedBlock, type SyncHooks, type SyncVerdict } from "../plugins/transports/libp2p/index.ts";
import { FakeChain, FakeVerifier } from "../test/p2p/helpers.ts";
import { progress, writeResults } from "./lib/results.ts";

const CHAIN = "nexus-bench-sync-1";

async function startNet(source?: BlockSource): Promise<Network> {
  return createNetwork({ chainId: CHAIN, blockSource: source, minPeers: 1, ipColocationWeight: 0, inboundConnectionsPerSecond: 10_000 });
}

interface Run {
  scenario: string;
  blocks: number;
  servers: number;
  bytesPerBlock: number;
  seconds: number;
  blocksPerSecond: number;
}

async function measure(scenario: string, source: BlockSource, hooks: SyncHooks, servers: number, bytesPerBlock: number): Promise<Run> {
  const peers = await Promise.all(Array.from({ length: servers }, () => startNet(source)));
  const client = await startNet();
  try {
    for (const p of peers) await client.dial(p.addresses()[0]!);
    const total = source.height();
    const r = await client.syncTo(hooks, total, { onProgress: (p) => progress(scenario, p.height, total) });
    if (r.height !== total || r.dropped.length > 0) throw new Error(`${scenario}: sync ended at ${r.height} with ${r.dropped.length} peers dropped`);
    const run = { scenario, blocks: total, servers, bytesPerBlock, seconds: r.elapsedMs / 1000, blocksPerSecond: Math.round(r.blocksPerSecond) };
    console.log(`${scenario.padEnd(28)} ${String(total).padStart(5)} blocks from ${servers} peer(s), ~${bytesPerBlock} B/block: ${run.blocksPerSecond} blocks/s (${run.seconds.toFixed(2)} s)`);
    return run;
  } finally {
    await Promise.all([client, ...peers].map((n) => n.stop()));
  }
}

/** A chain of real blocks with real commit certificates from `v` validators over 7 bands. */
function verifiedChain(n: number, v: number): { source: BlockSource; set: ValidatorSet; bytes: number } {
  const keys = Array.from({ length: v }, (_, i) => {
    const kp = ed25519.generate(sha256(new TextEncoder().encode(`bench-val-${i}`)));
    return { ...kp, address: addressFor(ed25519.id, kp.publicKey) };
  });
  const validators: Validator[] = keys.map((k, i) => ({ address: k.address, publicKey: k.publicKey, power: 10n, band: (i % 7) + 1 }));
  const set = ValidatorSet.create(validators);
  const signers = keys.map((k) => ed25519Signer(k.address, k.secretKey));
  const items: Array<{ block: Uint8Array; commit: Uint8Array }> = [];
  let prev: Uint8Array = new Uint8Array(32);
  const txs = Array.from({ length: 50 }, () => new Uint8Array(randomBytes(200)));
  for (let h = 1; h <= n; h++) {
    const block: Block = {
      header: { chainId: CHAIN, height: h, time: 1_700_000_000_000 + h * 1000, prevHash: prev, txRoot: sha256(), stateRoot: sha256(), resultsRoot: sha256(), proposer: keys[h % v]!.address },
      txs,
    };
    const hash = blockHash(block.header);
    const precommits = signers.map((s) => signVote(CHAIN, s, { type: "precommit", height: h, round: 0, blockHash: hash, validator: s.address }));
    items.push({ block: encodeBlock(block), commit: encodeCommit(buildCommit(precommits)) });
    prev = hash;
  }
  const source: BlockSource = { height: () => items.length, block: (h) => items[h - 1], latestHash: () => prev };
  return { source, set, bytes: items[0]!.block.length + items[0]!.commit.length };
}

/** What the node's hook does, minus executing the block: decode, link, verifyCommit. */
class CommitVerifier implements SyncHooks {
  private height = 0;
  private prev: Uint8Array = new Uint8Array(32);
  constructor(private readonly set: ValidatorSet) {}
  localHeight(): number {
    return this.height;
  }
  verifyAndApply(b: SyncedBlock): SyncVerdict {
    let block: Block;
    let hash: Uint8Array;
    try {
      block = decodeBlock(b.block);
      hash = blockHash(block.header);
      if (block.header.height !== b.height || !bytesEqual(block.header.prevHash, this.prev)) return { ok: false, reason: "does not link" };
      const v = verifyCommit(CHAIN, this.set, b.height, hash, decodeCommit(b.commit));
      if (!v.ok) return { ok: false, reason: v.reason };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
    this.height = b.height;
    this.prev = hash;
    return { ok: true };
  }
}

const runs: Run[] = [];
const secret = randomBytes(32);
const fake = new FakeChain(secret, 5000, 1024);
runs.push(await measure("network-only", fake, new FakeVerifier(secret), 1, 1064 + 32));
runs.push(await measure("network-only", fake, new FakeVerifier(secret), 3, 1064 + 32));
for (const v of [4, 21, 100]) {
  const n = v === 100 ? 500 : 2000;
  const c = verifiedChain(n, v);
  runs.push(await measure(`verified-${v}-validators`, c.source, new CommitVerifier(c.set), 1, c.bytes));
}
const path = writeResults("p2p-sync.json", "sync", { runs, targetBlocksPerSecond: 200 });
console.log(`results: ${path}`);
