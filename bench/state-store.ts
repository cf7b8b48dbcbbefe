/**
 * Authenticated state store benchmark: commit time per block of N changed keys at 1 000 and
 * at 1 000 000 keys in state, read and proof rates, Branch throughput, and peak RSS.
 *
 *   npx node --import tsx bench/state-store.ts [--n 10000] [--tn 12000] [--big 1000000] [--blocks 12] [--writemap] [--shapes random,transfer] [--keep DIR]
 *
 * Two block shapes: "random" (N keys of 'bank/bal/' + 32 bytes, 40-byte values) and
 * "transfer" (TN keys shaped like a block of signed transfers: 'bank/' 0x01 address 'nxt'
 * balances and 'auth/' address nonces, 8-byte values). Every commit is followed by
 * `await db.flushed` (lmdb-js's overlappingSync, on by default on Linux, returns from
 * transactionSync before the fsync): flushMs is that wait, the price of durability.
 *
 * Blocks come in pairs so the state size stays put: block A writes N distinct keys (updates
 * of min(S, N/2) random existing keys, the rest new keys), block B deletes those new keys and
 * updates the same existing keys again. At S = 1 000 the state therefore swings between 1k
 * and ~10k keys; at S = 1 000 000 it stays at ~1M. An update-only block (N existing keys get
 * new values: the common case for transfers) is also measured at 1M.
 * Figures are printed and written to bench/results/state-store.json; nothing is asserted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem, loadavg } from "node:os";
import { join, dirname, isAbsolute } from "node:path";
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

const N_RANDOM = arg("n", 10_000);
const N_TRANSFER = arg("tn", 12_000);
const WRITEMAP = process.argv.includes("--writemap");
const SHAPES = (process.argv.includes("--shapes") ? process.argv[process.argv.indexOf("--shapes") + 1]! : "random,transfer").split(",");
const SMALL = arg("small", 1_000);
const BIG = arg("big", 1_000_000);
const BLOCKS = arg("blocks", 12);
// --keep DIR: build the big state in DIR and keep it; a later run with the same DIR reopens it
// in a fresh process (no build garbage in its heap: the RSS a restarted node would have).
const KEEP = process.argv.includes("--keep") ? process.argv[process.argv.indexOf("--keep") + 1] : undefined;
// Random keys dirty ~3 lmdb pages each and lmdb keeps a txn's dirty pages for reuse, so the
// build batch bounds the process's anonymous memory; 20k keys keeps it near a block's.
const BUILD_BATCH = arg("batch", 20_000);

const prefix = Buffer.from("bank/bal/");
const BANK = Buffer.from([...Buffer.from("bank/"), 0x01]);
const NXT = Buffer.from("nxt");
const AUTH = Buffer.from("auth/");

interface Shape {
  name: string;
  /** Changed keys per block. */
  n: number;
  key(i: number): Uint8Array;
  value(i: number, round: number): Uint8Array;
}

function addr(i: number): Buffer {
  return createHash("sha256").update(`account-${i >> 1}`).digest();
}

const SHAPE: Record<string, Shape> = {
  /** Key i: a 9-byte prefix and a 32-byte address; 40-byte values. */
  random: {
    name: "random",
    n: N_RANDOM,
    key: (i) => Buffer.concat([prefix, createHash("sha256").update(`account-${i}`).digest()]),
    value: (i, round) => {
      const v = Buffer.alloc(40);
      v.writeUInt32BE(i, 0);
      v.writeUInt32BE(round, 4);
      return v;
    },
  },
  /**
   * Transfer-shaped: account j = i >> 1 has its balance ('bank/' 0x01 address 'nxt', 41
   * bytes) at even i and its auth record ('auth/' address, 37 bytes) at odd i; 8-byte
   * values. A block of 5 000 transfers changes ~10-15k such keys (sender balance and nonce,
   * receiver balance, fee collector); with random accounts that is this shape.
   */
  transfer: {
    name: "transfer",
    n: N_TRANSFER,
    key: (i) => ((i & 1) === 0 ? Buffer.concat([BANK, addr(i), NXT]) : Buffer.concat([AUTH, addr(i)])),
    value: (i, round) => {
      const v = Buffer.alloc(8);
      v.writeUInt32BE(i, 0);
      v.writeUInt32BE(round, 4);
      return v;
    },
  },
};
const key = (i: number): Uint8Array => SHAPE.random!.key(i);
const value = (i: number, round: number): Uint8Array => SHAPE.random!.value(i, round);

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
const p50 = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length === 0 ? 0 : a.length % 2 === 1 ? a[a.length >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;

interface BlockTiming {
  kind: string;
  stateKeysBefore: number;
  stageMs: number;
  commitMs: number;
  totalMs: number;
  /** Wait for `db.flushed` after the commit (durability), not in totalMs. */
  flushMs: number;
  /** `store.applyPending()` after the block (journal → main tables, off the commit path). */
  applyMs: number;
  /** Journal entries (flat changes + node writes) that apply moved. */
  applied: number;
}

class Bench {
  readonly dir: string;
  readonly db: RootDatabase;
  readonly store: TreeStore;
  /** Accounts 0..count-1 exist. */
  count = 0;
  height = 0;
  round = 0;

  readonly shape: Shape;
  readonly key: (i: number) => Uint8Array;
  readonly value: (i: number, round: number) => Uint8Array;

  /** Kept (--keep): not deleted on close, and reopened instead of rebuilt by the next run. */
  readonly kept: boolean;

  constructor(shape: Shape, keepDir?: string) {
    this.shape = shape;
    this.key = shape.key;
    this.value = shape.value;
    this.kept = keepDir !== undefined;
    if (keepDir !== undefined) mkdirSync(keepDir, { recursive: true });
    this.dir = keepDir ?? mkdtempSync(join(tmpdir(), "nexus-bench-state-"));
    // Opened as the node opens its root (runtime/node/node.ts), plus --writemap to compare.
    // NEXUS_BENCH_NOSYNC=1 only to split fsync cost from lmdb work; never for a real node.
    this.db = open({ path: this.dir, overlappingSync: false, mapSize: 8 * 2 ** 30, noSync: process.env.NEXUS_BENCH_NOSYNC === "1", ...(WRITEMAP ? { useWritemap: true } : {}) });
    // autoApply off: the bench applies the journal itself between blocks (as a node's idle
    // loop would) and times that separately from the commit.
    this.store = openAuthenticatedStore(this.db, { autoApply: false });
    this.height = this.store.height;
    // Values are (i, round): start above every round an earlier run on a kept dir wrote, so
    // each block really changes its values (an unchanged value rewrites no tree node).
    this.round = this.height;
    const marker = join(this.dir, "bench-state.json");
    if (this.kept && existsSync(marker)) {
      const m = JSON.parse(readFileSync(marker, "utf8")) as { shape: string; count: number };
      if (m.shape !== shape.name) throw new Error(`--keep dir holds the ${m.shape} shape`);
      this.count = m.count;
    }
  }

  /** Remember the built state in a kept dir, for the next run to reopen. */
  markBuilt(): void {
    if (this.kept) writeFileSync(join(this.dir, "bench-state.json"), JSON.stringify({ shape: this.shape.name, count: this.count }));
  }

  async commit(changes: Changeset, kind: string, idleApply = true): Promise<BlockTiming> {
    const before = this.count;
    const t0 = process.hrtime.bigint();
    const staged = this.store.stage(changes);
    const stageMs = ms(t0);
    const t1 = process.hrtime.bigint();
    staged.commit(++this.height);
    const commitMs = ms(t1);
    const t2 = process.hrtime.bigint();
    await this.db.flushed;
    const flushMs = ms(t2);
    const t3 = process.hrtime.bigint();
    const applied = idleApply ? this.store.applyPending().applied : 0;
    const applyMs = ms(t3);
    return { kind, stateKeysBefore: before, stageMs, commitMs, totalMs: stageMs + commitMs, flushMs, applyMs, applied };
  }

  async build(target: number, label: string): Promise<number> {
    const bar = new cliProgress.SingleBar(
      // noTTYOutput: progress lines every 5 s also when the output is a file or a pipe.
      { format: `  building ${label} [{bar}] {value}/{total} keys  {rate} keys/s  rss {rss} MiB`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
      cliProgress.Presets.shades_classic,
    );
    const t0 = process.hrtime.bigint();
    bar.start(target, this.count, { rate: 0, rss: rssMiB() });
    while (this.count < target) {
      const n = Math.min(BUILD_BATCH, target - this.count);
      const changes: Array<readonly [Uint8Array, Uint8Array]> = [];
      for (let i = this.count; i < this.count + n; i++) changes.push([this.key(i), this.value(i, 0)]);
      await this.commit(changes, "build");
      this.count += n;
      const rate = Math.round(this.count / (ms(t0) / 1000));
      bar.update(this.count, { rate, rss: rssMiB() });
      // The build loop never yields to timers, so cli-progress's non-TTY schedule never fires:
      // print a plain line every 100k keys when the output is not a terminal.
      if (!process.stdout.isTTY && this.count % 100_000 < n) console.log(`  building ${label}: ${this.count}/${target} keys, ${rate} keys/s, rss ${rssMiB()} MiB`);
    }
    bar.stop();
    return ms(t0);
  }

  /** A pair of blocks (A: update + insert, B: update + delete those inserts). */
  async pair(next: () => number, idleApply = true): Promise<[BlockTiming, BlockTiming]> {
    const { key, value } = this;
    const N = this.shape.n;
    const upd = Math.min(this.count, Math.floor(N / 2));
    const ins = N - upd;
    const existing = distinctSample(upd, this.count, next);
    this.round++;
    const a: Array<readonly [Uint8Array, Uint8Array | null]> = existing.map((i) => [key(i), value(i, this.round)]);
    for (let i = this.count; i < this.count + ins; i++) a.push([key(i), value(i, this.round)]);
    const ta = await this.commit(a, idleApply ? "update+insert" : "update+insert, no idle apply", idleApply);
    this.count += ins;
    this.round++;
    const b: Array<readonly [Uint8Array, Uint8Array | null]> = existing.map((i) => [key(i), value(i, this.round)]);
    for (let i = this.count - ins; i < this.count; i++) b.push([key(i), null]);
    const tb = await this.commit(b, idleApply ? "update+delete" : "update+delete, no idle apply", idleApply);
    this.count -= ins;
    return [ta, tb];
  }

  async updateOnly(next: () => number): Promise<BlockTiming> {
    const { key, value } = this;
    this.round++;
    const ids = distinctSample(Math.min(this.shape.n, this.count), this.count, next);
    return await this.commit(
      ids.map((i) => [key(i), value(i, this.round)] as const),
      "update-only",
    );
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.db.close();
    if (!this.kept) rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Summary {
  stageMs: number;
  stageP50Ms: number;
  commitMs: number;
  commitP50Ms: number;
  totalMs: number;
  totalP50Ms: number;
  flushMs: number;
  /** Background work per block: applying the block's journal record to the main tables. */
  applyMs: number;
  applyP50Ms: number;
  appliedEntries: number;
}

function summarize(blocks: BlockTiming[]): Summary {
  const f = (pick: (b: BlockTiming) => number): number[] => blocks.map(pick);
  return {
    stageMs: r1(mean(f((b) => b.stageMs))),
    stageP50Ms: r1(p50(f((b) => b.stageMs))),
    commitMs: r1(mean(f((b) => b.commitMs))),
    commitP50Ms: r1(p50(f((b) => b.commitMs))),
    totalMs: r1(mean(f((b) => b.totalMs))),
    totalP50Ms: r1(p50(f((b) => b.totalMs))),
    flushMs: r1(mean(f((b) => b.flushMs))),
    applyMs: r1(mean(f((b) => b.applyMs))),
    applyP50Ms: r1(p50(f((b) => b.applyMs))),
    appliedEntries: Math.round(mean(f((b) => b.applied))),
  };
}

function printBlocks(label: string, n: number, blocks: BlockTiming[]): void {
  const s = summarize(blocks);
  console.log(
    `  ${label} (${blocks.length} blocks of ${n} keys): commit p50 ${s.commitP50Ms} ms (mean ${s.commitMs}), stage p50 ${s.stageP50Ms} ms (mean ${s.stageMs}), ` +
      `stage+commit p50 ${s.totalP50Ms} ms; flush wait ${s.flushMs} ms; then apply ${s.applyP50Ms} ms p50 (mean ${s.applyMs}) for ${s.appliedEntries} entries`,
  );
}

async function scenario(shape: Shape, size: number, next: () => number, keepDir?: string): Promise<Record<string, unknown>> {
  console.log(`\n== ${shape.name} blocks of ${shape.n} keys, ${size.toLocaleString("en")} keys in state ==`);
  const bench = new Bench(shape, keepDir);
  const { key } = bench;
  const reopened = bench.count >= size;
  const buildMs = reopened ? 0 : await bench.build(size, size.toLocaleString("en"));
  bench.markBuilt();
  const split0 = rssSplitMiB();
  if (reopened) console.log(`  reopened ${bench.dir} (built by an earlier run; this process did no build): ${bench.count} keys, height ${bench.height}, rss ${rssMiB()} MiB (anon ${split0.anon}, file-backed ${split0.file})`);
  else console.log(`  built in ${r1(buildMs / 1000)} s (batches of ${BUILD_BATCH}), ${bench.store.nodeCount()} tree nodes, db ${dirSizeMiB(bench.dir)} MiB, rss ${rssMiB()} MiB`);
  await bench.pair(next); // warm-up pair, not counted
  const pairs: BlockTiming[] = [];
  for (let i = 0; i < BLOCKS / 2; i++) pairs.push(...(await bench.pair(next)));
  printBlocks("mixed blocks (update+insert / update+delete)", shape.n, pairs);
  const updates: BlockTiming[] = [];
  if (bench.count >= shape.n) {
    for (let i = 0; i < BLOCKS / 2; i++) updates.push(await bench.updateOnly(next));
    printBlocks("update-only blocks", shape.n, updates);
  }
  // Back to back: no idle time between blocks, so only the journal's bound applies (oldest
  // heights applied inside commit once more than maxPendingHeights are pending).
  const backToBack: BlockTiming[] = [];
  for (let i = 0; i < BLOCKS; i++) backToBack.push(...(await bench.pair(next, false)));
  printBlocks("back-to-back mixed blocks, no idle apply (steady state: commit applies the oldest pending height)", shape.n, backToBack.slice(4));
  const td = process.hrtime.bigint();
  bench.store.applyPending();
  console.log(`  drained the journal in ${r1(ms(td))} ms`);

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
    shape: shape.name,
    changedKeysPerBlock: shape.n,
    stateKeys: size,
    reopenedWithoutBuild: reopened,
    buildSeconds: r1(buildMs / 1000),
    treeNodes: bench.store.nodeCount(),
    dbMiB: dirSizeMiB(bench.dir),
    mixedBlocks: summarize(pairs),
    updateOnlyBlocks: updates.length > 0 ? summarize(updates) : null,
    backToBackBlocks: backToBack.length > 4 ? summarize(backToBack.slice(4)) : null,
    blocks: [...pairs, ...updates, ...backToBack].map((b) => ({ ...b, stageMs: r1(b.stageMs), commitMs: r1(b.commitMs), totalMs: r1(b.totalMs), flushMs: r1(b.flushMs), applyMs: r1(b.applyMs) })),
    readsPerSec,
    provesPerSec,
    verifiesPerSec,
    proofJsonBytes: proofBytes,
    rssMiBAfter: rssMiB(),
    rssSplitMiBAfter: rssSplitMiB(),
    peakRssMiBSoFar: peakRssMiB(),
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
  console.log(`state-store bench: node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, lmdb options { overlappingSync: false${WRITEMAP ? ", useWritemap: true" : ""} } (as the node), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const next = rng(42);
  const scenarios: Array<Record<string, unknown>> = [];
  const ratios: Record<string, { commitP50: number; stagePlusCommitP50: number; applyMean: number }> = {};
  for (const name of SHAPES) {
    const shape = SHAPE[name];
    if (shape === undefined) throw new Error(`unknown shape ${name}`);
    const small = await scenario(shape, SMALL, next);
    const big = await scenario(shape, BIG, next, KEEP);
    scenarios.push(small, big);
    const s = small.mixedBlocks as Summary;
    const b = big.mixedBlocks as Summary;
    const ratio = (x: number, y: number): number => Math.round((x / y) * 100) / 100;
    ratios[name] = {
      commitP50: ratio(b.commitP50Ms, s.commitP50Ms),
      stagePlusCommitP50: ratio(b.totalP50Ms, s.totalP50Ms),
      applyMean: ratio(b.applyMs, s.applyMs),
    };
    const r = ratios[name]!;
    console.log(`\n${name}: ${BIG.toLocaleString("en")} / ${SMALL.toLocaleString("en")} keys (mixed blocks, p50): commit ${r.commitP50}× (goal <= 2×), stage+commit ${r.stagePlusCommitP50}×, background apply ${r.applyMean}× (mean)`);
  }
  // Last, so its garbage does not inflate the store scenarios' memory figures.
  const br = branchThroughput();
  console.log(`\nbranch: ${br.opsPerSec.toLocaleString("en")} ops/s (${br.transfersPerSec.toLocaleString("en")} transfers/s of 2 reads + 3 writes, each on a tx branch)`);
  const peak = peakRssMiB();
  console.log(`peak RSS ${peak} MiB (goal < 1024 MiB; includes lmdb's mapped pages)`);
  const out = {
    bench: "state-store",
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length}× ${cpus()[0]?.model ?? "?"}`,
    memGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    lmdbOptions: { overlappingSync: false, ...(WRITEMAP ? { useWritemap: true } : {}) },
    storeOptions: { autoApply: false, note: "defaults otherwise: maxPendingHeights 4, maxPendingEntries 200000, applyChunkEntries 2000" },
    branch: br,
    scenarios,
    commitRatioBigOverSmall: ratios,
    peakRssMiB: peak,
  };
  const outEnv = process.env.NEXUS_BENCH_OUT; // another results path, for comparison runs
  const file = outEnv !== undefined && isAbsolute(outEnv) ? outEnv : join(dirname(fileURLToPath(import.meta.url)), "results", outEnv ?? "state-store.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote ${file}`);
}

await main();
