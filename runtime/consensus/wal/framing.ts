import { crc32 } from "node:zlib";
import { ConsensusError } from "../errors.ts";

/** One WAL record: 4-byte big-endian length, 4-byte CRC32 of the payload, payload. */
export const FRAME_HEADER_BYTES = 8;
/** No honest record comes near this; a larger length is corruption, not a record. */
export const MAX_RECORD_BYTES = 64 * 1024;

export function frame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_RECORD_BYTES) throw new ConsensusError("CONSENSUS_WAL_IO", `WAL record of ${payload.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length);
  dv.setUint32(4, crc32(payload));
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export interface ParsedFrames {
  readonly payloads: Uint8Array[];
  /** Bytes up to the end of the last intact record; anything after it is a torn write. */
  readonly validLength: number;
}

/**
 * Split a WAL into record payloads. An incomplete record at the end (a write cut short) is
 * dropped, as is a complete last record whose CRC fails (a torn sector). A bad record with
 * more data after it is real corruption and throws: replaying past it could forget a vote.
 */
export function parseFrames(buf: Uint8Array): ParsedFrames {
  const payloads: Uint8Array[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < FRAME_HEADER_BYTES) break; // torn header
    const len = dv.getUint32(off);
    const end = off + FRAME_HEADER_BYTES + len;
    if (end > buf.length) {
      if (len > MAX_RECORD_BYTES && buf.length - off > FRAME_HEADER_BYTES + MAX_RECORD_BYTES) {
        throw new ConsensusError("CONSENSUS_WAL_CORRUPT", `WAL record at offset ${off} claims ${len} bytes`, { offset: off });
      }
      break; // torn payload
    }
    const payload = buf.subarray(off + FRAME_HEADER_BYTES, end);
    if (len > MAX_RECORD_BYTES || crc32(payload) !== dv.getUint32(off + 4)) {
      if (end === buf.length) break; // torn last record
      throw new ConsensusError("CONSENSUS_WAL_CORRUPT", `WAL record at offset ${off} fails its checksum and is followed by more records`, { offset: off });
    }
    payloads.push(payload);
    off = end;
  }
  return { payloads, validLength: off };
}
