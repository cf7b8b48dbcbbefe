import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ConsensusError } from "../errors.ts";
import { decodeRecord, encodeRecord, type WalRecord } from "./records.ts";
import { frame, parseFrames } from "./framing.ts";
import type { Wal } from "./wal.ts";

/**
 * Append-only WAL file of length+CRC32-framed records. Opening it cuts a torn last record
 * off, so appends continue from the last intact one.
 */
export class FileWal implements Wal {
  private fd: number;

  private constructor(private readonly path: string) {
    this.fd = -1;
    const existed = existsSync(path);
    this.fd = io(() => openSync(path, "a+"), `open ${path}`);
    if (existed) {
      const bytes = new Uint8Array(io(() => readFileSync(path), "read"));
      const parsed = parseFrames(bytes);
      if (parsed.validLength < bytes.length) {
        io(() => ftruncateSync(this.fd, parsed.validLength), "truncate torn tail");
        io(() => fsyncSync(this.fd), "fsync");
      }
    }
  }

  static open(path: string): FileWal {
    return new FileWal(path);
  }

  append(record: WalRecord): void {
    const f = frame(encodeRecord(record));
    io(() => {
      let off = 0;
      while (off < f.length) off += writeSync(this.fd, f, off, f.length - off);
    }, "append");
  }

  sync(): void {
    io(() => fsyncSync(this.fd), "fsync");
  }

  records(): WalRecord[] {
    return parseFrames(new Uint8Array(io(() => readFileSync(this.path), "read"))).payloads.map(decodeRecord);
  }

  /** Write the new log beside, fsync it, rename over the old one, fsync the directory. */
  reset(records: readonly WalRecord[]): void {
    const tmp = `${this.path}.tmp`;
    const fd = io(() => openSync(tmp, "w"), `open ${tmp}`);
    try {
      for (const r of records) {
        const f = frame(encodeRecord(r));
        io(() => writeSync(fd, f), "write");
      }
      io(() => fsyncSync(fd), "fsync");
    } finally {
      closeSync(fd);
    }
    closeSync(this.fd);
    io(() => renameSync(tmp, this.path), "rename");
    syncDir(dirname(this.path));
    this.fd = io(() => openSync(this.path, "a+"), `open ${this.path}`);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

function io<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConsensusError) throw e;
    throw new ConsensusError("CONSENSUS_WAL_IO", `WAL ${what}: ${(e as Error).message}`);
  }
}
