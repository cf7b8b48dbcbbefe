import { bytesEqual, fromHex } from "../../crypto/hash.ts";

/**
 * What a node says about each snapshot it offers (the transport's opaque SnapshotOffer
 * descriptor): enough to choose one and to fetch its parts. Nothing in it is trusted: the
 * block is checked against the trusted validator set, the manifest against the block's state
 * root, each chunk against the manifest. Append-only fields; `format` changes only if the
 * snapshot layout does.
 */
export interface SnapshotDescriptor {
  readonly format: 1;
  readonly height: number;
  /** Hash of the snapshot's block (its state root is the snapshot's). */
  readonly blockHash: string;
  /** Non-empty chunks to fetch. */
  readonly chunks: number;
  /** State entries in the snapshot. */
  readonly entries: number;
  /** Bytes of all chunks. */
  readonly bytes: number;
}

const HEX32 = /^[0-9a-f]{64}$/;

export function encodeDescriptor(d: SnapshotDescriptor): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(d));
}

/** The descriptor, or a string saying what is wrong with it (a peer's bytes). */
export function decodeDescriptor(bytes: Uint8Array, height: number): SnapshotDescriptor | string {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch (e) {
    return `descriptor is not JSON: ${(e as Error).message}`;
  }
  if (typeof d !== "object" || d === null || Array.isArray(d)) return "descriptor is not an object";
  if (d.format !== 1) return `descriptor format ${JSON.stringify(d.format)} is not 1`;
  if (d.height !== height) return `descriptor height ${JSON.stringify(d.height)} differs from the offer's ${height}`;
  if (typeof d.blockHash !== "string" || !HEX32.test(d.blockHash)) return "descriptor blockHash is not 32 bytes of lowercase hex";
  for (const f of ["chunks", "entries", "bytes"] as const) {
    if (!Number.isSafeInteger(d[f]) || (d[f] as number) < 0) return `descriptor ${f} is not a non-negative integer`;
  }
  return { format: 1, height, blockHash: d.blockHash, chunks: d.chunks as number, entries: d.entries as number, bytes: d.bytes as number };
}

export function sameSnapshot(a: SnapshotDescriptor, b: SnapshotDescriptor): boolean {
  return a.height === b.height && bytesEqual(fromHex(a.blockHash), fromHex(b.blockHash));
}

