import { Worker } from "node:worker_threads";
import { workerExecArgv } from "../worker-exec-argv.ts";
import { packApply } from "./apply-pack.ts";
import type { NodeWrites } from "./tree.ts";
import type { SlabMap } from "./slab-map.ts";

/** Shared Int32 slots between the main thread and the applier thread. */
export const APPLIED = 0; // heights fully applied (journal rows deleted), counted since the thread started
export const FAILED = 1; // 1 once an apply failed: the thread applies nothing more
export const CLOSING = 2; // set by close(): the thread stops at its next chunk boundary

export interface ApplyWorkerData {
  readonly path: string;
  readonly lmdb: Record<string, unknown>;
  readonly name: string;
  readonly chunkEntries: number;
  readonly shared: SharedArrayBuffer;
  /** Test hook: the thread fails after the first chunk of this height. */
  readonly failAtHeight?: number;
}

/** How the lmdb backend's applier thread opens the file: the path and options the caller opened the root with. */
export interface ApplyThreadOptions {
  readonly path: string;
  /** lmdb open options (map size, sync flags): the thread opens its own handle of the same file. */
  readonly lmdb?: Record<string, unknown>;
  /** Test hook: the thread fails after the first chunk of this height. */
  readonly failAtHeight?: number;
}

/** Longest a synchronous wait for the thread may take before the store gives up (it is applying, so only a stuck thread gets here). */
const WAIT_LIMIT_MS = 300_000;

/**
 * The main thread's side of the applier thread (apply-worker.ts). Heights are handed over in
 * commit order; `applied()` counts how many are done, read from shared memory, so the store
 * can also wait for one synchronously (Atomics.wait) when its journal bound is reached. The
 * thread's B-tree writes and fsyncs then cost the main thread, which executes blocks, nothing
 * but the packing (measured at 1M keys: ~1.7 s per 20 000-claim block off the main thread).
 */
export class ApplyThread {
  private readonly worker: Worker;
  private readonly shared: Int32Array;
  private failure: string | undefined;
  private closed: Promise<void> | undefined;

  constructor(o: ApplyThreadOptions & { name: string; chunkEntries: number; onApplied: () => void }) {
    const sab = new SharedArrayBuffer(16);
    this.shared = new Int32Array(sab);
    const data: ApplyWorkerData = { path: o.path, lmdb: o.lmdb ?? {}, name: o.name, chunkEntries: o.chunkEntries, shared: sab, failAtHeight: o.failAtHeight };
    // Its heap holds one height's unpacked views at a time: a small young generation keeps the
    // node's resident memory from growing by what V8 would otherwise let it collect later.
    this.worker = new Worker(new URL("./apply-worker.ts", import.meta.url), { workerData: data, execArgv: workerExecArgv(), resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 } });
    this.worker.on("message", (m: { type: string; message?: string; height?: number }) => {
      if (m.type === "applied") o.onApplied();
      else if (m.type === "failed") this.failure ??= `height ${m.height}: ${m.message}`;
    });
    this.worker.on("error", (e) => {
      this.failure ??= e.message;
      Atomics.store(this.shared, FAILED, 1);
    });
    // Not a reason to keep the process alive: a node that is done has closed its store.
    this.worker.unref();
  }

  /** Hand height `height` (journaled in `rows` rows) to the thread. */
  send(height: number, rows: number, flat: SlabMap, nodes: NodeWrites): void {
    const packed = packApply(flat, nodes);
    this.worker.postMessage({ type: "apply", height, rows, packed }, [packed]);
  }

  /** Heights fully applied so far. */
  applied(): number {
    return Atomics.load(this.shared, APPLIED);
  }

  /** Why the thread stopped applying, once it has. */
  failed(): string | undefined {
    if (this.failure === undefined && Atomics.load(this.shared, FAILED) !== 0) return "the applier thread stopped (its message has not arrived yet)";
    return this.failure;
  }

  /**
   * Block until at least `count` heights are applied, the thread failed, or `timeoutMs`
   * passed. True when `count` was reached.
   */
  waitApplied(count: number, timeoutMs = WAIT_LIMIT_MS): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = Atomics.load(this.shared, APPLIED);
      if (now >= count) return true;
      if (Atomics.load(this.shared, FAILED) !== 0) return false;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.shared, APPLIED, now, Math.min(left, 1000));
    }
  }

  /** Stop at the next chunk boundary (what is left stays in the journal) and close the thread's handle. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      Atomics.store(this.shared, CLOSING, 1);
      this.worker.ref(); // until it has closed its handle
      const done = (): void => {
        void this.worker.terminate().then(() => resolve());
      };
      this.worker.on("message", (m: { type: string }) => m.type === "closed" && done());
      this.worker.once("exit", () => resolve());
      this.worker.postMessage({ type: "close" });
    });
    return this.closed;
  }
}
