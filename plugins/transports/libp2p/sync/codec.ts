import { asArray, asBytes, asSafeUint, CodecError, decodeCanonical, encodeCanonical } from "../../../../runtime/codec/canonical.ts";
import { NetworkError } from "../errors.ts";

/**
 * Frames of /nexus/<chainId>/sync/1.0.0, each a canonical CBOR array inside a varint
 * length prefix. One request per stream:
 *
 *   client → [0]                       status request
 *   server ← [0, height, latestHash]
 *
 *   client → [1, from, count]          blocks request (count ≤ the server's max)
 *   server ← [1, height, block, commit] × n, heights from, from+1, … (n ≤ count)
 *   server ← [2]                       end of response
 *
 * A server may answer with fewer blocks than asked (its byte budget, or it lacks them);
 * the client asks the rest of someone else or again.
 */
const REQ_STATUS = 0;
const REQ_BLOCKS = 1;
const RES_STATUS = 0;
const RES_BLOCK = 1;
const RES_END = 2;

/** A request is a handful of small integers; anything bigger is garbage. */
export const MAX_REQUEST_BYTES = 64;
/** Hashes are 32 bytes today; allow an empty one for a node at height 0. */
const MAX_HASH_BYTES = 64;

export type SyncRequest = { readonly kind: "status" } | { readonly kind: "blocks"; readonly from: number; readonly count: number };

export type SyncResponse =
  | { readonly kind: "status"; readonly height: number; readonly hash: Uint8Array }
  | { readonly kind: "block"; readonly height: number; readonly block: Uint8Array; readonly commit: Uint8Array }
  | { readonly kind: "end" };

export function encodeRequest(r: SyncRequest): Uint8Array {
  return r.kind === "status" ? encodeCanonical([REQ_STATUS]) : encodeCanonical([REQ_BLOCKS, r.from, r.count]);
}

export function decodeRequest(bytes: Uint8Array, maxCount: number): SyncRequest {
  return guard(() => {
    if (bytes.length > MAX_REQUEST_BYTES) throw new CodecError(`request of ${bytes.length} bytes`);
    const a = asArray(decodeCanonical(bytes, "sync request"), "sync request", 1, 3);
    const kind = asSafeUint(a[0], "request kind");
    if (kind === REQ_STATUS && a.length === 1) return { kind: "status" };
    if (kind === REQ_BLOCKS && a.length === 3) {
      const from = asSafeUint(a[1], "from");
      const count = asSafeUint(a[2], "count");
      if (from < 1) throw new CodecError("from must be ≥ 1");
      if (count < 1 || count > maxCount) throw new CodecError(`count must be 1..${maxCount}, got ${count}`);
      return { kind: "blocks", from, count };
    }
    throw new CodecError(`unknown request kind ${kind} with ${a.length} fields`);
  });
}

export function encodeStatus(height: number, hash: Uint8Array): Uint8Array {
  return encodeCanonical([RES_STATUS, height, hash]);
}

export function encodeBlockFrame(height: number, block: Uint8Array, commit: Uint8Array): Uint8Array {
  return encodeCanonical([RES_BLOCK, height, block, commit]);
}

export const END_FRAME: Uint8Array = encodeCanonical([RES_END]);

export function decodeResponse(bytes: Uint8Array): SyncResponse {
  return guard(() => {
    const a = asArray(decodeCanonical(bytes, "sync response"), "sync response", 1, 4);
    const kind = asSafeUint(a[0], "response kind");
    if (kind === RES_STATUS && a.length === 3) {
      const hash = asBytes(a[2], "hash");
      if (hash.length > MAX_HASH_BYTES) throw new CodecError(`hash of ${hash.length} bytes`);
      return { kind: "status", height: asSafeUint(a[1], "height"), hash };
    }
    if (kind === RES_BLOCK && a.length === 4) {
      return { kind: "block", height: asSafeUint(a[1], "height"), block: asBytes(a[2], "block"), commit: asBytes(a[3], "commit") };
    }
    if (kind === RES_END && a.length === 1) return { kind: "end" };
    throw new CodecError(`unknown response kind ${kind} with ${a.length} fields`);
  });
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CodecError) throw new NetworkError("NET_SYNC_BAD_FRAME", e.message);
    throw e;
  }
}
