/**
 * The validator processes of a bench devnet (runtime/node/devnet.ts generateDevnet): start one
 * as `nexus start` runs it, wait for its RPC or a height, stop them all; other processes of a
 * bench (bridge watchers, a Hardhat node, the Cosmos test chain) started with their output in a
 * log file, and waited for by a line of it. bench/devnet.ts and the bridge benches share them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { NexusClient } from "../../runtime/rpc/client.ts";
import { CLI, REPO } from "../../test/helpers/spawn-node.ts";
import { NODE_HEAP_FLAGS } from "../../runtime/node/heap-flags.ts";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `nexus --home <home> start`, with the node's heap flags; its output goes to `logFile`, else
 * nowhere.
 * NEXUS_BENCH_PROF=<dir> writes a CPU profile of each validator there (node --cpu-prof);
 * NEXUS_BENCH_LOGS=<dir> keeps each node's log there (warn and above; NEXUS_BENCH_LOG_LEVEL=info for every block).
 * NEXUS_BENCH_NODE_FLAGS="--flag …" adds Node/V8 flags to every node (to try GC settings, say).
 */
export function startNode(home: string, o: { logLevel?: string; logFile?: string } = {}): ChildProcess {
  const prof = process.env.NEXUS_BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.NEXUS_BENCH_PROF] : [];
  const logs = process.env.NEXUS_BENCH_LOGS;
  const file = o.logFile ?? (logs ? join(logs, `${basename(home)}.log`) : undefined);
  const out = file ? openSync(file, "a") : "ignore";
  const extra = (process.env.NEXUS_BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  return spawn(process.execPath, [...NODE_HEAP_FLAGS, ...extra, ...prof, "--import", "tsx", CLI, "--home", home, "start", "--log-level", o.logLevel ?? process.env.NEXUS_BENCH_LOG_LEVEL ?? "warn"], { cwd: REPO, stdio: ["ignore", out, out] });
}

/** `node <args>` in the repository, its output appended to `logFile`. */
export function spawnLogged(args: string[], logFile: string, env: Record<string, string> = {}): ChildProcess {
  const out = openSync(logFile, "a");
  return spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", out, out] });
}

/** Resolves once `file` holds `what` (and returns the file); throws when `proc` exits first or after `ms`, with the log's tail. */
export async function waitForLog(file: string, what: string, proc: ChildProcess, ms = 120_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = readFileSync(file, "utf8");
    if (text.includes(what)) return text;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`${file}: no "${what}"${proc.exitCode !== null ? ` (exited ${proc.exitCode})` : ""}:\n${text.slice(-3000)}`);
    await sleep(200);
  }
}

export async function waitHeight(c: NexusClient, h: number, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await c.status().catch(() => undefined);
    if (s && s.height >= h) return;
    if (Date.now() > deadline) throw new Error(`height ${h} not reached`);
    await sleep(100);
  }
}

/** The node's status once its RPC answers (up to 60 s). */
export async function waitFor(c: NexusClient): Promise<{ height: number }> {
  for (let i = 0; i < 600; i++) {
    const st = await c.status().catch(() => undefined);
    if (st) return st;
    await sleep(100);
  }
  throw new Error("validator RPC did not come up");
}

/** SIGTERM, up to 10 s for a clean exit (a CPU profile is written on the way out), then SIGKILL. */
export async function stopAll(procs: ChildProcess[]): Promise<void> {
  for (const p of procs) p.kill("SIGTERM");
  for (let i = 0; i < 100 && procs.some((p) => p.exitCode === null && p.signalCode === null); i++) await sleep(100);
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined off Linux. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
