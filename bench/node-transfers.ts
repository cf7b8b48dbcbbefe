/**
 * Signed NXT transfers through one node: checkTx (signatures verified in worker threads)
 * → block → commit (state root in every header), with the single-validator block producer.
 * The node runs in this process and transactions are handed to its submitTx (the same call
 * the JSON-RPC server makes), so the figures are the node's, not the HTTP layer's; the
 * transactions are signed before measuring starts.
 *
 *   npx tsx bench/node-transfers.ts [--mode all|throughput|latency|scale] [--accounts 1000000]
 *   NEXUS_BENCH_SCHEME=hybrid-ed25519-ml-dsa-65 npx tsx bench/node-transfers.ts --mode throughput --txs 20000
 *
 * Prints the figures and writes bench/results/node-transfers.json.
 */
import { Command } from "commander";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openBenchNode, benchSigner, transfer, percentile } from "./lib/fixtures.ts";
import { writeResults, rssMiB, rssSplitMiB, progress } from "./lib/results.ts";
import { driveThroughput } from "./lib/drive.ts";
import { signTx } from "../runtime/tx/sign.ts";
import { Band } from "../runtime/tx/bands.ts";
import type { DecodedTx } from "../runtime/tx/envelope.ts";
import type { NexusNode } from "../runtime/node/node.ts";
import { encodeAddress } from "../runtime/crypto/address.ts";
import { sha256, utf8 } from "../runtime/crypto/hash.ts";
import { BENCH_CHAIN, BENCH_SCHEME } from "./lib/fixtures.ts";
import { NODE_HEAP_FLAGS, missingHeapFlags } from "../runtime/node/heap-flags.ts";

// Measure the node as it is launched: with its V8 heap flags (runtime/node/heap-flags.ts).
if (missingHeapFlags().length > 0) {
  const r = spawnSync(process.execPath, [...NODE_HEAP_FLAGS, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const opts = new Command()
  .description("signed-transfer throughput, latency and scaling of one node")
  .option("--mode <mode>", "all | throughput | latency | scale", "all")
  .option("--senders <n>", "funded sending accounts", "5000")
  .option("--txs <n>", "transfers for the throughput run", "60000")
  .option("--rate <n>", "offered load for the latency run, tx/s", "1000")
  .option("--seconds <n>", "duration of the latency run", "20")
  .option("--accounts <n>", "accounts in state for the scale run", "1000000")
  .option("--block-txs <n>", "transfers per block in the scale run", "5000")
  .option("--state-dir <path>", "scale run: keep the filled state here and reuse it on the next run (fill skipped when it exists)")
  .parse()
  .opts<{ mode: string; senders: string; txs: string; rate: string; seconds: string; accounts: string; blockTxs: string; stateDir?: string }>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function presign(count: number, senders: number, startNonce = 0n): DecodedTx[] {
  const S = Array.from({ length: senders + 1 }, (_, i) => benchSigner(i));
  const out: DecodedTx[] = [];
  for (let k = 0; k < count; k++) {
    const i = k % senders;
    out.push(transfer(S[i]!, S[(i + 1) % senders]!.address, 1n, startNonce + BigInt(Math.floor(k / senders))));
    if (k % 5000 === 0 || k === count - 1) progress("signing transfers", k + 1, count);
  }
  return out;
}

async function throughput(): Promise<Record<string, unknown>> {
  const senders = Number(opts.senders);
  const txs = presign(Number(opts.txs), senders);
  const { node } = await openBenchNode({ senders, blockTimeMs: 1000 });
  node.start();
  const d = await driveThroughput(node, txs);
  await node.stop();
  const r = { scheme: BENCH_SCHEME, transfers: d.total, rejected: d.rejected, seconds: +d.seconds.toFixed(2), txPerSecond: Math.round(d.perSecond), sustainedTxPerSecond: Math.round(d.sustainedPerSecond), blocks: d.busyBlocks, maxBlockTxs: d.maxBlockTxs };
  console.log(`throughput (${BENCH_SCHEME}): ${r.transfers} transfers committed in ${r.seconds}s → ${r.txPerSecond} tx/s overall, ${r.sustainedTxPerSecond} tx/s sustained (largest block ${r.maxBlockTxs})`);
  return r;
}

async function latency(): Promise<Record<string, unknown>> {
  const rate = Number(opts.rate);
  const seconds = Number(opts.seconds);
  const senders = Math.max(rate, 1000);
  const txs = presign(rate * seconds, senders);
  const { node } = await openBenchNode({ senders, blockTimeMs: 1000 });
  const submitted = new Map<string, number>();
  const lat: number[] = [];
  node.subscribe((e) => {
    if (e.kind !== "block") return;
    const now = performance.now();
    for (const h of e.block.txs) {
      const t = submitted.get(h);
      if (t !== undefined) lat.push(now - t);
    }
  });
  node.start();
  const t0 = performance.now();
  const tick = 50; // ms: offer rate/20 transfers every 50 ms
  const per = Math.max(1, Math.round((rate * tick) / 1000));
  for (let i = 0, k = 0; i < txs.length; i += per, k++) {
    const due = t0 + k * tick;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (const d of txs.slice(i, i + per)) {
      submitted.set(Buffer.from(d.hash).toString("hex"), performance.now());
      void node.submitTx(d.bytes).catch(() => undefined);
    }
  }
  while (lat.length < submitted.size && performance.now() - t0 < (seconds + 30) * 1000) await sleep(50);
  await node.stop();
  lat.sort((a, b) => a - b);
  const r = { offeredTxPerSecond: rate, seconds, committed: lat.length, offered: submitted.size, p50ms: Math.round(percentile(lat, 50)), p99ms: Math.round(percentile(lat, 99)), maxMs: Math.round(lat[lat.length - 1] ?? NaN) };
  console.log(`latency at ${rate} tx/s offered: p50 ${r.p50ms} ms, p99 ${r.p99ms} ms submit→committed (${r.committed}/${r.offered} committed)`);
  return r;
}

/** Fill state with `accounts` funded accounts through ordinary multi-send blocks. */
async function fillAccounts(node: NexusNode, accounts: number, funders: number): Promise<void> {
  const F = Array.from({ length: funders }, (_, i) => benchSigner(i));
  const outputsPerMsg = 99;
  let created = 0;
  const nonces = new Array<bigint>(funders).fill(0n);
  let next = 0;
  while (created < accounts) {
    const batch: DecodedTx[] = [];
    for (let t = 0; t < 150 && created < accounts; t++) {
      const f = next++ % funders;
      const n = Math.min(outputsPerMsg, accounts - created);
      const outputs = Array.from({ length: n }, (_, j) => ({ address: encodeAddress(sha256(utf8(`filler-${created + j}`))), coins: [{ denom: "nxt", amount: "1" }] }));
      created += n;
      batch.push(
        signTx(
          {
            chainId: BENCH_CHAIN, sender: F[f]!.address, nonce: nonces[f]!++, band: Band.NANO, feeLimit: 10_000_000n, tip: 0n, timeoutHeight: 0, memo: "",
            msgs: [{ typeUrl: "/bank.v1.MsgMultiSend", value: { inputs: [{ address: F[f]!.address, coins: [{ denom: "nxt", amount: String(n) }] }], outputs } }],
          },
          [F[f]!],
        ),
      );
    }
    await Promise.all(batch.map((d) => node.submitTx(d.bytes)));
    await node.produceBlock();
    progress(`filling state with accounts (rss ${rssMiB()} MiB)`, created, accounts);
  }
}

async function commitTimes(node: NexusNode, blockTxs: number, senders: number, rounds: number): Promise<number[]> {
  const S = Array.from({ length: senders + 1 }, (_, i) => benchSigner(i));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const txs = Array.from({ length: blockTxs }, (_, i) => transfer(S[i]!, S[(i + 1) % senders]!.address, 1n, BigInt(node.getAccount(S[i]!.address).nonce)));
    await Promise.all(txs.map((d) => node.submitTx(d.bytes)));
    const t = performance.now();
    const b = await node.produceBlock();
    times.push(performance.now() - t);
    if (b.txs.length !== blockTxs) throw new Error(`block carried ${b.txs.length} transfers, expected ${blockTxs}`);
  }
  return times.sort((a, b) => a - b);
}

async function scale(): Promise<Record<string, unknown>> {
  const blockTxs = Number(opts.blockTxs);
  const accounts = Number(opts.accounts);
  const rounds = 5;
  const small = await openBenchNode({ senders: blockTxs });
  const tSmall = await commitTimes(small.node, blockTxs, blockTxs, rounds);
  await small.node.stop();
  rmSync(small.dir, { recursive: true, force: true });

  // A kept state directory records its genesis time, so a reused one opens with the same genesis.
  const keep = opts.stateDir;
  const stampFile = keep ? join(keep, "bench-genesis-time") : undefined;
  const reuse = stampFile !== undefined && existsSync(stampFile);
  const genesisTime = reuse ? Number(readFileSync(stampFile!, "utf8")) : Date.now();
  let rssAfterFill: number | undefined;
  let filled: { dir: string };
  if (reuse) {
    console.log(`  reusing the filled state in ${keep}`);
    filled = { dir: keep! };
  } else {
    if (keep) mkdirSync(keep, { recursive: true });
    const opened = await openBenchNode({ senders: blockTxs, genesisTime, ...(keep ? { dir: keep } : {}) });
    await fillAccounts(opened.node, accounts, blockTxs);
    rssAfterFill = rssMiB();
    await opened.node.stop();
    if (stampFile) writeFileSync(stampFile, String(genesisTime));
    filled = opened;
  }
  // The measured blocks run in a fresh process opened on the 1M-account state, as after a
  // restart, so its RSS is the node's alone (not the fill's heap or this harness's).
  const child = await new Promise<{ times: number[]; rssMiB: number; anon: number; file: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }>((resolve, reject) => {
    const p = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", fileURLToPath(new URL("./lib/scale-child.ts", import.meta.url)), filled.dir, String(genesisTime), String(blockTxs), String(rounds)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`scale child exited with ${code}`))));
  });
  const tBig = child.times.sort((a, b) => a - b);
  const rss = child.rssMiB;
  const split = { anon: child.anon, file: child.file };
  console.log(`  node process memory: heap ${child.heapUsed}/${child.heapTotal} MiB, external ${child.external} MiB (array buffers ${child.arrayBuffers} MiB)`);
  if (!keep) rmSync(filled.dir, { recursive: true, force: true });
  const p50Small = percentile(tSmall, 50);
  const p50Big = percentile(tBig, 50);
  const r = {
    blockTransfers: blockTxs,
    accountsSmall: blockTxs,
    accountsBig: accounts + blockTxs,
    blockMsSmallP50: Math.round(p50Small),
    blockMsBigP50: Math.round(p50Big),
    ratio: +(p50Big / p50Small).toFixed(2),
    rssMiBBig: rss,
    rssMiBBenchProcessAfterFill: rssAfterFill,
    rssAnonMiBBig: split.anon,
    rssFileMiBBig: split.file,
    note: "block time = execute + stage state root + commit (lmdb journal) of one block of transfers, median of 5 blocks; the journal's background apply runs between blocks. RSS: of a separate node process (launched with runtime/node/heap-flags.ts's flags) opened on the 1M-account state, after 5 blocks; file-backed = lmdb's mapped pages + the Node binary",
  };
  console.log(`scale: a ${blockTxs}-transfer block takes ${r.blockMsSmallP50} ms with ${r.accountsSmall} accounts and ${r.blockMsBigP50} ms with ${r.accountsBig} (×${r.ratio}); RSS ${rss} MiB (${split.anon} anonymous + ${split.file} file-backed: mapped database pages and the Node binary)`);
  return r;
}

const modes = opts.mode === "all" ? ["throughput", "latency", "scale"] : [opts.mode];
for (const m of modes) {
  const r = m === "throughput" ? await throughput() : m === "latency" ? await latency() : m === "scale" ? await scale() : undefined;
  if (!r) throw new Error(`unknown mode ${m}`);
  const path = writeResults("node-transfers.json", m === "throughput" && BENCH_SCHEME !== "ed25519" ? `throughput-${BENCH_SCHEME}` : m, r);
  console.log(`  → ${path}`);
}
process.exit(0);
