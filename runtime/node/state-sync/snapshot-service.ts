import { join } from "node:path";
import { blockHash, type Block } from "../../app/block.ts";
import { toHex } from "../../crypto/hash.ts";
import type { SnapshotOffer, SnapshotSource } from "../../p2p/transport.ts";
import { MAX_SNAPSHOT_OFFERS } from "../../p2p/transport.ts";
import { SnapshotDir, verifyManifest } from "../../state/snapshot/index.ts";
import type { Logger } from "../logger.ts";
import { encodeDescriptor, type SnapshotDescriptor } from "./descriptor.ts";
import { parsePart } from "./parts.ts";

/** The committed state pinned at one height (an lmdb read transaction): iterated while later blocks commit. */
export interface StateView {
  readonly height: number;
  readonly root: Uint8Array;
  /** Keys in the state (picks the snapshot's chunk depth). */
  readonly keys: number;
  readonly entries: Iterable<readonly [Uint8Array, Uint8Array]>;
  close(): void;
}

export interface SnapshotServiceOptions {
  /** <home>/data/snapshots */
  readonly dir: string;
  /** Every this many blocks (0: never). */
  readonly interval: number;
  readonly keep: number;
  /**
   * A snapshot older than the newest `keep` is still kept while peers fetch it: until this long
   * after the last part served from it (default 2 minutes), so a sync under way is not cut off.
   */
  readonly servingGraceMs?: number;
  /** Clock for the grace period (tests). */
  readonly now?: () => number;
  readonly log: Logger;
  readonly blocks: {
    block(height: number): Block | undefined;
    blockBytes(height: number): Uint8Array | undefined;
    commit(height: number): Uint8Array | undefined;
    validatorSet(height: number): Uint8Array | undefined;
  };
  /** Pin the state as last committed. Called synchronously right after a commit. */
  openView(): StateView;
}

/**
 * Takes a snapshot of the state every `interval` blocks, in the background (the state is pinned
 * at the commit; blocks keep committing while it is written), keeps the newest `keep`, and
 * serves them to state-syncing peers (the transport's SnapshotSource). A snapshot is offered
 * only once its directory is complete: the writer renames it into place at the end.
 */
export class SnapshotService implements SnapshotSource {
  private readonly store: SnapshotDir;
  private readonly descriptors = new Map<number, SnapshotDescriptor>();
  /** When a part of each snapshot was last served (see servingGraceMs). */
  private readonly lastServed = new Map<number, number>();
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Snapshots taken since start, with how long each took (tests, logs). */
  readonly taken: { height: number; ms: number; keys: number; bytes: number }[] = [];

  private constructor(private readonly o: SnapshotServiceOptions) {
    this.store = new SnapshotDir(o.dir);
  }

  static async open(o: SnapshotServiceOptions): Promise<SnapshotService> {
    const s = new SnapshotService(o);
    const left = s.store.removeLeftovers();
    if (left.length) o.log.warn({ removed: left }, "snapshots: removed a snapshot left unfinished by a crash");
    for (const h of s.store.list()) {
      try {
        await s.describe(h);
      } catch (e) {
        o.log.warn({ height: h, err: (e as Error).message }, "snapshots: removing a stored snapshot that does not check");
        s.store.remove(h);
      }
    }
    return s;
  }

  private async describe(height: number): Promise<void> {
    const block = this.o.blocks.block(height);
    const bytes = await this.store.readManifest(height);
    if (!block || !bytes) throw new Error(`no block or manifest for height ${height}`);
    const m = verifyManifest(bytes, block.header.stateRoot, height);
    let chunks = 0;
    let total = 0;
    for (const s of m.slots) {
      if (!s) continue;
      chunks++;
      total += s.bytes;
    }
    this.descriptors.set(height, { format: 1, height, blockHash: toHex(blockHash(block.header)), chunks, entries: m.keys, bytes: total });
  }

  /** Called after each commit (inside the node's serial work): starts a snapshot at interval heights. */
  afterCommit(height: number): void {
    if (this.stopped || this.o.interval <= 0 || height % this.o.interval !== 0) return;
    if (this.running) {
      this.o.log.warn({ height }, "snapshots: the previous snapshot is still being written; skipping this one");
      return;
    }
    const view = this.o.openView();
    this.running = this.take(view).finally(() => {
      view.close();
      this.running = undefined;
    });
  }

  private async take(view: StateView): Promise<void> {
    const started = performance.now();
    const writer = this.store.writer({ height: view.height, root: view.root, expectedKeys: view.keys });
    try {
      this.o.log.info({ height: view.height, keys: view.keys }, "snapshots: taking a snapshot of the state");
      await writer.addAll(view.entries);
      if (this.stopped) {
        writer.abort();
        return;
      }
      const info = await writer.finish();
      await this.describe(view.height);
      const ms = Math.round(performance.now() - started);
      this.taken.push({ height: view.height, ms, keys: info.keys, bytes: info.bytes });
      for (const h of this.prune()) this.o.log.info({ height: h }, "snapshots: removed an older snapshot");
      this.o.log.info({ height: view.height, keys: info.keys, chunks: info.chunks, mib: (info.bytes / 2 ** 20).toFixed(1), ms }, "snapshots: snapshot ready to serve");
    } catch (e) {
      writer.abort();
      this.o.log.error({ height: view.height, err: (e as Error).message }, "snapshots: taking the snapshot failed");
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private prune(): number[] {
    const grace = this.o.servingGraceMs ?? 120_000;
    const t = this.now();
    const gone = this.store.prune(this.o.keep, (h) => t - (this.lastServed.get(h) ?? -Infinity) < grace);
    for (const h of gone) {
      this.descriptors.delete(h);
      this.lastServed.delete(h);
    }
    return gone;
  }

  /** Wait for a snapshot being written (tests; stop). */
  async idle(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  heights(): number[] {
    return [...this.descriptors.keys()].sort((a, b) => b - a);
  }

  offers(): SnapshotOffer[] {
    return this.heights()
      .slice(0, MAX_SNAPSHOT_OFFERS)
      .map((h) => ({ height: h, descriptor: encodeDescriptor(this.descriptors.get(h)!) }));
  }

  async part(height: number, name: string): Promise<Uint8Array | undefined> {
    if (!this.descriptors.has(height)) return undefined;
    const p = parsePart(name);
    if (!p) return undefined;
    this.lastServed.set(height, this.now());
    switch (p.kind) {
      case "manifest":
        return this.store.readManifest(height);
      case "chunk":
        return this.store.readChunk(height, p.slot);
      case "block":
        return this.o.blocks.blockBytes(height);
      case "commit":
        return this.o.blocks.commit(height);
      case "valset":
        return p.height === height || p.height === height + 1 ? this.o.blocks.validatorSet(p.height) : undefined;
    }
  }
}

export function snapshotsDir(dataDir: string): string {
  return join(dataDir, "snapshots");
}
