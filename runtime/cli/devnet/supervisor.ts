import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { NODE_HEAP_FLAGS } from "../../node/heap-flags.ts";

export interface SupervisedNode {
  index: number;
  home: string;
  rpcUrl: string;
}

export type ValidatorState = "starting" | "running" | "stopped" | "exited";

export interface ValidatorStatus {
  index: number;
  state: ValidatorState;
  pid?: number;
  /** Exit code or signal of a validator that stopped on its own. */
  exit?: string;
  rpcUrl: string;
  home: string;
  restarts: number;
}

interface Slot {
  node: SupervisedNode;
  proc?: ChildProcess;
  state: ValidatorState;
  exit?: string;
  restarts: number;
  /** Set while we stop it ourselves, so its exit is not reported as a failure. */
  stopping: boolean;
}

/** How long a validator gets to stop on SIGTERM before SIGKILL; its WAL makes the kill safe. */
const STOP_GRACE_MS = 10_000;

/**
 * The devnet's validator processes: each `nexus --home <home> start`, logging to
 * <home>/node.log. Starts, stops and restarts one at a time (what `nexus devnet restart <i>`
 * asks through the control socket) or all of them (start-up, Ctrl-C).
 */
export class DevnetSupervisor {
  private readonly slots: Slot[];

  constructor(
    nodes: readonly SupervisedNode[],
    private readonly entry: string,
    private readonly log: (line: string) => void = (l) => process.stderr.write(l + "\n"),
  ) {
    this.slots = nodes.map((node) => ({ node, state: "stopped", restarts: 0, stopping: false }));
  }

  get size(): number {
    return this.slots.length;
  }

  status(): ValidatorStatus[] {
    return this.slots.map((s) => ({ index: s.node.index, state: s.state, pid: s.state === "starting" || s.state === "running" ? s.proc?.pid : undefined, exit: s.exit, rpcUrl: s.node.rpcUrl, home: s.node.home, restarts: s.restarts }));
  }

  /** Spawn validator i (it must not be running). */
  spawn(i: number): void {
    const s = this.slot(i);
    if (s.state === "starting" || s.state === "running") throw new Error(`validator ${i} is already ${s.state}`);
    const n = s.node;
    const out = createWriteStream(join(n.home, "node.log"), { flags: "a" });
    const p = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", this.entry, "--home", n.home, "start"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXUS_HOME: n.home } });
    p.stdout!.pipe(out);
    p.stderr!.pipe(out);
    s.proc = p;
    s.state = "starting";
    s.exit = undefined;
    s.stopping = false;
    p.once("exit", (code, sig) => {
      if (s.proc !== p) return;
      const how = sig ?? String(code);
      if (s.stopping) {
        s.state = "stopped";
        return;
      }
      s.state = "exited";
      s.exit = how;
      this.log(`validator ${i} exited (${how}); see ${join(n.home, "node.log")}`);
    });
  }

  /**
   * Wait until each of `indexes` answers RPC. Resolves with the first one that exited
   * instead, or the ones still silent at the deadline.
   */
  async waitServing(indexes: number[], timeoutMs = 120_000): Promise<{ exited?: number; silent?: number[] }> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(indexes);
    while (pending.size > 0) {
      for (const i of [...pending]) {
        const s = this.slot(i);
        if (s.state === "exited" || s.state === "stopped") return { exited: i };
        if (await answersRpc(s.node.rpcUrl)) {
          s.state = "running";
          pending.delete(i);
        }
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) return { silent: [...pending] };
      await new Promise((r) => setTimeout(r, 300));
    }
    return {};
  }

  /** SIGTERM validator i and wait for its exit (SIGKILL after the grace period). */
  async stop(i: number): Promise<void> {
    const s = this.slot(i);
    const p = s.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) {
      if (s.state !== "exited") s.state = "stopped";
      return;
    }
    s.stopping = true;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM");
    const force = setTimeout(() => p.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
    s.state = "stopped";
  }

  /** Stop validator i if it runs, start it again and wait until it answers RPC. */
  async restart(i: number, timeoutMs = 120_000): Promise<ValidatorStatus> {
    await this.stop(i);
    this.spawn(i);
    this.slot(i).restarts++;
    const r = await this.waitServing([i], timeoutMs);
    const s = this.slot(i);
    if (r.exited !== undefined) throw new Error(`validator ${i} exited while restarting (${s.exit ?? "stopped"}): ${lastError(join(s.node.home, "node.log"))}`);
    if (r.silent) throw new Error(`validator ${i} does not answer RPC ${timeoutMs / 1000} s after its restart; see ${join(s.node.home, "node.log")}`);
    return this.status()[i]!;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.slots.map((_, i) => this.stop(i)));
  }

  private slot(i: number): Slot {
    const s = this.slots[i];
    if (!s) throw new RangeError(`no validator ${i}: this devnet has validators 0..${this.slots.length - 1}`);
    return s;
  }
}

async function answersRpc(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"nexus_status","params":[]}', signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

/** The last line of a log that says something (the error a failed start printed). */
export function lastError(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return (lines.reverse().find((l) => /error|Error|failed/.test(l)) ?? lines[0] ?? "").trim().slice(0, 400);
  } catch {
    return "";
  }
}
