import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../results/", import.meta.url));

/** Merge one bench section into bench/results/<file>.json with the machine it ran on. */
export function writeResults(file: string, section: string, data: Record<string, unknown>): string {
  mkdirSync(DIR, { recursive: true });
  const path = DIR + file;
  const prev = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  prev[section] = {
    ...data,
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  };
  writeFileSync(path, JSON.stringify(prev, null, 2) + "\n");
  return path;
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

/** A one-line progress display on stderr for long work. */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) {
    if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) process.stderr.write(`${label}: ${done}/${total}\n`);
    return;
  }
  const pct = Math.floor((done / total) * 100);
  process.stderr.write(`\r${label}: ${done}/${total} (${pct}%)${done === total ? "\n" : ""}`);
}

/** RSS split into anonymous memory and file-backed pages (the mapped database), from /proc. */
export function rssSplitMiB(): { anon: number; file: number } {
  try {
    const st = readFileSync("/proc/self/status", "utf8");
    const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(st)?.[1] ?? NaN);
    return { anon: Math.round(kb("RssAnon") / 1024), file: Math.round(kb("RssFile") / 1024) };
  } catch {
    return { anon: NaN, file: NaN };
  }
}

/**
 * CPU milliseconds each thread of this process has used, by kind, from /proc/self/task (Linux;
 * empty elsewhere): "main", "worker" (worker_threads: verify pool, state applier), "v8" (V8's
 * platform threads: concurrent and parallel GC, compilation), "libuv" and "other". A rate
 * measured on a shared 2-core host varies by tens of percent between runs; the CPU a claim costs
 * on each kind of thread varies much less, and says where the time goes.
 */
export function threadCpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  const tick = 10; // USER_HZ is 100 on Linux
  for (const t of tasks) {
    let st: string;
    try {
      st = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
    } catch {
      continue; // the thread ended
    }
    const comm = st.slice(st.indexOf("(") + 1, st.lastIndexOf(")"));
    const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(f[11]) + Number(f[12])) * tick;
    const kind = t === String(process.pid) ? "main" : comm === "WorkerThread" ? "worker" : comm.startsWith("V8") ? "v8" : comm.startsWith("libuv") ? "libuv" : "other";
    out[kind] = (out[kind] ?? 0) + ms;
  }
  return out;
}

/** threadCpuMs() now minus `before`, in microseconds per `n` units of work. */
export function cpuUsPer(before: Record<string, number>, n: number): Record<string, number> {
  const now = threadCpuMs();
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) out[k] = Math.round(((v - (before[k] ?? 0)) * 1000) / n);
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}
