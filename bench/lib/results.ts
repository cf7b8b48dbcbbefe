import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
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
