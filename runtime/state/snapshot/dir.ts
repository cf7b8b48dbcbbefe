import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { StateError } from "../errors.ts";
import { MANIFEST_FILE, SnapshotWriter, chunkFile, type SnapshotWriterOptions } from "./writer.ts";

const HEIGHT_NAME = /^(0|[1-9][0-9]{0,15})$/;

async function readOrUndefined(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function checkHeight(height: number): void {
  if (!Number.isSafeInteger(height) || height < 0) throw new StateError("STATE_SNAPSHOT_WRITE", "snapshot height must be a non-negative integer", { height });
}

/**
 * The snapshots a node keeps (`<home>/data/snapshots`): one directory per height, named by the
 * height in decimal, holding `manifest.json` and `chunk-<slot>.bin`. A directory only gets its
 * final name once complete (SnapshotWriter renames `<height>.tmp`), so every `<height>` listed
 * is whole; `.tmp` leftovers of a crash are removed when this opens (and by removeLeftovers),
 * except those of writers this instance started and that are still running.
 */
export class SnapshotDir {
  readonly path: string;
  private readonly writers = new Set<SnapshotWriter>();

  constructor(path: string) {
    this.path = path;
    mkdirSync(path, { recursive: true });
    this.removeLeftovers();
  }

  /** Heights of the complete snapshots, newest first. */
  list(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.path)) {
      if (!HEIGHT_NAME.test(name)) continue;
      const h = Number(name);
      if (Number.isSafeInteger(h) && existsSync(join(this.path, name, MANIFEST_FILE))) out.push(h);
    }
    return out.sort((a, b) => b - a);
  }

  has(height: number): boolean {
    checkHeight(height);
    return existsSync(join(this.path, String(height), MANIFEST_FILE));
  }

  /** A writer for a new snapshot at `opts.height` in this directory. */
  writer(opts: SnapshotWriterOptions): SnapshotWriter {
    checkHeight(opts.height);
    const w = new SnapshotWriter(join(this.path, String(opts.height)), opts);
    this.writers.add(w);
    return w;
  }

  /** The manifest bytes of the snapshot at `height`, or undefined when there is none. */
  readManifest(height: number): Promise<Uint8Array | undefined> {
    checkHeight(height);
    return readOrUndefined(join(this.path, String(height), MANIFEST_FILE));
  }

  /** One chunk's bytes, or undefined when this snapshot has no such chunk (an empty slot, or no snapshot). */
  readChunk(height: number, slot: number): Promise<Uint8Array | undefined> {
    checkHeight(height);
    if (!Number.isSafeInteger(slot) || slot < 0 || slot >= 16 ** 4) return Promise.resolve(undefined);
    return readOrUndefined(join(this.path, String(height), chunkFile(slot)));
  }

  /** Keep the newest `keep` snapshots and any older one `spare` names; returns the heights removed. */
  prune(keep: number, spare: (height: number) => boolean = () => false): number[] {
    const gone = this.list()
      .slice(Math.max(0, keep))
      .filter((h) => !spare(h));
    for (const h of gone) this.remove(h);
    return gone;
  }

  /** Remove the snapshot at `height` (no-op when absent). */
  remove(height: number): void {
    checkHeight(height);
    rmSync(join(this.path, String(height)), { recursive: true, force: true });
  }

  /** Remove `.tmp` directories not owned by a running writer of this instance; returns their names. */
  removeLeftovers(): string[] {
    for (const w of this.writers) if (!w.active) this.writers.delete(w);
    const busy = new Set([...this.writers].map((w) => w.tmp));
    const removed: string[] = [];
    for (const name of readdirSync(this.path)) {
      if (!name.endsWith(".tmp")) continue;
      const p = join(this.path, name);
      if (busy.has(p)) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}
