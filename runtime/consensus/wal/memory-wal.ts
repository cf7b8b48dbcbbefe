import { decodeRecord, encodeRecord, type WalRecord } from "./records.ts";
import { frame, parseFrames } from "./framing.ts";
import type { Wal } from "./wal.ts";

/** The file format in memory: for simulations, which crash it by cutting its unsynced tail. */
export class MemoryWal implements Wal {
  private buf = new Uint8Array(4096);
  private len = 0;
  /** Bytes known durable (synced). */
  private durable = 0;

  append(record: WalRecord): void {
    const f = frame(encodeRecord(record));
    if (this.len + f.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + f.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(f, this.len);
    this.len += f.length;
  }

  sync(): void {
    this.durable = this.len;
  }

  records(): WalRecord[] {
    return parseFrames(this.bytes()).payloads.map(decodeRecord);
  }

  reset(records: readonly WalRecord[]): void {
    this.len = 0;
    for (const r of records) this.append(r);
    this.sync();
  }

  close(): void {}

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  get durableLength(): number {
    return this.durable;
  }

  /** A crash: whatever was not synced may be lost, keeping `keep` bytes (≥ the durable length). */
  crash(keep: number): void {
    this.len = Math.max(this.durable, Math.min(keep, this.len));
    this.durable = this.len;
  }
}
