import type { Libp2p, Stream, Connection } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { CodecError, encodeCanonical } from "../../../runtime/codec/canonical.ts";
import { readArrayHead, readBytesArray, readUint } from "../../../runtime/codec/byte-arrays.ts";
import { MAX_FETCH_HASHES, MAX_FETCH_RESPONSE_BYTES, type TxSource } from "../../../runtime/p2p/transport.ts";
import { NetworkError } from "./errors.ts";
import type { PeerScorer } from "./scorer.ts";

/**
 * /nexus/<chainId>/txs/1.0.0: transactions by hash, for validators rebuilding a compact
 * proposal. One request per stream, frames length-prefixed (varint), canonical CBOR:
 *
 *   client → [0, [hash, ...]]          1..MAX_FETCH_HASHES hashes of 32 bytes
 *   server ← [0, [tx | h'', ...]]      same count and order; empty where the server lacks the
 *                                      transaction or past MAX_FETCH_RESPONSE_BYTES
 *
 * 0 is the format number (a new format gets a new number). The server never checks what it
 * serves against the hash (its source is keyed by hash); the client's caller does, and a
 * peer whose bytes contradict a hash is penalised as a liar.
 */
const FORMAT = 0;
const HASH_BYTES = 32;
/** Each hash costs 34 bytes in CBOR; the rest is heads. */
export const MAX_FETCH_REQUEST_BYTES = MAX_FETCH_HASHES * (HASH_BYTES + 2) + 16;
/** The budget plus one transaction past it (the server always sends at least one) and heads. */
const MAX_FETCH_FRAME_BYTES = MAX_FETCH_RESPONSE_BYTES + 256 * 1024;
const EMPTY = new Uint8Array(0);

export function encodeTxRequest(hashes: readonly Uint8Array[]): Uint8Array {
  return encodeCanonical([FORMAT, hashes]);
}

export function encodeTxResponse(txs: readonly (Uint8Array | undefined)[]): Uint8Array {
  return encodeCanonical([FORMAT, txs.map((t) => t ?? EMPTY)]);
}

/** [0, [bytes, ...]] with 0..max items; throws NET_TXFETCH_BAD_FRAME otherwise. */
function decodeList(b: Uint8Array, max: number, what: string): Uint8Array[] {
  const top = readArrayHead(b, 0, 2, 2);
  const format = top && readUint(b, top.next);
  const list = format && format.value === FORMAT ? readBytesArray(b, format.next) : undefined;
  if (!list || list.next !== b.length) throw new NetworkError("NET_TXFETCH_BAD_FRAME", `malformed ${what}`);
  if (list.items.length > max) throw new NetworkError("NET_TXFETCH_BAD_FRAME", `${what} of ${list.items.length} items, the limit is ${max}`);
  return list.items;
}

export function decodeTxRequest(b: Uint8Array): Uint8Array[] {
  if (b.length > MAX_FETCH_REQUEST_BYTES) throw new NetworkError("NET_TXFETCH_BAD_FRAME", `request of ${b.length} bytes`);
  const hashes = decodeList(b, MAX_FETCH_HASHES, "tx request");
  if (hashes.length === 0 || hashes.some((h) => h.length !== HASH_BYTES)) throw new NetworkError("NET_TXFETCH_BAD_FRAME", "a tx request needs 1.. hashes of 32 bytes");
  return hashes;
}

export function decodeTxResponse(b: Uint8Array, expected: number): (Uint8Array | undefined)[] {
  const txs = decodeList(b, expected, "tx response");
  if (txs.length !== expected) throw new NetworkError("NET_TXFETCH_BAD_FRAME", `${txs.length} answers to ${expected} hashes`);
  // Copies: the caller keeps transactions long after the frame's buffer is gone.
  return txs.map((t) => (t.length ? t.slice() : undefined));
}

export interface TxFetchStats {
  requests: number;
  txsServed: number;
  badRequests: number;
}

/** Server and client of the protocol; every failure ends only that stream. */
export class TxFetchService {
  source: TxSource | undefined;
  readonly stats: TxFetchStats = { requests: 0, txsServed: 0, badRequests: 0 };

  constructor(
    private readonly libp2p: Libp2p,
    private readonly protocol: string,
    private readonly scorer: PeerScorer,
    private readonly log: Logger | undefined,
    private readonly serverReadTimeoutMs = 5_000,
  ) {}

  async start(): Promise<void> {
    await this.libp2p.handle(this.protocol, (stream, connection) => this.serve(stream, connection), { maxInboundStreams: 16, maxOutboundStreams: 16 });
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const lp = lpStream(stream, { maxDataLength: MAX_FETCH_REQUEST_BYTES, maxBufferSize: 2 * MAX_FETCH_REQUEST_BYTES });
    try {
      const hashes = decodeTxRequest((await lp.read({ signal: AbortSignal.timeout(this.serverReadTimeoutMs) })).subarray());
      this.stats.requests++;
      let bytes = 0;
      const txs = hashes.map((h) => {
        if (bytes >= MAX_FETCH_RESPONSE_BYTES) return undefined;
        const t = this.source?.tx(h);
        if (t) {
          bytes += t.length;
          this.stats.txsServed++;
        }
        return t;
      });
      const signal = AbortSignal.timeout(this.serverReadTimeoutMs);
      await lp.write(encodeTxResponse(txs), { signal });
      await stream.close({ signal });
    } catch (e) {
      const err = e as Error;
      if (err instanceof NetworkError || /Invalid(Data|Message)Length|StreamBuffer/.test(err.name)) {
        this.stats.badRequests++;
        this.scorer.penalize(peer, "syncBadFrame", `tx fetch: ${err.message}`);
      } else if (err.name === "TimeoutError" || err.name === "AbortError") {
        this.scorer.penalize(peer, "syncTimeout", "tx fetch: no request within the deadline");
      }
      this.log?.debug({ peer, err: err.message }, "tx fetch: serving failed");
      stream.abort(err);
    }
  }

  /** Ask `peer` for transactions; a malformed answer costs it. Rejects on timeout (no penalty: it may be busy). */
  async fetch(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    if (hashes.length === 0) return [];
    if (hashes.length > MAX_FETCH_HASHES) throw new CodecError(`at most ${MAX_FETCH_HASHES} hashes per request`);
    const signal = AbortSignal.timeout(timeoutMs);
    const stream = await this.libp2p.dialProtocol(peerIdFromString(peer), this.protocol, { signal });
    const lp = lpStream(stream, { maxDataLength: MAX_FETCH_FRAME_BYTES, maxBufferSize: MAX_FETCH_FRAME_BYTES });
    try {
      await lp.write(encodeTxRequest(hashes), { signal });
      const txs = decodeTxResponse((await lp.read({ signal })).subarray(), hashes.length);
      await stream.close({ signal }).catch(() => undefined);
      return txs;
    } catch (e) {
      stream.abort(e as Error);
      const err = e as Error;
      if (!signal.aborted && (err instanceof NetworkError || /Invalid(Data|Message)Length|StreamBuffer/.test(err.name))) {
        this.scorer.penalize(peer, "syncBadFrame", `tx fetch answer: ${err.message}`);
      }
      throw e;
    }
  }
}
