/**
 * Four BFT validators as separate processes on 127.0.0.1 (libp2p), as `nexus devnet` runs them:
 *
 *   empty blocks   interval between consecutive empty blocks (target: --block-time)
 *   load           transfers offered at rising rates, spread over the validators' RPC: what
 *                  was committed per second (over the phase and its drain; and while the load
 *                  ran, after a 2 s ramp-up), and finality (submit → seen in a committed block
 *                  on validator 0) p50/p99
 *   late node      a fifth, non-validating node started afterwards: blocks/s while it syncs,
 *                  over an empty-block chain (its own devnet, --empty-blocks, default 600)
 *                  and over the tx-heavy chain the load phases left
 *
 * With --runs N (default 3) the load phases run N times, each on a fresh devnet: the README's
 * headline is each rate's median over the runs, with the range beside it.
 *
 * Run: npx tsx bench/devnet.ts [--block-time 500] [--seconds 10] [--rates 50,100,200,400] [--runs 3] [--empty-blocks 600]
 *      npx tsx bench/devnet.ts --only-empty-sync      # just the empty-chain late-node figure
 * Prints a table and writes bench/results/devnet.json.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { addDevnetNode, generateDevnet, type DevnetLayout } from "../runtime/node/devnet.ts";
import { NexusClient, type RpcClientError } from "../runtime/rpc/client.ts";
import type { Signer } from "../runtime/tx/sign.ts";
import { ed25519 } from "../runtime/crypto/ed25519.ts";
import { addressFor } from "../runtime/crypto/address.ts";
import { sha256, toHex, utf8 } from "../runtime/crypto/hash.ts";
import { freePort } from "../test/helpers/spawn-node.ts";
import { writeResults } from "./lib/results.ts";
import { transfer } from "./lib/fixtures.ts";
import { cpuSeconds, sleep, startNode as start, stopAll, waitFor, waitHeight } from "./lib/devnet-procs.ts";
import { nexusApp } from "../chains/nexus/app.ts";

const { values: args } = parseArgs({
  options: {
    "block-time": { type: "string", default: "500" },
    seconds: { type: "string", default: "10" },
    rates: { type: "string", default: "50,100,200,400" },
    "empty-blocks": { type: "string", default: "600" },
    runs: { type: "string", default: "3" },
    "only-empty-sync": { type: "boolean", default: false },
  },
});
const EMPTY_BLOCKS = Number(args["empty-blocks"]);
const BLOCK_TIME = Number(args["block-time"]);
const SECONDS = Number(args.seconds);
const RATES = args.rates!.split(",").map(Number);
const RUNS = Number(args.runs);
const ACCOUNTS = 2000;
/** A load phase's first seconds are its ramp-up: the steady commit rate is counted after them. */
const STEADY_AFTER_MS = 2000;

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function account(i: number): Signer & { address: string } {
  const kp = ed25519.generate(sha256(utf8(`bench-devnet-${i}`)));
  return { scheme: ed25519, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(ed25519.id, kp.publicKey) };
}

/**
 * A fifth, non-validating node started now syncs to the validators' current height. The rate
 * is what the node's own sync runs took (fetch, verifyCommit, execute, commit, from its log),
 * so process start-up and peer discovery (reported separately) are not in it.
 */
async function lateNodeSync(layout: DevnetLayout, c0: NexusClient, procs: ChildProcess[], name: string, label: string): Promise<Record<string, unknown>> {
  const [rpcPort, p2pPort] = await Promise.all([freePort(), freePort()]);
  const late = await addDevnetNode(nexusApp, layout, name, rpcPort!, p2pPort!);
  // JSON logs at info: the node's own "block sync" lines time each sync run exactly.
  const cfgPath = join(late.home, "config.json");
  writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, "utf8")), logFormat: "json" }, null, 2));
  const logPath = join(late.home, "bench-node.log");
  const target = (await c0.status()).height;
  let txs = 0;
  for (let h = 1; h <= target; h++) txs += (await c0.getBlock(h))?.txs.length ?? 0;
  const t0 = Date.now();
  const lp = start(late.home, { logLevel: "info", logFile: logPath });
  procs.push(lp);
  const lc = new NexusClient(late.rpcUrl, { timeoutMs: 10_000 });
  const deadline = Date.now() + 300_000;
  for (;;) {
    const s = await lc.status().catch(() => undefined);
    const now = Date.now();
    if (s && s.height >= target) break;
    if (now > deadline) throw new Error(`late node did not reach height ${target}`);
    await sleep(10);
  }
  const secs = (Date.now() - t0) / 1000;
  lp.kill("SIGTERM");
  // Let it exit on its own (its CPU profile, if any, is written on the way out).
  await Promise.race([new Promise((r) => lp.once("exit", r)), sleep(10_000)]);
  // Sync runs as the node timed them (fetch, verifyCommit, execute, commit): no start-up, no
  // peer discovery, no RPC polling delay. Blocks that arrived by consensus after the last
  // sync run are not counted.
  await sleep(300);
  const runs = readFileSync(logPath, "utf8")
    .split("\n")
    .filter((l) => l.includes('"block sync"'))
    .map((l) => JSON.parse(l) as { applied: number; ms: number });
  const syncBlocks = runs.reduce((a, r) => a + r.applied, 0);
  const syncSecs = runs.reduce((a, r) => a + r.ms, 0) / 1000;
  const syncRate = syncSecs > 0 ? Math.round(syncBlocks / syncSecs) : NaN;
  const r = {
    chain: label,
    blocks: target,
    txs,
    secondsIncludingStart: Math.round(secs * 10) / 10,
    blocksPerSecondIncludingStart: Math.round(target / secs),
    syncBlocks,
    syncSeconds: Math.round(syncSecs * 100) / 100,
    syncRuns: runs.length,
    blocksPerSecond: syncRate,
    // Sync runs may also apply blocks made after the target (empty ones here): the chain's txs at most.
    txsPerSecond: syncSecs > 0 ? Math.round((txs * Math.min(1, syncBlocks / target)) / syncSecs) : NaN,
    note: "blocksPerSecond: blocks applied by the late node's sync runs over their duration as the node timed them (fetch, verifyCommit, execute, commit); txsPerSecond: the chain's transactions over the sync runs' time; the IncludingStart figures include process start and peer discovery",
  };
  console.log(`late node (${label}): ${target} blocks, ${txs} txs; synced ${syncBlocks} in ${syncSecs.toFixed(2)} s (${syncRate} blocks/s), ${secs.toFixed(1)} s including start-up`);
  return r;
}

/**
 * Sync over a chain of empty blocks: a separate four-validator devnet with a short block
 * time builds `blocks` blocks (in real consensus, over libp2p); the validators are then
 * restarted at the normal block time (--block-time), as a network a node joins runs, and a
 * late node syncs the chain.
 */
async function emptyChainSync(blocks: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "nexus-bench-devnet-empty-"));
  const ports = async (n: number): Promise<number[]> => Promise.all(Array.from({ length: n }, () => freePort()));
  const layout = await generateDevnet(nexusApp, { dir, validators: 4, rpcPorts: await ports(4), p2pPorts: await ports(4), blockTimeMs: 10, logLevel: "warn" });
  const procs = layout.nodes.map((n) => start(n.home));
  const c0 = new NexusClient(layout.nodes[0]!.rpcUrl, { timeoutMs: 10_000 });
  try {
    const t0 = Date.now();
    await waitHeight(c0, blocks, 300_000);
    console.log(`empty chain: ${blocks} blocks built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await stopAll(procs);
    for (const n of layout.nodes) {
      const cfgPath = join(n.home, "config.json");
      writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, "utf8")), blockTimeMs: BLOCK_TIME }, null, 2));
    }
    procs.splice(0, procs.length, ...layout.nodes.map((n) => start(n.home)));
    const h = (await waitFor(c0)).height;
    await waitHeight(c0, h + 2, 60_000);
    return await lateNodeSync(layout, c0, procs, "late-empty", "empty blocks");
  } finally {
    await stopAll(procs);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const emptySync = EMPTY_BLOCKS > 0 ? await emptyChainSync(EMPTY_BLOCKS) : undefined;
  if (args["only-empty-sync"]) {
    // Only this figure: keep the other results of the last full run.
    const path = fileURLToPath(new URL("./results/devnet.json", import.meta.url));
    const all = JSON.parse(readFileSync(path, "utf8")) as { fourValidators: Record<string, unknown> };
    all.fourValidators.lateNodeEmptyChain = { ...emptySync, measuredAt: new Date().toISOString() };
    writeFileSync(path, JSON.stringify(all, null, 2) + "\n");
    console.log(`wrote ${path}`);
    return;
  }
  const results: Record<string, unknown> = { validators: 4, blockTimeMs: BLOCK_TIME, ...(emptySync ? { lateNodeEmptyChain: emptySync } : {}) };
  const runs: Record<string, unknown>[][] = [];
  for (let r = 1; r <= RUNS; r++) {
    console.log(`run ${r} of ${RUNS}`);
    runs.push(await oneRun(results, r === RUNS));
  }
  results.runs = runs;
  results.load = medianLoads(runs);
  console.log(`wrote ${writeResults("devnet.json", "fourValidators", results)}`);
}

/** Per offered rate, the median over the runs of each figure, with the steady rate's range. */
function medianLoads(runs: Record<string, unknown>[][]): Record<string, unknown>[] {
  const med = (xs: number[]): number => {
    const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) >> 1]! : Math.round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
  };
  type Row = { offeredPerSecond: number; committedPerSecond: number; steadyCommittedPerSecond?: number; finalityMs: { p50: number; p99: number }; validatorCpuPerCommittedTxUs?: number };
  return RATES.map((rate) => {
    const rows = runs.map((ls) => (ls as unknown as Row[]).find((l) => l.offeredPerSecond === rate)).filter((x): x is Row => x !== undefined);
    const steady = rows.map((x) => x.steadyCommittedPerSecond ?? NaN);
    return {
      offeredPerSecond: rate,
      runs: rows.length,
      committedPerSecond: med(rows.map((x) => x.committedPerSecond)),
      steadyCommittedPerSecond: med(steady),
      steadyRange: [Math.min(...steady), Math.max(...steady)],
      finalityMs: { p50: med(rows.map((x) => x.finalityMs.p50)), p99: med(rows.map((x) => x.finalityMs.p99)) },
      validatorCpuPerCommittedTxUs: med(rows.map((x) => x.validatorCpuPerCommittedTxUs ?? NaN)),
    };
  });
}

/** One devnet, the empty-block interval, the load phases; the late node too when `last`. */
async function oneRun(results: Record<string, unknown>, last: boolean): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), "nexus-bench-devnet-"));
  const signers = Array.from({ length: ACCOUNTS }, (_, i) => account(i));
  const ports = async (n: number): Promise<number[]> => Promise.all(Array.from({ length: n }, () => freePort()));
  const layout = await generateDevnet(nexusApp, {
    dir,
    validators: 4,
    rpcPorts: await ports(4),
    p2pPorts: await ports(4),
    blockTimeMs: BLOCK_TIME,
    logLevel: "warn",
    accounts: signers.map((s) => ({ address: s.address, amount: 1_000_000n * 100_000_000n })),
  });
  const procs = layout.nodes.map((n) => start(n.home));
  const clients = layout.nodes.map((n) => new NexusClient(n.rpcUrl, { timeoutMs: 10_000 }));
  try {
    await waitHeight(clients[0]!, 3);

    // Empty blocks.
    const h0 = (await clients[0]!.status()).height;
    await waitHeight(clients[0]!, h0 + 11);
    const times: number[] = [];
    for (let h = h0; h <= h0 + 10; h++) times.push((await clients[0]!.getBlock(h))!.header.time);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    results.emptyBlockIntervalMs = { mean: Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length), p50: pct(gaps, 50), max: Math.max(...gaps) };
    console.log(`empty blocks: mean ${(results.emptyBlockIntervalMs as { mean: number }).mean} ms between blocks (target ${BLOCK_TIME})`);

    // Load at rising rates.
    const nonces = new Map<string, bigint>();
    const submitted = new Map<string, number>();
    const committedAt = new Map<string, number>();
    let seenHeight = (await clients[0]!.status()).height;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await clients[0]!.status().catch(() => undefined);
        for (let h = seenHeight + 1; s && h <= s.height; h++) {
          const b = await clients[0]!.getBlock(h);
          const now = Date.now();
          for (const t of b?.txs ?? []) if (!committedAt.has(t)) committedAt.set(t, now);
          seenHeight = h;
        }
        await sleep(20);
      }
    })();
    const loads: Record<string, unknown>[] = [];
    let next = 0;
    for (const rate of RATES) {
      // Sign the whole phase first: signing in the loop would make this process, which shares
      // the two cores with four validators, the bottleneck it is measuring.
      const queue: { bytes: Uint8Array; hash: string; sender: number; nonce: bigint }[] = [];
      for (let k = 0; k < rate * SECONDS; k++) {
        const sender = next++ % ACCOUNTS;
        const s = signers[sender]!;
        const nonce = nonces.get(s.address) ?? 0n;
        nonces.set(s.address, nonce + 1n);
        const d = transfer(s, signers[(next + 7) % ACCOUNTS]!.address, 1n, nonce, layout.chainId);
        queue.push({ bytes: d.bytes, hash: toHex(d.hash), sender, nonce });
      }
      const phase: string[] = [];
      const cpuBefore = procs.map((p) => cpuSeconds(p.pid));
      const rejects = new Map<string, number>();
      const rejectExample = new Map<string, string>();
      const started = Date.now();
      const tickMs = 100;
      let sent = 0;
      while (Date.now() - started < SECONDS * 1000 && sent < queue.length) {
        const tick = Date.now();
        const due = Math.min(queue.length, Math.round((rate * (tick - started + tickMs)) / 1000));
        const batch = queue.slice(sent, due);
        sent = due;
        // Spread over the validators, as clients of a network would: each account's wallet
        // talks to one validator, so its nonces arrive there in order.
        await Promise.all(
          clients.map(async (c, k) => {
            const part = batch.filter((b) => b.sender % clients.length === k);
            if (part.length === 0) return;
            const now = Date.now();
            const r = await c.sendTxs(part.map((b) => b.bytes)).catch((e: RpcClientError) => part.map(() => ({ ok: false as const, error: e })));
            r.forEach((x, j) => {
              if (x.ok) {
                submitted.set(part[j]!.hash, now);
                phase.push(part[j]!.hash);
              } else {
                // Tally by code: messages carry addresses and nonces, which would make every line unique.
                const why = x.error.codeName;
                rejects.set(why, (rejects.get(why) ?? 0) + 1);
                if (!rejectExample.has(why)) rejectExample.set(why, x.error.message.slice(0, 160));
              }
            });
          }),
        );
        await sleep(Math.max(0, tickMs - (Date.now() - tick)));
      }
      const sendEnded = Date.now();
      const offeredFor = (sendEnded - started) / 1000;
      // Nonces of transactions not sent in time or refused were never used: the next phase
      // starts each such account from its first unused nonce (otherwise all its later
      // transactions would be refused as nonce gaps).
      const acceptedNow = new Set(phase);
      for (const q of queue) {
        if (acceptedNow.has(q.hash)) continue;
        const a = signers[q.sender]!.address;
        if (q.nonce < nonces.get(a)!) nonces.set(a, q.nonce);
      }
      // Let the tail commit before measuring.
      const drain = Date.now() + 10_000;
      while (phase.some((h) => !committedAt.has(h)) && Date.now() < drain) await sleep(100);
      const done = phase.filter((h) => committedAt.has(h));
      // CPU the validators spent on this phase (load and drain), per committed transaction: the
      // figure to cut, since four validators share two cores. Not exact (the drain wait may
      // include a little of the next phase's idle time) but independent of machine contention.
      const cpuUsed = procs.map((p, k) => (cpuSeconds(p.pid) ?? NaN) - (cpuBefore[k] ?? NaN));
      const cpuPerTxUs = Math.round((cpuUsed.reduce((a, b) => a + b, 0) / procs.length / Math.max(1, done.length)) * 1e6);
      const lat = done.map((h) => committedAt.get(h)! - submitted.get(h)!);
      const lastCommit = Math.max(...done.map((h) => committedAt.get(h)!));
      // Commits seen while the load ran, after a 2 s ramp-up: the rate the chain kept up
      // with. committedPerSecond also counts the drain after sending stops, so even a chain
      // that keeps up shows less than was offered (a 1 s tail is a tenth of a 10 s phase).
      const steadyFrom = started + STEADY_AFTER_MS;
      const steadyCommits = done.filter((h) => committedAt.get(h)! >= steadyFrom && committedAt.get(h)! <= sendEnded).length;
      const steadySeconds = (sendEnded - steadyFrom) / 1000;
      const row = {
        offeredPerSecond: rate,
        sent,
        accepted: phase.length,
        rejected: Object.fromEntries(rejects),
        committed: done.length,
        committedPerSecond: Math.round(done.length / Math.max(offeredFor, (lastCommit - started) / 1000)),
        ...(steadySeconds > 0 ? { steadyCommittedPerSecond: Math.round(steadyCommits / steadySeconds) } : {}),
        finalityMs: { p50: pct(lat, 50), p99: pct(lat, 99) },
        ...(Number.isFinite(cpuPerTxUs) ? { validatorCpuPerCommittedTxUs: cpuPerTxUs } : {}),
      };
      loads.push(row);
      if (rejects.size) console.log(`  rejected: ${[...rejects].map(([k, n]) => `${n}× ${k} (e.g. ${rejectExample.get(k)})`).join("; ")}`);
      console.log(`load ${rate}/s: sent ${sent}, accepted ${row.accepted}, committed ${row.committed} (${row.committedPerSecond}/s; ${row.steadyCommittedPerSecond ?? "–"}/s while sending), finality p50 ${row.finalityMs.p50} ms p99 ${row.finalityMs.p99} ms; CPU per committed tx ${cpuPerTxUs} µs per validator`);
    }
    watching = false;
    await watcher;
    if (!last) return loads;

    // Let the validators finish the backlog first: a late node competing with four busy
    // validators for two cores would measure the contention, not sync.
    const drainUntil = Date.now() + 180_000;
    for (;;) {
      const st = await Promise.all(clients.map((c) => c.status().catch(() => undefined)));
      if (st.every((x) => x && x.mempoolSize === 0) || Date.now() > drainUntil) break;
      await sleep(500);
    }
    // Late node over the tx-heavy chain the load phases left.
    results.lateNode = await lateNodeSync(layout, clients[0]!, procs, "late", "tx-heavy chain");
    return loads;
  } finally {
    await stopAll(procs);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
