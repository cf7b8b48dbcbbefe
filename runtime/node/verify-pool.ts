import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { SigVerifier } from "../app/sig-verifier.ts";
import type { SigCheck } from "../tx/sign.ts";
import type { QuantumBackend } from "./schemes.ts";

/**
 * Workers run TypeScript too: give them the tsx loader unless the process already passes it
 * down (`node --import tsx`). A process started through tsx's register() API (bin/nexus.js)
 * does not, and Node's own type stripping cannot load our sources. The loader is named by
 * absolute URL so it resolves from any working directory.
 */
function workerExecArgv(): string[] {
  // Only module-loading flags are passed on: many per-process flags (--expose-gc, …) are
  // refused in a worker.
  const argv = process.execArgv;
  const keep: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--import" || a === "--loader" || a === "--experimental-loader" || a === "--require" || a === "-r") {
      keep.push(a, argv[++i] ?? "");
    } else if (/^--(import|loader|experimental-loader|require)=/.test(a)) {
      keep.push(a);
    }
  }
  const hasTsx = keep.some((a) => /tsx/.test(a));
  return hasTsx ? keep : [...keep, "--import", import.meta.resolve("tsx")];
}

/** Young generation small (batches are short-lived), old generation far above what a worker holds. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

interface Job {
  readonly checks: readonly SigCheck[];
  readonly resolve: (r: boolean[]) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Signature verification off the main thread. Calls made in the same tick are gathered into
 * one batch per worker, so a burst of checkTx calls costs a few messages, not one each.
 */
export class WorkerVerifyPool implements SigVerifier {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>;
  private readonly inflight = new Map<number, { jobs: Job[]; sizes: number[] }>();
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 1;
  private rr = 0;
  private closed = false;

  constructor(opts: { threads?: number; quantum?: QuantumBackend } = {}) {
    const n = Math.max(1, opts.threads ?? availableParallelism());
    const readies: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL("./verify-worker.ts", import.meta.url), {
        workerData: { quantum: opts.quantum ?? "node" },
        execArgv: workerExecArgv(),
        // A verifier keeps almost nothing alive; small heap limits make V8 collect early
        // instead of growing each worker's heap by the batches passing through it.
        resourceLimits: WORKER_HEAP_LIMITS,
      });
      readies.push(
        new Promise<void>((res, rej) => {
          w.once("error", rej);
          w.once("message", () => res());
        }),
      );
      w.on("message", (m: { id?: number; results?: Uint8Array }) => m.id !== undefined && this.onResult(m.id, m.results!));
      w.on("error", (e) => this.failAll(e));
      this.workers.push(w);
    }
    this.ready = Promise.all(readies).then(() => undefined);
  }

  async verify(checks: readonly SigCheck[]): Promise<boolean[]> {
    if (this.closed) throw new Error("verification pool is closed");
    if (checks.length === 0) return [];
    return new Promise((resolve, reject) => {
      this.queue.push({ checks, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    await this.ready;
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (!jobs.length) return;
    // Split the gathered jobs into one batch per worker (jobs stay whole).
    const per = Math.ceil(jobs.length / this.workers.length);
    for (let i = 0; i < jobs.length; i += per) {
      const batch = jobs.slice(i, i + per);
      const id = this.nextId++;
      const flat: [string, Uint8Array, Uint8Array, Uint8Array][] = [];
      for (const j of batch) for (const c of j.checks) flat.push([c.scheme, c.publicKey, c.message, c.signature]);
      this.inflight.set(id, { jobs: batch, sizes: batch.map((j) => j.checks.length) });
      this.workers[this.rr++ % this.workers.length]!.postMessage({ id, checks: flat });
    }
  }

  private onResult(id: number, results: Uint8Array): void {
    const f = this.inflight.get(id);
    if (!f) return;
    this.inflight.delete(id);
    let off = 0;
    f.jobs.forEach((j, k) => {
      const n = f.sizes[k]!;
      j.resolve(Array.from(results.subarray(off, off + n), (b) => b === 1));
      off += n;
    });
  }

  private failAll(e: Error): void {
    for (const f of this.inflight.values()) for (const j of f.jobs) j.reject(e);
    this.inflight.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
