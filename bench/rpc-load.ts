/**
 * 10 000 concurrent WebSocket clients on one node (roadmap 1.1). A dev node runs as its own
 * process (its RSS is what is reported); worker threads ramp up the clients over --ramp
 * seconds, each subscribed to new blocks and to transfers to one account; they are held for
 * --hold seconds while this process submits signed transfers at --tps and an outside client
 * polls nexus_status. --watch own (the default, a wallet per user) gives every client its own
 * account and sends the transfers round-robin to them; --watch shared makes every client watch
 * the one account every transfer pays (the worst case: each transfer notifies all clients). Printed and written to bench/results/rpc-load.json:
 * connections held, refused; block-notification lag p50/p99 (receive time − block time);
 * notifications missed by clients that keep up; node RSS (peak, from /metrics); blocks
 * produced; nexus_status latency p50/p99 for the outside client.
 *
 *   npx tsx bench/rpc-load.ts [--clients 10000] [--ramp 60] [--hold 30] [--tps 100] [--workers 4] [--watch own|shared]
 */
import { Command, Option } from "commander";
import { Worker } from "node:worker_threads";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, startNodeProcess } from "../test/helpers/spawn-node.ts";
import { Keyring, DEV_PASSPHRASE } from "../runtime/crypto/keystore.ts";
import { encodeAddress } from "../runtime/crypto/address.ts";
import { sha256, utf8 } from "../runtime/crypto/hash.ts";
import { buildSendTx } from "../modules/bank/client.ts";
import { NexusClient } from "../runtime/rpc/client.ts";
import { writeResults, progress } from "./lib/results.ts";
import { percentile } from "./lib/fixtures.ts";

const opts = new Command()
  .description("hold thousands of WebSocket subscribers on one node while it commits transfers")
  .option("--clients <n>", "WebSocket clients", "10000")
  .option("--ramp <s>", "seconds over which the clients connect", "60")
  .option("--hold <s>", "seconds the clients are held, all connected, under load", "30")
  .option("--tps <n>", "signed transfers submitted per second meanwhile", "100")
  .option("--workers <n>", "client worker threads", "4")
  .option("--block-time <ms>", "block interval of the dev node", "1000")
  .addOption(new Option("--watch <which>", "account each client watches: its own, or one shared by all").choices(["own", "shared"]).default("own"))
  .parse()
  .opts<{ clients: string; ramp: string; hold: string; tps: string; workers: string; blockTime: string; watch: "own" | "shared" }>();

const clients = Number(opts.clients);
const workers = Number(opts.workers);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const home = mkdtempSync(join(tmpdir(), "nexus-rpc-load-"));

const init = await runCli(["--home", home, "init", "--dev"]);
if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
const cfgPath = join(home, "config.json");
const cfg = JSON.parse(readFileSync(cfgPath, "utf8")) as { rpc: Record<string, unknown> };
// The bench's clients come from 16 loopback addresses: raise the caps to hold all of them.
cfg.rpc = { ...cfg.rpc, maxConnections: clients + 100, maxConnectionsPerIp: Math.ceil(clients / 16) + 100, maxSubscriptions: clients * 2 + 100 };
writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
const node = await startNodeProcess(home, { blockTimeMs: Number(opts.blockTime) });
const wsUrl = node.url.replace("http://", "ws://") + "/ws";
const ring = new Keyring(join(home, "keys"));
const alice = ring.loadSigner("alice", DEV_PASSPHRASE);
const bob = ring.show("bob").address;
// Addresses with no key behind them: a transfer to one creates its account.
const watched = opts.watch === "shared" ? [bob] : Array.from({ length: clients }, (_, i) => encodeAddress(sha256(utf8(`rpc-load watcher ${i}`))));
console.log(`node ${node.url}: ramping ${clients} WebSocket clients over ${opts.ramp}s in ${workers} worker threads`);

interface Report { open: number; refused: number; errors: number; lags: number[]; lost: number; notifications: number; eventNotes: number; made: number; final?: boolean }
const latest: Report[] = [];
const lags: number[] = [];
const ws: Worker[] = [];
const localAddresses = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 1}`);
for (let w = 0; w < workers; w++) {
  const share = Math.floor(clients / workers) + (w < clients % workers ? 1 : 0);
  const first = w * Math.floor(clients / workers) + Math.min(w, clients % workers);
  const watch = opts.watch === "shared" ? Array(share).fill(bob) : watched.slice(first, first + share);
  const worker = new Worker(new URL("./lib/ws-clients-worker.mjs", import.meta.url), { workerData: { url: wsUrl, count: share, rampMs: Number(opts.ramp) * 1000, watch, localAddresses } });
  worker.on("message", (r: Report) => {
    latest[w] = r;
    if (holding) lags.push(...r.lags);
  });
  ws.push(worker);
}
let holding = false;
const sum = (k: keyof Report): number => latest.reduce((s, r) => s + ((r?.[k] as number) ?? 0), 0);

async function metrics(): Promise<{ connections: number; rss: number }> {
  // A kept-alive HTTP connection the loaded node closed is reset on reuse: ask again.
  let text = "";
  for (let attempt = 1; ; attempt++) {
    try {
      text = await (await fetch(`${node.url}/metrics`)).text();
      break;
    } catch (e) {
      if (attempt === 5) {
        // The node itself may be gone: say how it ended.
        console.error(`node process: exit ${node.proc.exitCode}, signal ${node.proc.signalCode}\n${node.log().slice(-3000)}`);
        throw e;
      }
      await sleep(200);
    }
  }
  const v = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  return { connections: v("nexus_rpc_ws_connections"), rss: v("nexus_process_resident_memory_bytes") };
}

const rampEnd = Date.now() + Number(opts.ramp) * 1000;
let peakRss = 0;
while (Date.now() < rampEnd + 5000 && sum("open") < clients) {
  await sleep(1000);
  progress("clients connected", sum("open"), clients);
  peakRss = Math.max(peakRss, (await metrics()).rss);
}
const startHeight = (await node.client.status()).height;
console.log(`\nholding ${sum("open")} clients for ${opts.hold}s while submitting ${opts.tps} transfers/s`);
holding = true;
const notesAtHold = sum("notifications");
const lostAtHold = sum("lost");
const statusLat: number[] = [];
const outside = new NexusClient(node.url, { timeoutMs: 10_000 });
const holdEnd = Date.now() + Number(opts.hold) * 1000;
let nonce = BigInt((await node.client.getAccount(ring.show("alice").address)).nonce);
const chainId = (await node.client.status()).chainId;
const nonceAtHold = nonce;
let submitted = 0;
let submitErrors = 0;
const load = (async () => {
  const per = Math.max(1, Math.round(Number(opts.tps) / 10));
  while (Date.now() < holdEnd) {
    const t = Date.now();
    // One sender, so one at a time: concurrent sends may reach the node out of nonce order,
    // and a refused nonce gap would refuse every later one.
    for (let i = 0; i < per; i++) {
      const tx = buildSendTx({ chainId, signer: alice, nonce, to: watched[submitted % watched.length]!, amount: 1n });
      submitted++;
      try {
        await node.client.sendTx(tx.bytes);
        nonce++;
      } catch {
        submitErrors++;
        // The committed nonce, if the node answers (under this load it may not, for seconds).
        nonce = await node.client.getAccount(ring.show("alice").address).then((acct) => BigInt(acct.nonce), () => nonce);
      }
    }
    await sleep(Math.max(0, 100 - (Date.now() - t)));
  }
})();
while (Date.now() < holdEnd) {
  const t = performance.now();
  await outside.status().catch(() => undefined);
  statusLat.push(performance.now() - t);
  peakRss = Math.max(peakRss, (await metrics()).rss);
  await sleep(500);
}
await load;
await sleep(2000);
const m = await metrics();
for (const w of ws) w.postMessage("stop");
await sleep(1500);
const endHeight = (await node.client.status()).height;
lags.sort((a, b) => a - b);
statusLat.sort((a, b) => a - b);
const r = {
  clients,
  watch: opts.watch,
  connectionsHeld: m.connections,
  refused: sum("refused"),
  clientErrors: sum("errors"),
  blocksDuringHold: endHeight - startHeight,
  notificationsDuringHold: sum("notifications") - notesAtHold,
  eventNotifications: sum("eventNotes"),
  lagP50ms: Math.round(percentile(lags, 50)),
  lagP99ms: Math.round(percentile(lags, 99)),
  blockIntervalMs: Number(opts.blockTime),
  missedByClients: sum("lost") - lostAtHold,
  transfersSubmitted: submitted,
  submitErrors,
  /** The sender's committed nonce counts every transfer that committed while held. */
  transfersCommitted: Number(BigInt((await node.client.getAccount(ring.show("alice").address)).nonce) - nonceAtHold),
  nodeRssMiBPeak: Math.round(peakRss / 2 ** 20),
  statusP50ms: Math.round(percentile(statusLat, 50)),
  statusP99ms: Math.round(percentile(statusLat, 99)),
};
console.log(
  `held ${r.connectionsHeld}/${clients} connections (${r.refused} refused); ${r.blocksDuringHold} blocks while held; block-notification lag p50 ${r.lagP50ms} ms / p99 ${r.lagP99ms} ms (block interval ${r.blockIntervalMs} ms); ${r.missedByClients} notifications missed, ${r.eventNotifications} account notifications; ${r.transfersCommitted} of ${r.transfersSubmitted} transfers committed; node RSS peak ${r.nodeRssMiBPeak} MiB; outside nexus_status p50 ${r.statusP50ms} ms / p99 ${r.statusP99ms} ms`,
);
console.log(`results: ${writeResults("rpc-load.json", opts.watch === "own" ? "load" : "loadShared", r)}`);
await node.stop();
rmSync(home, { recursive: true, force: true });
process.exit(0);
