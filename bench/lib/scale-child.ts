/**
 * Child of bench/node-transfers.ts --mode scale: opens a node on an existing data directory
 * (the 1M-account state) in a fresh process, commits `rounds` blocks of `blockTxs` transfers,
 * and prints {times, rssMiB, anon, file} as JSON, so RSS is the node's alone.
 */
import { openBenchNode, benchSigner, transfer } from "./fixtures.ts";
import { rssMiB, rssSplitMiB } from "./results.ts";

const [dir, genesisTime, blockTxsArg, roundsArg] = process.argv.slice(2);
const blockTxs = Number(blockTxsArg);
const rounds = Number(roundsArg);
const { node } = await openBenchNode({ senders: blockTxs, dir: dir!, genesisTime: Number(genesisTime) });
const S = Array.from({ length: blockTxs + 1 }, (_, i) => benchSigner(i));
const times: number[] = [];
for (let r = 0; r < rounds; r++) {
  const txs = Array.from({ length: blockTxs }, (_, i) => transfer(S[i]!, S[(i + 1) % blockTxs]!.address, 1n, BigInt(node.getAccount(S[i]!.address).nonce)));
  await Promise.all(txs.map((d) => node.submitTx(d.bytes)));
  const t = performance.now();
  const b = await node.produceBlock();
  times.push(performance.now() - t);
  if (b.txs.length !== blockTxs) throw new Error(`block carried ${b.txs.length} transfers, expected ${blockTxs}`);
  await new Promise((res) => setTimeout(res, 200)); // idle time between blocks, as a node has
}
if (process.env.NEXUS_BENCH_SMAPS) {
  // Which mappings hold the resident pages (diagnostics for the RSS figure).
  const { readFileSync } = await import("node:fs");
  const agg = new Map<string, number>();
  let cur = "";
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      cur = m[1] || "[anon]";
      if (cur.endsWith(".lmdb")) process.stderr.write(`mapping ${line.split(" ")[0]} ${cur}\n`);
    }
    else if (line.startsWith("Rss:")) agg.set(cur, (agg.get(cur) ?? 0) + Number(line.split(/\s+/)[1]));
  }
  for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 10)) process.stderr.write(`${String(Math.round(v / 1024)).padStart(6)} MiB ${k}\n`);
}
if (process.env.NEXUS_BENCH_HEAPSNAP) (await import("node:v8")).writeHeapSnapshot(process.env.NEXUS_BENCH_HEAPSNAP);
const split = rssSplitMiB();
const m = process.memoryUsage();
const mib = (x: number): number => Math.round(x / 2 ** 20);
process.stdout.write(JSON.stringify({ times, rssMiB: rssMiB(), anon: split.anon, file: split.file, heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) }) + "\n");
await node.stop();
process.exit(0);
