/**
 * Joining a network whose state holds many accounts: by state sync (a snapshot's chunks, each
 * verified, then block sync of what follows) versus by block sync from genesis (executing every
 * block). One BFT validator and each joiner in this process, over real libp2p on 127.0.0.1 with
 * the nodes' lmdb stores; the accounts are made by ordinary multi-send blocks.
 *
 *   npx tsx bench/state-sync.ts [--accounts 1000000] [--interval 50]
 *
 * Prints the join times and writes bench/results/state-sync.json.
 */
import { Command } from "commander";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { NexusNode } from "../runtime/node/node.ts";
import { defaultNodeConfig, type NodeConfig } from "../runtime/node/config.ts";
import { bftProducerFromConfig } from "../runtime/node/bft-producer.ts";
import { nexusChain } from "../chains/nexus/chain.ts";
import { ed25519Signer } from "../runtime/consensus/index.ts";
import { ed25519 } from "../runtime/crypto/ed25519.ts";
import { Libp2pNodeTransport } from "../plugins/transports/libp2p/index.ts";
import { encodeAddress } from "../runtime/crypto/address.ts";
import { sha256, utf8 } from "../runtime/crypto/hash.ts";
import { signTx } from "../runtime/tx/sign.ts";
import { Band } from "../runtime/tx/bands.ts";
import { CHAIN_ID, clusterGenesis, validatorKey } from "../test/consensus-node/cluster.ts";
import { testSchemes, testSigner } from "../test/helpers/node-harness.ts";
import { progress, rssMiB, writeResults } from "./lib/results.ts";

const opts = new Command()
  .description("time for a node to join a network whose state holds N accounts: state sync vs block sync from genesis")
  .option("--accounts <n>", "accounts in state", "1000000")
  .option("--interval <blocks>", "the validator's snapshot interval", "50")
  .parse()
  .opts<{ accounts: string; interval: string }>();
const ACCOUNTS = Number(opts.accounts);
const INTERVAL = Number(opts.interval);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = pino({ level: process.env.NEXUS_BENCH_LOG ?? "warn" });
const genesis = clusterGenesis(1);

interface Running {
  node: NexusNode;
  transport: Libp2pNodeTransport;
  dir: string;
}

async function startNode(name: string, o: { validator: boolean; bootstrap: string[]; stateSync?: boolean }): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), `nexus-bench-ss-${name}-`));
  const transport = await Libp2pNodeTransport.forNode({ chainId: CHAIN_ID, home: dir, host: "127.0.0.1", port: 0, bootstrap: o.bootstrap, maxBlockBytes: 8 * 1024 * 1024, logger: log });
  const d = defaultNodeConfig();
  const config: NodeConfig = {
    ...d,
    consensus: "bft",
    blockTimeMs: 200,
    stateSync: { ...d.stateSync, snapshotInterval: o.validator ? INTERVAL : 0, snapshotKeep: 2, discoveryMs: 3000 },
    bft: { ...d.bft, timeoutProposeMs: 2000, timeoutVoteMs: 1000, timeoutDeltaMs: 200, maxProposalTxs: 400 },
  };
  const k = validatorKey(0);
  const dataDir = join(dir, "data");
  const node = await NexusNode.open({
    dataDir,
    config,
    genesis,
    modules: nexusChain.modules("bft"),
    order: nexusChain.order,
    schemes: testSchemes(),
    proposer: k.address,
    logger: log.child({ node: name }),
    producer: bftProducerFromConfig(config, dataDir, {
      transport,
      signer: o.validator ? ed25519Signer(k.address, k.seed) : undefined,
      operatorKey: o.validator ? { scheme: ed25519, secretKey: k.seed, publicKey: k.publicKey, address: k.address } : undefined,
    }),
    ...(o.stateSync ? { stateSync: { transport } } : {}),
  });
  if (node.snapshots) transport.setSnapshotSource(node.snapshots);
  await node.start();
  return { node, transport, dir };
}

async function stop(r: Running): Promise<void> {
  await r.node.stop();
  await r.transport.stop();
  rmSync(r.dir, { recursive: true, force: true });
}

/** ACCOUNTS new accounts through multi-send transactions from the four funded test keys. */
async function fill(node: NexusNode): Promise<void> {
  const funders = [0, 1, 2, 3].map((i) => testSigner(i));
  const nonces = [0n, 0n, 0n, 0n];
  const perMsg = 99;
  let created = 0;
  let sent = 0;
  while (created < ACCOUNTS) {
    const txs = [];
    for (let t = 0; t < 200 && created < ACCOUNTS; t++, sent++) {
      const f = sent % 4;
      const n = Math.min(perMsg, ACCOUNTS - created);
      const outputs = Array.from({ length: n }, (_, j) => ({ address: encodeAddress(sha256(utf8(`ss-filler-${created + j}`))), coins: [{ denom: "nxt", amount: "1" }] }));
      created += n;
      txs.push(
        signTx(
          {
            chainId: CHAIN_ID, sender: funders[f]!.address, nonce: nonces[f]!++, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "",
            msgs: [{ typeUrl: "/bank.v1.MsgMultiSend", value: { inputs: [{ address: funders[f]!.address, coins: [{ denom: "nxt", amount: String(n) }] }], outputs } }],
          },
          [funders[f]!],
        ),
      );
    }
    await Promise.all(txs.map((d) => node.submitTx(d.bytes)));
    // Keep the mempool short: wait until this batch is in blocks.
    while (node.mempool.size > 0) await sleep(50);
    progress(`filling state through blocks (height ${node.height}, rss ${rssMiB()} MiB)`, created, ACCOUNTS);
  }
}

async function join_(name: string, validator: Running, stateSync: boolean): Promise<{ seconds: number; target: number; from: number; rssMiB: number }> {
  const target = validator.node.height;
  const t0 = performance.now();
  const j = await startNode(name, { validator: false, bootstrap: validator.transport.addresses(), stateSync });
  const restored = performance.now();
  while (j.node.height < target) await sleep(50);
  const seconds = (performance.now() - t0) / 1000;
  const from = j.node.status().earliestBlockHeight ?? 1;
  if (j.node.status().stateRoot !== validator.node.getBlock(j.node.height)?.header.stateRoot) throw new Error(`${name}: state root differs from the validator's at ${j.node.height}`);
  const r = { seconds: Math.round(seconds * 10) / 10, target, from, rssMiB: rssMiB(), openSeconds: Math.round((restored - t0) / 100) / 10 };
  console.log(`${name}: at height ${target} in ${r.seconds} s (first block held ${from}; open/restore ${r.openSeconds} s)`);
  await stop(j);
  return r;
}

async function main(): Promise<void> {
  const v = await startNode("validator", { validator: true, bootstrap: [] });
  while (v.node.height < 2) await sleep(50);
  const t = performance.now();
  await fill(v.node);
  const fillSeconds = (performance.now() - t) / 1000;
  const filledAt = v.node.height;
  console.log(`filled ${ACCOUNTS} accounts in ${filledAt} blocks, ${fillSeconds.toFixed(1)} s`);
  // The first snapshot after the fill, complete on disk (an interval height reached while the
  // previous snapshot is still being written is skipped).
  let snapAt: number | undefined;
  while ((snapAt = v.node.snapshots!.heights().find((h) => h > filledAt)) === undefined) await sleep(200);
  const taken = v.node.snapshots!.taken.find((s) => s.height === snapAt)!;
  console.log(`snapshot at ${snapAt}: ${taken.keys} keys, ${(taken.bytes / 2 ** 20).toFixed(1)} MiB, written in ${(taken.ms / 1000).toFixed(1)} s while blocks went on`);
  const bySnapshot = await join_("state-sync", v, true);
  const byBlocks = await join_("block-sync", v, false);
  await stop(v);
  const result = {
    accounts: ACCOUNTS,
    stateKeys: taken.keys,
    blocks: bySnapshot.target,
    snapshot: { height: snapAt, mib: Math.round((taken.bytes / 2 ** 20) * 10) / 10, writeSeconds: Math.round(taken.ms / 100) / 10 },
    stateSyncSeconds: bySnapshot.seconds,
    blockSyncSeconds: byBlocks.seconds,
    speedup: Math.round((byBlocks.seconds / bySnapshot.seconds) * 10) / 10,
  };
  console.log(`join by state sync ${result.stateSyncSeconds} s vs by block sync from genesis ${result.blockSyncSeconds} s (${result.speedup}x), ${ACCOUNTS} accounts, ${result.blocks} blocks`);
  console.log(`results: ${writeResults("state-sync.json", `accounts-${ACCOUNTS}`, result)}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
