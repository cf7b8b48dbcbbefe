import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { open as openFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sha256 } from "../../crypto/hash.ts";
import { MAX_STATE_KEY_BYTES } from "../authenticated-store.ts";
import { StateError } from "../errors.ts";
import { decodeEntries, encodeChunk, entryBytes, writeEntry, type SnapshotEntry } from "./chunk.ts";
import {
  MAX_SNAPSHOT_CHUNK_BYTES,
  MAX_SNAPSHOT_DEPTH,
  SNAPSHOT_FORMAT,
  encodeManifest,
  manifestHash,
  rootFromManifest,
  slotOf,
  snapshotDepthFor,
  subtreeRef,
  type HashedEntry,
  type SlotRef,
  type SnapshotManifest,
} from "./format.ts";

export const MANIFEST_FILE = "manifest.json";
export const chunkFile = (slot: number): string => `chunk-${slot}.bin`;

export interface SnapshotWriterOptions {
  readonly height: number;
  /** The state root at `height`: finish() refuses a snapshot whose entries hash to another. */
  readonly root: Uint8Array;
  /** Expected key count (a hint: it picks how finely entries are spilled; finish() adapts). */
  readonly expectedKeys: number;
  /** Entry bytes held in memory before they are appended to the per-slot spill files. Default 8 MiB. */
  readonly spillBytes?: number;
  /** finish() yields to the event loop once it has worked this long. Default 20 ms. */
  readonly budgetMs?: number;
  /** Largest chunk (tests lower it to exercise the deeper split). Default MAX_SNAPSHOT_CHUNK_BYTES. */
  readonly maxChunkBytes?: number;
}

export interface SnapshotInfo {
  readonly dir: string;
  readonly height: number;
  readonly depth: number;
  readonly keys: number;
  readonly chunks: number;
  /** Sum of the chunk files' sizes. */
  readonly bytes: number;
  readonly manifestBytes: number;
  readonly manifestHash: Uint8Array;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function writeFailed(why: string, context: Record<string, unknown> = {}): StateError {
  return new StateError("STATE_SNAPSHOT_WRITE", why, context);
}

/** fsync a directory so a rename or new file in it survives a power cut. */
function fsyncDir(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Entries of a spill file, read in pieces so a big file never sits in memory whole. */
function* readSpill(path: string): Generator<SnapshotEntry> {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(1 << 20);
    let have = 0;
    let eof = false;
    const fail = (why: string): Error => writeFailed(`snapshot spill file ${path}: ${why}`);
    for (;;) {
      if (!eof && have < buf.length) {
        const n = readSync(fd, buf, have, buf.length - have, null);
        if (n === 0) eof = true;
        have += n;
      }
      let off = 0;
      for (;;) {
        if (have - off < 4) break;
        const kl = buf.readUInt32BE(off);
        if (have - off < 8 + kl) break;
        const vl = buf.readUInt32BE(off + 4 + kl);
        const size = 8 + kl + vl;
        if (have - off < size) {
          if (size > buf.length) {
            const bigger = Buffer.allocUnsafe(size);
            buf.copy(bigger, 0, off, have);
            buf = bigger;
            have -= off;
            off = 0;
          }
          break;
        }
        // Copies: the read buffer is reused.
        yield [new Uint8Array(buf.subarray(off + 4, off + 4 + kl)), new Uint8Array(buf.subarray(off + 8 + kl, off + size))];
        off += size;
      }
      if (off > 0) {
        buf.copy(buf, 0, off, have);
        have -= off;
      } else if (eof) {
        if (have !== 0) throw fail("ends inside an entry");
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a snapshot directory from entries given in any order (the producer walks the store in
 * key order, not keyHash order). `add` buffers entries per slot and appends them to spill files
 * once `spillBytes` are held, so memory stays bounded whatever the state's size; `finish`
 * sorts one slot at a time, writes `chunk-<slot>.bin` and `manifest.json` into `<dir>.tmp`,
 * checks the root, and renames it to `<dir>`. `add` is synchronous and cheap: a caller walking
 * a large state should await a turn of the event loop every few thousand entries (or use
 * `addAll`); `finish` yields by itself.
 */
export class SnapshotWriter {
  readonly dir: string;
  readonly tmp: string;
  private readonly spillDir: string;
  private readonly height: number;
  private readonly root: Uint8Array;
  private readonly spillLimit: number;
  private readonly budgetMs: number;
  private readonly maxChunk: number;
  /** Depth of the spill files (slots of that depth). */
  private spillDepth: number;
  private buffers: SnapshotEntry[][];
  private bufferedBytes = 0;
  /** Per spill slot: entries and entry bytes written or buffered. */
  private counts: number[];
  private sizes: number[];
  private keys = 0;
  private state: "open" | "finishing" | "done" | "aborted" = "open";

  constructor(dir: string, opts: SnapshotWriterOptions) {
    if (!Number.isSafeInteger(opts.height) || opts.height < 0) throw writeFailed("snapshot height must be a non-negative integer", { height: opts.height });
    if (!(opts.root instanceof Uint8Array) || opts.root.length !== 32) throw writeFailed("snapshot root must be 32 bytes");
    this.dir = dir;
    this.tmp = `${dir}.tmp`;
    this.spillDir = join(this.tmp, "spill");
    this.height = opts.height;
    this.root = opts.root.slice();
    this.spillLimit = Math.max(1, opts.spillBytes ?? 8 * 1024 * 1024);
    this.budgetMs = Math.max(0, opts.budgetMs ?? 20);
    this.maxChunk = Math.min(MAX_SNAPSHOT_CHUNK_BYTES, opts.maxChunkBytes ?? MAX_SNAPSHOT_CHUNK_BYTES);
    this.spillDepth = Math.min(snapshotDepthFor(Math.max(0, opts.expectedKeys)), 3); // <= 4096 spill files
    if (existsSync(dir)) throw writeFailed(`a snapshot already exists at ${dir}`, { dir });
    rmSync(this.tmp, { recursive: true, force: true }); // a leftover of a crashed run
    mkdirSync(this.spillDir, { recursive: true });
    const n = 16 ** this.spillDepth;
    this.buffers = Array.from({ length: n }, () => []);
    this.counts = new Array(n).fill(0);
    this.sizes = new Array(n).fill(0);
  }

  /** True until finish() or abort() has completed. */
  get active(): boolean {
    return this.state === "open" || this.state === "finishing";
  }

  /** Add one entry (copied). Any order; each key once (a repeat fails finish()). */
  add(key: Uint8Array, value: Uint8Array): void {
    if (this.state !== "open") throw writeFailed("snapshot writer: add after finish or abort");
    if (key.length < 1 || key.length > MAX_STATE_KEY_BYTES) throw writeFailed(`snapshot writer: key of ${key.length} bytes (keys are 1..${MAX_STATE_KEY_BYTES})`);
    const s = slotOf(sha256(key), this.spillDepth);
    const size = entryBytes(key, value);
    this.buffers[s]!.push([key.slice(), value.slice()]);
    this.counts[s]!++;
    this.sizes[s]! += size;
    this.keys++;
    this.bufferedBytes += size;
    if (this.bufferedBytes >= this.spillLimit) this.spill();
  }

  /** Add every entry of `entries`, yielding to the event loop every `budgetMs` (spills included). */
  async addAll(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Promise<void> {
    let since = performance.now();
    for (const [k, v] of entries) {
      // Spill early, a slot at a time with yields: one sync spill of every slot's buffer (256+
      // file appends) blocked the event loop for ~0.4–0.7 s at 1M keys on a loaded host.
      if (this.bufferedBytes >= this.spillLimit / 2) {
        for (let s = 0; s < this.buffers.length; s++) {
          this.spillSlot(s);
          if (performance.now() - since >= this.budgetMs) {
            await tick();
            since = performance.now();
          }
        }
      }
      this.add(k, v);
      if (performance.now() - since >= this.budgetMs) {
        await tick();
        since = performance.now();
      }
    }
  }

  /** Append every buffered entry to its slot's spill file. */
  private spill(): void {
    for (let s = 0; s < this.buffers.length; s++) this.spillSlot(s);
  }

  private spillSlot(s: number): void {
    const list = this.buffers[s]!;
    if (list.length === 0) return;
    let size = 0;
    for (const [k, v] of list) size += entryBytes(k, v);
    const out = Buffer.allocUnsafe(size);
    let off = 0;
    for (const [k, v] of list) off = writeEntry(out, off, k, v);
    appendFileSync(this.spillPath(this.spillDepth, s), out);
    this.buffers[s] = [];
    this.bufferedBytes -= size;
  }

  private spillPath(depth: number, slot: number): string {
    return join(this.spillDir, `${depth}-${slot}`);
  }

  /** Split every spill file one nibble finer (one source file at a time, so memory stays bounded). */
  private async deepen(): Promise<void> {
    const from = this.spillDepth;
    const n = 16 ** (from + 1);
    const counts = new Array(n).fill(0);
    const sizes = new Array(n).fill(0);
    let since = performance.now();
    for (let s = 0; s < 16 ** from; s++) {
      const path = this.spillPath(from, s);
      if (this.counts[s] === 0) continue;
      const parts: SnapshotEntry[][] = Array.from({ length: 16 }, () => []);
      let held = 0;
      const flush = (): void => {
        for (let i = 0; i < 16; i++) {
          if (parts[i]!.length === 0) continue;
          let size = 0;
          for (const [k, v] of parts[i]!) size += entryBytes(k, v);
          const out = Buffer.allocUnsafe(size);
          let off = 0;
          for (const [k, v] of parts[i]!) off = writeEntry(out, off, k, v);
          appendFileSync(this.spillPath(from + 1, s * 16 + i), out);
          parts[i] = [];
        }
        held = 0;
      };
      for (const [k, v] of readSpill(path)) {
        const child = slotOf(sha256(k), from + 1);
        parts[child & 15]!.push([k, v]);
        counts[child]++;
        sizes[child] += entryBytes(k, v);
        held += entryBytes(k, v);
        if (held >= this.spillLimit) flush();
        if (performance.now() - since >= this.budgetMs) {
          await tick();
          since = performance.now();
        }
      }
      flush();
      unlinkSync(path);
    }
    this.spillDepth = from + 1;
    this.counts = counts;
    this.sizes = sizes;
    this.buffers = Array.from({ length: n }, () => []);
  }

  /**
   * Write the chunks and the manifest and publish the directory. Refuses (STATE_SNAPSHOT_WRITE,
   * directory removed) when the entries do not hash to the root given at construction, when a
   * key was added twice, or when a single slot stays over the chunk size limit at depth 4.
   */
  async finish(): Promise<SnapshotInfo> {
    if (this.state !== "open") throw writeFailed("snapshot writer: finish called twice or after abort");
    this.state = "finishing";
    try {
      return await this.finishInner();
    } catch (e) {
      this.state = "aborted";
      rmSync(this.tmp, { recursive: true, force: true });
      throw e;
    }
  }

  private async finishInner(): Promise<SnapshotInfo> {
    this.spill();
    // Depth from the real key count, then deeper while some slot would exceed the chunk limit.
    let depth = snapshotDepthFor(this.keys);
    const slotBytes = (d: number): number[] => {
      // Valid for d <= spillDepth: a slot at d covers 16^(spillDepth-d) spill slots.
      const per = 16 ** (this.spillDepth - d);
      const out = new Array(16 ** d).fill(4);
      for (let s = 0; s < this.sizes.length; s++) out[Math.floor(s / per)] += this.sizes[s]!;
      return out;
    };
    for (;;) {
      while (this.spillDepth < depth) await this.deepen();
      if (depth >= MAX_SNAPSHOT_DEPTH || slotBytes(depth).every((b) => b <= this.maxChunk)) break;
      depth++;
    }
    const bytesAt = slotBytes(depth);
    const over = bytesAt.findIndex((b) => b > this.maxChunk);
    if (over >= 0) throw writeFailed(`snapshot slot ${over} needs ${bytesAt[over]} bytes, over the ${this.maxChunk}-byte chunk limit even at depth ${depth}`, { slot: over, depth });

    const per = 16 ** (this.spillDepth - depth);
    const slots: Array<SlotRef | null> = new Array(16 ** depth).fill(null);
    let total = 0;
    let chunks = 0;
    let since = performance.now();
    for (let slot = 0; slot < slots.length; slot++) {
      const entries: Array<{ e: SnapshotEntry; h: HashedEntry }> = [];
      for (let s = slot * per; s < (slot + 1) * per; s++) {
        if (this.counts[s] === 0) continue;
        const path = this.spillPath(this.spillDepth, s);
        const raw = readFileSync(path);
        for (const e of decodeEntries(raw, 0, raw.length, this.counts[s]!, (why) => writeFailed(`snapshot spill file ${path}: ${why}`))) {
          entries.push({ e, h: { keyHash: sha256(e[0]), valueHash: sha256(e[1]) } });
        }
        unlinkSync(path);
      }
      if (entries.length === 0) continue;
      entries.sort((a, b) => Buffer.compare(a.h.keyHash, b.h.keyHash));
      for (let i = 1; i < entries.length; i++) {
        if (Buffer.compare(entries[i - 1]!.h.keyHash, entries[i]!.h.keyHash) === 0) {
          throw writeFailed("snapshot writer: the same key was added twice", { key: Buffer.from(entries[i]!.e[0]).toString("hex") });
        }
      }
      const bytes = encodeChunk(entries.map((x) => x.e));
      const ref = subtreeRef(depth, entries.map((x) => x.h))!;
      // Written off the main thread (and fsynced): the manifest is only published after all chunks are durable.
      const fh = await openFile(join(this.tmp, chunkFile(slot)), "w");
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      slots[slot] = { hash: ref.hash, leaf: ref.leaf, entries: entries.length, bytes: bytes.length };
      total += bytes.length;
      chunks++;
      if (performance.now() - since >= this.budgetMs) {
        await tick();
        since = performance.now();
      }
    }
    const manifest: SnapshotManifest = { format: SNAPSHOT_FORMAT, height: this.height, root: this.root, depth, keys: this.keys, slots };
    const computed = rootFromManifest(manifest);
    if (Buffer.compare(computed, this.root) !== 0) {
      throw writeFailed(
        `snapshot at height ${this.height}: the entries hash to state root ${Buffer.from(computed).toString("hex")}, not the given ${Buffer.from(this.root).toString("hex")} (the entries were not the state at that height)`,
        { height: this.height },
      );
    }
    const mbytes = encodeManifest(manifest);
    const fh = await openFile(join(this.tmp, MANIFEST_FILE), "w");
    try {
      await fh.writeFile(mbytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    rmSync(this.spillDir, { recursive: true, force: true });
    fsyncDir(this.tmp);
    renameSync(this.tmp, this.dir);
    fsyncDir(dirname(this.dir));
    this.state = "done";
    return { dir: this.dir, height: this.height, depth, keys: this.keys, chunks, bytes: total, manifestBytes: mbytes.length, manifestHash: manifestHash(mbytes) };
  }

  /** Drop everything written so far (the node stops a snapshot it no longer wants). */
  abort(): void {
    if (this.state === "done") return;
    this.state = "aborted";
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
