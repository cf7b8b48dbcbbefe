import type { WalRecord } from "./records.ts";

/**
 * The consensus write-ahead log. append() may buffer; sync() makes everything appended so
 * far durable. The driver syncs after every message it signs and before broadcasting it.
 */
export interface Wal {
  append(record: WalRecord): void;
  sync(): void;
  /** Every intact record, oldest first (a torn last record is dropped). */
  records(): WalRecord[];
  /** Atomically replace the whole log (used when a new height starts). */
  reset(records: readonly WalRecord[]): void;
  close(): void;
}
