import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { SigVerifier } from "../app/sig-verifier.ts";
import type { SigCheck } from "../tx/sign.ts";
import type { PortablePluginRef, SignatureSchemeProvider } from "../plugins/plugin.ts";
import { MAX_MESSAGE_BYTES, PACK_PREAMBLE_BYTES, packChecks, packedSize } from "./verify-pack.ts";
import { workerExecArgv } from "../worker-exec-argv.ts";

/** Young generation small (batches are short-lived), old generation far above what a worker holds. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

interface Job {
  readonly checks: readonly SigCheck[];
  readonly results: boolean[];
  /** Posted messages holding some of this job's checks that have not answered yet. */
  pending: number;
  readonly resolve: (r: boolean[]) => void;
  readonly reject: (e: Error) => void;
}

/** The checks start..start+count of a job, in one posted message. */
interface Part {
  readonly job: Job;
  readonly start: number;
  readonly count: number;
}

/**
 * Signature verification off the main thread. Calls made in the same tick are gathered into
 * one batch per worker, so a burst of checkTx calls costs a few messages, not one each. A batch
 * travels packed into one transferred buffer (verify-pack.ts), cut into several messages above
 * MAX_MESSAGE_BYTES.
 */
export class WorkerVerifyPool implements SigVerifier {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>;
  private readonly inflight = new Map<number, readonly Part[]>();
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 1;
  private rr = 0;
  private closed = false;

  /**
   * `schemes`: the node's signature-scheme plugins (the providers its loader created, or their
   * portable refs); each worker re-creates them, so it verifies exactly the main thread's
   * schemes. None: Ed25519 only.
   */
  constructor(opts: { threads?: number; schemes?: readonly (SignatureSchemeProvider | PortablePluginRef)[] } = {}) {
    const n = Math.max(1, opts.threads ?? availableParallelism());
    // Plain data only crosses to a worker: the refs, never the provider objects.
    const schemes = (opts.schemes ?? []).map((s) => ("portable" in s ? s.portable : s));
    const readies: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL("./verify-worker.ts", import.meta.url), {
        workerData: { schemes },
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
    // Observed in flush; this only keeps an early failure from being reported as unhandled.
    this.ready.catch(() => undefined);
  }

  queueDepth(): number {
    let n = 0;
    for (const j of this.queue) n += j.checks.length;
    for (const parts of this.inflight.values()) for (const p of parts) n += p.count;
    return n;
  }

  async verify(checks: readonly SigCheck[]): Promise<boolean[]> {
    if (this.closed) throw new Error("verification pool is closed");
    if (checks.length === 0) return [];
    return new Promise((resolve, reject) => {
      this.queue.push({ checks, results: new Array<boolean>(checks.length).fill(false), pending: 0, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    // A worker that cannot start (e.g. a scheme plugin's module fails to load) fails every call, never hangs it.
    const failed = await this.ready.then(() => undefined, (e: Error) => e);
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (!jobs.length) return;
    if (failed) {
      for (const j of jobs) j.reject(new Error(`verification workers failed to start: ${failed.message}`));
      return;
    }
    try {
      // Split the gathered jobs into one batch per worker (jobs stay whole unless a batch is cut).
      const per = Math.ceil(jobs.length / this.workers.length);
      for (let i = 0; i < jobs.length; i += per) this.postBatch(jobs.slice(i, i + per));
    } catch (e) {
      // A job already partly posted is settled here; its later answers are ignored.
      for (const j of jobs) j.reject(e as Error);
    }
  }

  /** Posts one batch as messages of at most MAX_MESSAGE_BYTES; a job may span several. */
  private postBatch(jobs: readonly Job[]): void {
    let checks: SigCheck[] = [];
    let parts: Part[] = [];
    let bytes = PACK_PREAMBLE_BYTES;
    for (const job of jobs) {
      let start = 0;
      for (let k = 0; k < job.checks.length; k++) {
        const c = job.checks[k]!;
        const size = packedSize(c);
        if (checks.length && bytes + size > MAX_MESSAGE_BYTES) {
          if (k > start) parts.push({ job, start, count: k - start });
          this.post(checks, parts);
          checks = [];
          parts = [];
          bytes = PACK_PREAMBLE_BYTES;
          start = k;
        }
        checks.push(c);
        bytes += size;
      }
      parts.push({ job, start, count: job.checks.length - start });
    }
    if (checks.length) this.post(checks, parts);
  }

  private post(checks: readonly SigCheck[], parts: readonly Part[]): void {
    const { buffer, schemes } = packChecks(checks);
    const id = this.nextId++;
    for (const p of parts) p.job.pending++;
    this.inflight.set(id, parts);
    // Transferred: the worker gets this buffer without a copy; the callers' arrays are untouched.
    this.workers[this.rr++ % this.workers.length]!.postMessage({ id, schemes, checks: buffer }, [buffer]);
  }

  private onResult(id: number, results: Uint8Array): void {
    const parts = this.inflight.get(id);
    if (!parts) return;
    this.inflight.delete(id);
    let off = 0;
    for (const { job, start, count } of parts) {
      for (let k = 0; k < count; k++) job.results[start + k] = results[off + k] === 1;
      off += count;
      if (--job.pending === 0) job.resolve(job.results);
    }
  }

  private failAll(e: Error): void {
    for (const parts of this.inflight.values()) for (const p of parts) p.job.reject(e);
    this.inflight.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
