/**
 * Rewrites the README's benchmark table from bench/results/*.json, so the README quotes only
 * figures a bench script measured. Run after the benches: `npx tsx bench/report.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const load = (f: string): any => (existsSync(root + "bench/results/" + f) ? JSON.parse(readFileSync(root + "bench/results/" + f, "utf8")) : undefined);
const rows: [string, string, string, string][] = [];
const row = (what: string, value: string | undefined, target: string, ok?: boolean): void => {
  if (value !== undefined) rows.push([what, value, target, ok === undefined ? "" : ok ? "✔ met" : "✘ not met"]);
};
const n = (x: number): string => x.toLocaleString("en-US").replace(/,/g, " ");
const date = (s?: string): string => (s ? s.slice(0, 10) : "");

const nt = load("node-transfers.json");
if (nt?.throughput) row(`signed Ed25519 transfers through one node, sustained (bench/node-transfers.ts, ${date(nt.throughput.measuredAt)})`, `${n(nt.throughput.sustainedTxPerSecond)} tx/s`, "≥ 5 000 tx/s", nt.throughput.sustainedTxPerSecond >= 5000);
if (nt?.latency) {
  row(`submit → committed at ${n(nt.latency.offeredTxPerSecond)} tx/s offered, p50`, `${n(nt.latency.p50ms)} ms`, "≤ 1 500 ms", nt.latency.p50ms <= 1500);
  row(`… p99`, `${n(nt.latency.p99ms)} ms`, "");
}
if (nt?.scale) {
  row(`block of ${n(nt.scale.blockTransfers)} transfers: ${n(nt.scale.accountsSmall)} vs ${n(nt.scale.accountsBig)} accounts (execute + root + commit, p50)`, `${n(nt.scale.blockMsSmallP50)} ms vs ${n(nt.scale.blockMsBigP50)} ms (×${nt.scale.ratio})`, "within ×2", nt.scale.ratio <= 2);
  const split = nt.scale.rssAnonMiBBig !== undefined ? ` (${n(nt.scale.rssAnonMiBBig)} anonymous + ${n(nt.scale.rssFileMiBBig)} mapped database pages; bench harness in the same process)` : "";
  row(`node RSS with ${n(nt.scale.accountsBig)} accounts`, `${n(nt.scale.rssMiBBig)} MiB${split}`, "< 1 024 MiB", nt.scale.rssMiBBig < 1024);
}
for (const [key, label, target] of [["throughput-hybrid-ed25519-ml-dsa-65", "hybrid Ed25519+ML-DSA-65", 2500], ["throughput-ml-dsa-65", "ML-DSA-65", undefined]] as const) {
  const r = nt?.[key];
  if (r) row(`signed ${label} transfers through one node, sustained`, `${n(r.sustainedTxPerSecond)} tx/s`, target ? `≥ ${n(target)} tx/s` : "", target ? r.sustainedTxPerSecond >= target : undefined);
}

const cr = load("crypto.json");
const op = (backend: string, scheme: string, o: string): any => cr?.results?.find((r: any) => r.backend === backend && r.scheme === scheme && r.op === o);
for (const [scheme, target] of [["ml-dsa-65", 5000], ["hybrid-ed25519-ml-dsa-65", 3000], ["ed25519", undefined]] as const) {
  const r = op("node", scheme, "verify");
  if (r) row(`${scheme} verify, native backend, one core (bench/crypto.ts; best / median)`, `${n(r.opsPerSec)} / ${n(r.medianOpsPerSec)} per s`, target ? `≥ ${n(target)} per s` : "", target ? r.opsPerSec >= target : undefined);
}

const gas = load("contracts-gas.json");
for (const r of gas?.results ?? []) {
  if (/swap \(pair|router.swap|add liquidity \(router.addLiquidity, existing|remove liquidity|bridge mint/.test(r.name)) {
    row(`gas: ${r.name}`, n(r.gas), r.target ? `≤ ${n(r.target)}` : "", r.target ? r.gas <= r.target : undefined);
  }
}

const st = load("state-store.json");
for (const s of st?.scenarios ?? []) {
  const b = s.transferBlocks ?? s.mixedBlocks;
  if (b?.totalMs !== undefined) row(`state store: block of ${n(st.changedKeysPerBlock ?? 0)} changed keys at ${n(s.stateKeys)} keys (bench/state-store.ts)`, `${n(Math.round(b.totalMs))} ms`, "");
}

const sync = load("p2p-sync.json");
if (sync?.blocksPerSecond) row("late node sync over libp2p (bench/p2p-sync.ts)", `${n(Math.round(sync.blocksPerSecond))} blocks/s`, "≥ 200 blocks/s", sync.blocksPerSecond >= 200);

const table = ["| figure | measured | target | |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const readme = readFileSync(root + "README.md", "utf8");
const out = readme.replace(/<!-- bench-figures:start -->[\s\S]*<!-- bench-figures:end -->/, `<!-- bench-figures:start -->\n${table}\n<!-- bench-figures:end -->`);
writeFileSync(root + "README.md", out);
console.log(table);
