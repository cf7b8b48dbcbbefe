import { asArray, asBytes, asSafeUint, CodecError, decodeCanonical, encodeCanonical } from "../../../../runtime/codec/canonical.ts";
import { readArrayHead, readBytes, readUint } from "../../../../runtime/codec/byte-arrays.ts";
import {
  isSnapshotPartName,
  MAX_SNAPSHOT_OFFER_BYTES,
  MAX_SNAPSHOT_OFFERS,
  MAX_SNAPSHOT_PART_BYTES,
  MAX_SNAPSHOT_PART_NAME,
  type SnapshotOffer,
} from "../../../../runtime/p2p/transport.ts";
import { NetworkError } from "../errors.ts";

/**
 * Frames of /nexus/<chainId>/snapshot/1.0.0 (state sync), each a canonical CBOR array inside
 * a varint length prefix. One request per stream:
 *
 *   client → [0]                                 offers request
 *   server ← [0, [[height, descriptor], ...]]    ≤ MAX_SNAPSHOT_OFFERS, descriptors ≤ MAX_SNAPSHOT_OFFER_BYTES
 *
 *   client → [1, height, name]                   part request: height a safe uint, name a text
 *                                                string of 1..MAX_SNAPSHOT_PART_NAME [A-Za-z0-9/_.-]
 *   server ← [1, bytes]                          the part (≤ MAX_SNAPSHOT_PART_BYTES)
 *   server ← [2]                                 this server does not have it
 *   server ← [3]                                 busy: too many parts being served; ask later or elsewhere
 *
 * Numbers are part of the protocol: never renumber, only append. A request is under 100
 * bytes, so the server reads requests with a tiny frame limit; only a client reading a part
 * answer allows a frame of MAX_SNAPSHOT_PART_BYTES plus PART_FRAME_OVERHEAD.
 */
const REQ_OFFERS = 0;
const REQ_PART = 1;
const RES_OFFERS = 0;
const RES_PART = 1;
const RES_ABSENT = 2;
const RES_BUSY = 3;

/** [1, height (≤ 9 bytes), name (≤ 2 + MAX_SNAPSHOT_PART_NAME bytes)] fits easily. */
export const MAX_SNAPSHOT_REQUEST_BYTES = 96;
/** CBOR heads around a part: array(1) + kind(1) + byte-string head (≤ 5 for 16 MiB). */
export const PART_FRAME_OVERHEAD = 16;
/** An offers answer at the protocol's bounds: each offer is an array head, a height and a byte string head more. */
export const MAX_OFFERS_FRAME_BYTES = MAX_SNAPSHOT_OFFERS * (MAX_SNAPSHOT_OFFER_BYTES + 16) + 16;

export type SnapshotRequest = { readonly kind: "offers" } | { readonly kind: "part"; readonly height: number; readonly name: string };

export type PartAnswer = { readonly kind: "part"; readonly bytes: Uint8Array } | { readonly kind: "absent" } | { readonly kind: "busy" };

export function encodeSnapshotRequest(r: SnapshotRequest): Uint8Array {
  return r.kind === "offers" ? encodeCanonical([REQ_OFFERS]) : encodeCanonical([REQ_PART, r.height, r.name]);
}

/** A request frame, or NET_SYNC_BAD_FRAME (the server penalises its sender). */
export function decodeSnapshotRequest(bytes: Uint8Array): SnapshotRequest {
  return guard(() => {
    if (bytes.length > MAX_SNAPSHOT_REQUEST_BYTES) throw new CodecError(`snapshot request of ${bytes.length} bytes`);
    const a = asArray(decodeCanonical(bytes, "snapshot request"), "snapshot request", 1, 3);
    const kind = asSafeUint(a[0], "request kind");
    if (kind === REQ_OFFERS && a.length === 1) return { kind: "offers" };
    if (kind === REQ_PART && a.length === 3) {
      const height = asSafeUint(a[1], "height");
      const name = a[2];
      if (!isSnapshotPartName(name)) {
        throw new CodecError(`part name must be 1..${MAX_SNAPSHOT_PART_NAME} characters of [A-Za-z0-9/_.-], got ${describeName(name)}`);
      }
      return { kind: "part", height, name };
    }
    throw new CodecError(`unknown snapshot request kind ${kind} with ${a.length} fields`);
  });
}

export function encodeOffers(offers: readonly SnapshotOffer[]): Uint8Array {
  return encodeCanonical([RES_OFFERS, offers.map((o) => [o.height, o.descriptor])]);
}

/** An offers answer within the protocol's bounds (descriptors are copies), or NET_SYNC_BAD_FRAME. */
export function decodeOffers(bytes: Uint8Array): SnapshotOffer[] {
  return guard(() => {
    if (bytes.length > MAX_OFFERS_FRAME_BYTES) throw new CodecError(`offers answer of ${bytes.length} bytes`);
    const a = asArray(decodeCanonical(bytes, "offers answer"), "offers answer", 2, 2);
    if (asSafeUint(a[0], "answer kind") !== RES_OFFERS) throw new CodecError(`answer kind ${String(a[0])} to an offers request`);
    const list = asArray(a[1], "offers", 0, MAX_SNAPSHOT_OFFERS);
    return list.map((item, i) => {
      const o = asArray(item, `offer ${i}`, 2, 2);
      const height = asSafeUint(o[0], `offer ${i} height`);
      const descriptor = asBytes(o[1], `offer ${i} descriptor`);
      if (descriptor.length > MAX_SNAPSHOT_OFFER_BYTES) throw new CodecError(`offer ${i} descriptor of ${descriptor.length} bytes, the limit is ${MAX_SNAPSHOT_OFFER_BYTES}`);
      return { height, descriptor };
    });
  });
}

/** A part answer; the bytes are copied into the frame (one encode). */
export function encodePart(bytes: Uint8Array): Uint8Array {
  return encodeCanonical([RES_PART, bytes]);
}

export const ABSENT_FRAME: Uint8Array = encodeCanonical([RES_ABSENT]);
export const BUSY_FRAME: Uint8Array = encodeCanonical([RES_BUSY]);

/**
 * A part answer of at most `maxBytes` part bytes, or NET_SYNC_BAD_FRAME. Read with the fast
 * byte reader (a part may be 16 MiB: no token per byte, one copy); the bytes returned are a copy.
 */
export function decodePartAnswer(frame: Uint8Array, maxBytes: number): PartAnswer {
  const top = readArrayHead(frame, 0, 1, 2);
  const kind = top && readUint(frame, top.next);
  if (top && kind && top.length === 1 && kind.next === frame.length) {
    if (kind.value === RES_ABSENT) return { kind: "absent" };
    if (kind.value === RES_BUSY) return { kind: "busy" };
  }
  if (top && kind && top.length === 2 && kind.value === RES_PART) {
    const b = readBytes(frame, kind.next);
    if (b && b.next === frame.length) {
      if (b.bytes.length > maxBytes) throw new NetworkError("NET_SYNC_BAD_FRAME", `part of ${b.bytes.length} bytes, more than the ${maxBytes} asked for`, { bytes: b.bytes.length, maxBytes });
      return { kind: "part", bytes: b.bytes.slice() };
    }
  }
  throw new NetworkError("NET_SYNC_BAD_FRAME", `malformed part answer (${frame.length} bytes)`);
}

/** What a client allows for one part answer frame: never more than the protocol's bound. */
export function partFrameLimit(maxBytes: number): number {
  return Math.min(maxBytes, MAX_SNAPSHOT_PART_BYTES) + PART_FRAME_OVERHEAD;
}

function describeName(v: unknown): string {
  if (typeof v === "string") return v.length > MAX_SNAPSHOT_PART_NAME ? `${v.length} characters` : JSON.stringify(v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return v === null ? "null" : typeof v;
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CodecError) throw new NetworkError("NET_SYNC_BAD_FRAME", e.message);
    throw e;
  }
}
