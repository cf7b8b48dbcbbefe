/**
 * Authenticated state store benchmark: commit time per block of N changed keys at 1 000 and
 * at 1 000 000 keys in state, read and proof rates, Branch throughput, and peak RSS.
 *
 *   npx node --import tsx bench/state-store.ts [--n 10000] [--big 1000000] [--blocks 6]
 *
 * Blocks come in pairs so the state size stays put: block A writes N distinct keys (updates
 * of min(S, N/2) random existing keys, the rest new keys), block B deletes those new keys and
 * updates the same existing keys again. At S = 1 000 the state therefore swings between 1k
 * and ~10k keys; at S = 1 000 000 it stays at ~1M. An update-only block (N existing keys get
 * new values: the common case for transfers) is also measured at 1M.
 * Figures are printed and written to bench/results/state-store.json; nothing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import cliProgress from "cli-progress";
import { open, type RootDatabase } from "lmdb";
import { openAuthenticatedStore } from "../runtime/state/lmdb-store.ts";
import type { TreeStore } from "../runtime/state/authenticated-store.ts";
import { Branch } from "../runtime/state/branch.ts";
import { verifyStateProof } from "../runtime/state/proof-verify.ts";
import type { Changeset } from "../runtime/state/types.ts";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const N = arg("n", 10_000);
const SMALL = arg("small", 1_000);
const BIG = arg("big", 1_000_000);
const BLOCKS = arg("blocks", 6);
// Random keys dirty ~3 lmdb pages each and lmdb keeps a txn's dirty pages for reuse, so the
// build batch bounds the process's anonymous memory; 20k keys keeps it near a block's.
const BUILD_BATCH = arg("batch", 20_000);

const prefix = Buffer.from("bank/bal/");
/** Account key i: a 9-byte prefix and a 32-byte address, like a real balance key. */
function key(i: number): Uint8Array {
  const h = createHash("sha256").update(`account-${i}`).digest();
  return Buffer.concat([prefix, h]);
}
function value(i: number, round: number): Uint8Array {
  const v = Buffer.alloc(40);
  v.writeUInt32BE(i, 0);
  v.writeUInt32BE(round, 4);
  return v;
}

/** Deterministic PRNG (xorshift32) so every run draws the same keys. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function distinctSample(count: number, below: number, next: () => number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(next() * below));
  return [...chosen];
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.memoryUsage().rss / 2 ** 20);
}
function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}
/** Anonymous (heap, malloc) vs file-backed (lmdb's memory map, reclaimable) resident memory. */
function rssSplitMiB(): { anon: number; file: number } {
  const st = readFileSync("/proc/self/status", "utf8");
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? 0);
  return { anon: Math.round(kb("RssAnon") / 1024), file: Math.round(kb("RssFile") / 1024) };
}
function dirSizeMiB(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir)) total += statSync(join(dir, f)).size;
  return Math.round(total / 2 ** 20);
}
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const r1 = (x: number): number => Math.round(x * 10) / 10;

interface BlockTiming {
  kind: string;
  stateKeysBefore: number;
  stageMs: number;
  commitMs: number;
  totalMs: number;
}

class Bench {
  readonly dir: string;
  readonly db: RootDatabase;
  readonly store: TreeStore;
  /** Accounts 0..count-1 exist. */
  count = 0;
  height = 0;
  round = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "nexus-bench-state-"));
    // NEXUS_BENCH_NOSYNC=1 only to split fsync cost from lmdb work; never for a real node.
    this.db = open({ path: this.dir, mapSize: 8 * 2 ** 30, noSync: process.env.NEXUS_BENCH_NOSYNC === "1" });
    this.store = openAuthenticatedStore(this.db);
  }

  commit(changes: Changeset, kind: string): BlockTiming {
    const before = this.count;
    const t0 = process.hrtime.bigint();
    const staged = this.store.stage(changes);
    const stageMs = ms(t0);
    const t1 = process.hrtime.bigint();
    staged.commit(++this.height);
    const commitMs = ms(t1);
    return { kind, stateKeysBefore: before, stageMs, commitMs, totalMs: stageMs + commitMs };
  }

  build(target: number, label: string): number {
    const bar = new cliProgress.SingleBar(
      { format: `  building ${label} [{bar}] {value}/{total} keys  {rate} keys/s  rss {rss} MiB`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const t0 = process.hrtime.bigint();
    bar.start(target, this.count, { rate: 0, rss: rssMiB() });
    while (this.count < target) {
      const n = Math.min(BUILD_BATCH, target - this.count);
      const changes: Array<readonly [Uint8Array, Uint8Array]> = [];
      for (let i = this.count; i < this.count + n; i++) changes.push([key(i), value(i, 0)]);
      this.commit(changes, "build");
      this.count += n;
      bar.update(this.count, { rate: Math.round(this.count / (ms(t0) / 1000)), rss: rssMiB() });
    }
    bar.stop();
    return ms(t0);
  }

  /** A pair of blocks (A: update + insert, B: update + delete those inserts). */
  pair(next: () => number): [BlockTiming, BlockTiming] {
    const upd = Math.min(this.count, Math.floor(N / 2));
    const ins = N - upd;
    const existing = distinctSample(upd, this.count, next);
    this.round++;
    const a: Array<readonly [Uint8Array, Uint8Array | null]> = existing.map((i) => [key(i), value(i, this.round)]);
    for (let i = this.count; i < this.count + ins; i++) a.push([key(i), value(i, this.round)]);
    const ta = this.commit(a, "update+insert");
    this.count += ins;
    this.round++;
    const b: Array<readonly [Uint8Array, Uint8Array | null]> = existing.map((i) => [key(i), value(i, this.round)]);
    for (let i = this.count - ins; i < this.count; i++) b.push([key(i), null]);
    const tb = this.commit(b, "update+delete");
    this.count -= ins;
    return [ta, tb];
  }

  updateOnly(next: () => number): BlockTiming {
    this.round++;
    const ids = distinctSample(Math.min(N, this.count), this.count, next);
    return this.commit(
      ids.map((i) => [key(i), value(i, this.round)] as const),
      "update-only",
    );
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function summarize(blocks: BlockTiming[]): { stageMs: number; commitMs: number; totalMs: number } {
  return { stageMs: r1(mean(blocks.map((b) => b.stageMs))), commitMs: r1(mean(blocks.map((b) => b.commitMs))), totalMs: r1(mean(blocks.map((b) => b.totalMs))) };
}

function printBlocks(label: string, blocks: BlockTiming[]): void {
  const s = summarize(blocks);
  console.log(`  ${label}: stage ${s.stageMs} ms + commit ${s.commitMs} ms = ${s.totalMs} ms per block of ${N} keys (mean of ${blocks.length})`);
}

async function scenario(size: number, next: () => number): Promise<Record<string, unknown>> {
  console.log(`\n== ${size.toLocaleString("en")} keys in state ==`);
  const bench = new Bench();
  const buildMs = bench.build(size, size.toLocaleString("en"));
  console.log(`  built in ${r1(buildMs / 1000)} s (batches of ${BUILD_BATCH}), ${bench.store.nodeCount()} tree nodes, db ${dirSizeMiB(bench.dir)} MiB, rss ${rssMiB()} MiB`);
  bench.pair(next); // warm-up pair, not counted
  const pairs: BlockTiming[] = [];
  for (let i = 0; i < BLOCKS / 2; i++) pairs.push(...bench.pair(next));
  printBlocks("mixed blocks (update+insert / update+delete)", pairs);
  const updates: BlockTiming[] = [];
  if (bench.count >= N) {
    for (let i = 0; i < BLOCKS / 2; i++) updates.push(bench.updateOnly(next));
    printBlocks("update-only blocks", updates);
  }

  // Reads: random gets of existing keys from the flat table.
  const R = 200_000;
  const ids = Array.from({ length: R }, () => Math.floor(next() * bench.count));
  const keys = ids.map(key);
  let t0 = process.hrtime.bigint();
  let found = 0;
  for (const k of keys) if (bench.store.get(k) !== undefined) found++;
  const readsPerSec = Math.round(R / (ms(t0) / 1000));
  if (found !== R) throw new Error(`bench bug: ${R - found} keys missing`);

  // Proofs: generate and verify (the verifier uses the portable @noble sha256).
  const P = 2_000;
  t0 = process.hrtime.bigint();
  const proofs = keys.slice(0, P).map((k) => bench.store.prove(k));
  const provesPerSec = Math.round(P / (ms(t0) / 1000));
  t0 = process.hrtime.bigint();
  const root = bench.store.root;
  proofs.forEach((p, i) => {
    if (!verifyStateProof(root, keys[i]!, p.value, p.proof)) throw new Error("bench bug: proof failed");
  });
  const verifiesPerSec = Math.round(P / (ms(t0) / 1000));
  const proofBytes = Math.round(mean(proofs.map((p) => JSON.stringify(p.proof).length)));
  const split = rssSplitMiB();
  console.log(`  rss ${rssMiB()} MiB (anon ${split.anon}, file-backed ${split.file}), peak ${peakRssMiB()} MiB`);
  console.log(`  reads ${readsPerSec.toLocaleString("en")}/s, proofs ${provesPerSec.toLocaleString("en")}/s built, ${verifiesPerSec.toLocaleString("en")}/s verified, ${proofBytes} bytes JSON each`);

  const result = {
    stateKeys: size,
    buildSeconds: r1(buildMs / 1000),
    treeNodes: bench.store.nodeCount(),
    dbMiB: dirSizeMiB(bench.dir),
    mixedBlocks: summarize(pairs),
    updateOnlyBlocks: updates.length > 0 ? summarize(updates) : null,
    blocks: [...pairs, ...updates].map((b) => ({ ...b, stageMs: r1(b.stageMs), commitMs: r1(b.commitMs), totalMs: r1(b.totalMs) })),
    readsPerSec,
    provesPerSec,
    verifiesPerSec,
    proofJsonBytes: proofBytes,
    rssMiBAfter: rssMiB(),
    rssSplitMiBAfter: rssSplitMiB(),
  };
  await bench.close();
  return result;
}

/** The Branch hot path: a tx branch on a block branch, a few reads and writes per transfer. */
function branchThroughput(): { opsPerSec: number; transfersPerSec: number } {
  const base = new Branch({ get: () => undefined, iterate: () => [] });
  const T = 200_000;
  const accounts = Array.from({ length: 10_000 }, (_, i) => key(i));
  const t0 = process.hrtime.bigint();
  let ops = 0;
  for (let t = 0; t < T; t++) {
    const tx = base.branch();
    const from = accounts[t % accounts.length]!;
    const to = accounts[(t * 7 + 1) % accounts.length]!;
    tx.get(from);
    tx.get(to);
    tx.set(from, value(t, 1));
    tx.set(to, value(t, 2));
    tx.set(prefix, value(t, 3)); // e.g. a fee pool
    tx.write();
    ops += 5;
  }
  base.changes();
  const secs = ms(t0) / 1000;
  return { opsPerSec: Math.round(ops / secs), transfersPerSec: Math.round(T / secs) };
}

async function main(): Promise<void> {
  console.log(`state-store bench: N=${N} changed keys per block, node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}`);
  const next = rng(42);
  const small = await scenario(SMALL, next);
  const big = await scenario(BIG, next);
  // Last, so its garbage does not inflate the store scenarios' memory figures.
  const br = branchThroughput();
  console.log(`\nbranch: ${br.opsPerSec.toLocaleString("en")} ops/s (${br.transfersPerSec.toLocaleString("en")} transfers/s of 2 reads + 3 writes, each on a tx branch)`);
  const ratio = (big.mixedBlocks as { totalMs: number }).totalMs / (small.mixedBlocks as { totalMs: number }).totalMs;
  const peak = peakRssMiB();
  console.log(`\ncommit time ratio ${BIG.toLocaleString("en")} / ${SMALL.toLocaleString("en")} keys (mixed blocks): ${ratio.toFixed(2)}× (goal <= 2×)`);
  console.log(`peak RSS ${peak} MiB (goal < 1024 MiB; includes lmdb's mapped pages)`);
  const out = {
    bench: "state-store",
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length}× ${cpus()[0]?.model ?? "?"}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    changedKeysPerBlock: N,
    branch: br,
    scenarios: [small, big],
    commitRatioBigOverSmall: Math.round(ratio * 100) / 100,
    peakRssMiB: peak,
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), "results", "state-store.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote ${file}`);
}

await main();
