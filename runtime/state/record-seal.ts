import { crc32 } from "node:zlib";
import type { Database } from "lmdb";

/**
 * Sealed records: every value NexusOS writes to lmdb carries a CRC-32 of its key and value, so
 * a damaged byte on disk is found when the record is read instead of being served as truth.
 * The key is in the checksum too, so a record that moved under another key does not pass.
 * CRC-32 catches every error burst of up to 32 bits; it is not a defence against an attacker
 * who can write the files (the state tree's hashes and the block hash chain are).
 *
 * Layout: value ‖ crc32(key ‖ value) as u32 big-endian.
 */
export const SEAL_BYTES = 4;

/** The sealed form of `value` stored under `key`. */
export function seal(key: Uint8Array, value: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(value.length + SEAL_BYTES);
  out.set(value, 0);
  return sealInPlace(key, out);
}

/**
 * Seal in place: `record` is the value followed by SEAL_BYTES of room (apply-pack.ts); the
 * checksum goes into the room, and `record` is then the sealed form of the value.
 */
export function sealInPlace(key: Uint8Array, record: Buffer): Buffer {
  const end = record.length - SEAL_BYTES;
  record.writeUInt32BE(crc32(record.subarray(0, end), crc32(key)), end);
  return record;
}

/** The value inside a sealed record (a view, no copy), or undefined when the checksum does not match. */
export function unseal(key: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < SEAL_BYTES) return undefined;
  const b = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const end = b.length - SEAL_BYTES;
  const value = b.subarray(0, end);
  return crc32(value, crc32(key)) === b.readUInt32BE(end) ? value : undefined;
}

/**
 * On-disk format numbers of the lmdb files (append only). 1: plain values (before 0.3);
 * 2: sealed values and a format record.
 */
export const DATA_FORMAT = 2;

/** What `ensureFormat` found (and did). */
export type FormatCheck =
  | { kind: "current" }
  | { kind: "created" }
  | { kind: "upgraded"; from: number; records: number; ms: number }
  | { kind: "old"; format: number }
  | { kind: "unknown"; format: number }
  | { kind: "damaged" };

/**
 * Check the on-disk format of an lmdb environment's `tables` from the format record
 * (`formatKey` in `formatTable`). New (all tables empty): record the current format. Format 1
 * (data, no record): with `upgrade`, seal every record in ONE transaction, so a crash leaves
 * the files all old or all new; else report it.
 */
export function ensureFormat(
  root: { transactionSync<T>(fn: () => T): T },
  tables: readonly Database<Buffer, Buffer>[],
  formatTable: Database<Buffer, Buffer>,
  formatKey: Buffer,
  upgrade: boolean,
): FormatCheck {
  const raw = formatTable.get(formatKey);
  if (raw !== undefined) {
    const v = unseal(formatKey, raw);
    if (v === undefined || v.length !== 1) return { kind: "damaged" };
    return v[0] === DATA_FORMAT ? { kind: "current" } : { kind: "unknown", format: v[0]! };
  }
  const empty = tables.every((t) => t.getKeysCount({ limit: 1 }) === 0);
  if (!empty && !upgrade) return { kind: "old", format: 1 };
  const started = performance.now();
  let records = 0;
  root.transactionSync(() => {
    if (!empty) {
      for (const t of tables) {
        // Keys first: rewriting values while a cursor walks the same table is not safe.
        for (const key of [...t.getKeys({})]) {
          t.putSync(key, seal(key, t.get(key)!));
          records++;
        }
      }
    }
    formatTable.putSync(formatKey, seal(formatKey, Buffer.from([DATA_FORMAT])));
  });
  return empty ? { kind: "created" } : { kind: "upgraded", from: 1, records, ms: Math.round(performance.now() - started) };
}
