/**
 * Main-thread cost of handing Ed25519 checks to the verify pool (runtime/node/verify-pool.ts).
 *   npx tsx bench/verify-pool.ts [--rounds 20] [--batch 512] [--chunk 128] [--threads 2] [--reps 3]
 * A round is one gossip batch: `batch` checks in verify() calls of `chunk` made in one tick, as
 * tx-gossip.ts does, awaited before the next round. Two layouts: every field its own array, and
 * every field a view into one 128 KB buffer (what decoding a gossip batch into views gives).
 * Figures only, best of `reps`:
 *   submit    wall µs per check in the verify() calls and the pool's flush (main thread)
 *   main cpu  CPU µs per check of the main thread over the run (answers and this loop included)
 *   all cpu   CPU µs per check of the whole process, workers' verification included
 *   round     wall ms per round
 */
import { ed25519 } from "../runtime/crypto/ed25519.ts";
import { sha256, utf8 } from "../runtime/crypto/hash.ts";
import { WorkerVerifyPool } from "../runtime/node/verify-pool.ts";
import type { SigCheck } from "../runtime/tx/sign.ts";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg("rounds", 20);
const BATCH = arg("batch", 512);
const CHUNK = arg("chunk", 128);
const THREADS = arg("threads", 2);
const REPS = arg("reps", 3);
const GOSSIP_BATCH_BYTES = 128 * 1024;

/** Distinct signed checks (a fresh key each, as from many senders). */
function arrays(n: number): SigCheck[] {
  return Array.from({ length: n }, (_, i) => {
    const kp = ed25519.generate(sha256(utf8(`bench-verify-pool-${i}`)));
    const message = sha256(utf8(`tx ${i}`));
    return { scheme: "ed25519", publicKey: kp.publicKey, message, signature: ed25519.sign(kp.secretKey, message) };
  });
}

/** The same checks with every field a view into one 128 KB buffer per round. */
function views(checks: SigCheck[]): SigCheck[] {
  const out: SigCheck[] = [];
  for (let r = 0; r < checks.length; r += BATCH) {
    const buf = new Uint8Array(GOSSIP_BATCH_BYTES);
    let off = 16;
    for (const c of checks.slice(r, r + BATCH)) {
      const at = (b: Uint8Array): Uint8Array => {
        buf.set(b, off);
        off += b.length + 8; // a few bytes of encoding between fields
        return buf.subarray(off - b.length - 8, off - 8);
      };
      out.push({ scheme: c.scheme, publicKey: at(c.publicKey), message: at(c.message), signature: at(c.signature) });
    }
  }
  return out;
}

/** Resolves after the pool's flush: its setImmediate was queued first, by the first verify(). */
const afterFlush = (): Promise<number> => new Promise((res) => setImmediate(() => res(performance.now())));

type Figures = { submit: number; mainCpu: number; allCpu: number; round: number };
const cpuMicros = (u: NodeJS.CpuUsage): number => u.user + u.system;

async function run(pool: WorkerVerifyPool, checks: SigCheck[]): Promise<Figures> {
  let submit = 0;
  const thread0 = process.threadCpuUsage();
  const proc0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < checks.length; r += BATCH) {
    const round = checks.slice(r, r + BATCH);
    const s0 = performance.now();
    const calls: Promise<boolean[]>[] = [];
    for (let c = 0; c < round.length; c += CHUNK) calls.push(pool.verify(round.slice(c, c + CHUNK)));
    const s1 = performance.now();
    submit += s1 - s0 + ((await afterFlush()) - s1);
    const ok = (await Promise.all(calls)).flat();
    if (ok.includes(false)) throw new Error("a valid signature failed");
  }
  const wall = performance.now() - t0;
  const n = checks.length;
  return {
    submit: (submit * 1000) / n,
    mainCpu: cpuMicros(process.threadCpuUsage(thread0)) / n,
    allCpu: cpuMicros(process.cpuUsage(proc0)) / n,
    round: wall / Math.ceil(n / BATCH),
  };
}

const base = arrays(ROUNDS * BATCH);
const layouts: [string, SigCheck[]][] = [
  ["arrays", base],
  ["views into 128 KB", views(base)],
];
const pool = new WorkerVerifyPool({ threads: THREADS });
try {
  await run(pool, base.slice(0, BATCH * 2)); // workers up, JIT and key caches warm
  console.log(`${base.length} Ed25519 checks, rounds of ${BATCH} in calls of ${CHUNK}, ${THREADS} workers; best of ${REPS}`);
  for (const [name, checks] of layouts) {
    const runs: Figures[] = [];
    for (let i = 0; i < REPS; i++) runs.push(await run(pool, checks));
    const best = (k: keyof Figures): string => Math.min(...runs.map((x) => x[k])).toFixed(k === "round" ? 1 : 2);
    console.log(`${name.padEnd(18)} submit ${best("submit")}   main cpu ${best("mainCpu")}   all cpu ${best("allCpu")} µs/check   round ${best("round")} ms`);
  }
} finally {
  await pool.close();
}
