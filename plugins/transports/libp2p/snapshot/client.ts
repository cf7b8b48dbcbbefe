import type { Libp2p, PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { isSnapshotHeight, isSnapshotPartName, MAX_SNAPSHOT_PART_BYTES, MAX_SNAPSHOT_PART_NAME, TransportError, type SnapshotOffer } from "../../../../runtime/p2p/transport.ts";
import { NetworkError } from "../errors.ts";
import type { PeerScorer } from "../scorer.ts";
import { decodeOffers, decodePartAnswer, encodeSnapshotRequest, MAX_OFFERS_FRAME_BYTES, partFrameLimit, type SnapshotRequest } from "./codec.ts";

/** What went wrong with one request, and whether the serving peer is to blame. */
function fetchFailed(what: string, peer: string, reason: string, cause?: unknown): TransportError {
  return new TransportError("TRANSPORT_FETCH_FAILED", `snapshot ${what} from ${peer}: ${reason}`, { peer, what }, cause === undefined ? {} : { cause });
}

function describe(v: unknown): string {
  if (typeof v !== "string") return v === null ? "null" : typeof v;
  return v.length > 80 ? `${v.length} characters` : JSON.stringify(v);
}

/**
 * Asks one peer for its snapshot offers or one part over /nexus/<chainId>/snapshot/1.0.0.
 * Every failure rejects with TRANSPORT_FETCH_FAILED naming the peer and what was wrong; an
 * answer that breaks the protocol (malformed, over its bounds) also costs the peer
 * (syncBadFrame). A timeout, a "busy" answer or an answer over the caller's own maxBytes
 * costs nothing: the peer could not know.
 */
export class SnapshotClient {
  constructor(
    private readonly libp2p: Libp2p,
    private readonly protocol: string,
    private readonly scorer: PeerScorer,
    private readonly log: Logger | undefined,
  ) {}

  async offers(peer: string, timeoutMs: number): Promise<SnapshotOffer[]> {
    return this.request(peer, "offers", { kind: "offers" }, timeoutMs, MAX_OFFERS_FRAME_BYTES, (f) => decodeOffers(f));
  }

  async part(peer: string, height: number, name: string, timeoutMs: number, maxBytes = MAX_SNAPSHOT_PART_BYTES): Promise<Uint8Array | undefined> {
    const what = `part ${height}/${isSnapshotPartName(name) ? name : "?"}`;
    if (!isSnapshotHeight(height)) throw fetchFailed(what, peer, `height must be a non-negative safe integer, got ${String(height)}`);
    if (!isSnapshotPartName(name)) {
      throw fetchFailed(what, peer, `part name must be 1..${MAX_SNAPSHOT_PART_NAME} characters of [A-Za-z0-9/_.-], got ${describe(name as unknown)}`);
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw fetchFailed(what, peer, `maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    // Above the protocol's bound nothing legitimate arrives: the frame limit never exceeds it.
    const limit = Math.min(maxBytes, MAX_SNAPSHOT_PART_BYTES);
    const answer = await this.request(peer, what, { kind: "part", height, name }, timeoutMs, partFrameLimit(limit), (f) => decodePartAnswer(f, limit), limit < MAX_SNAPSHOT_PART_BYTES ? limit : undefined);
    if (answer.kind === "busy") throw fetchFailed(what, peer, "the peer is busy serving other parts");
    return answer.kind === "part" ? answer.bytes : undefined;
  }

  /**
   * One request on a fresh stream, its answer one frame of at most `maxFrame` bytes.
   * `callersLimit`: the caller's maxBytes when below the protocol's bound; an answer over it is
   * refused but is not the peer's fault (it could not know).
   */
  private async request<T>(peer: string, what: string, req: SnapshotRequest, timeoutMs: number, maxFrame: number, decode: (frame: Uint8Array) => T, callersLimit?: number): Promise<T> {
    let id: PeerId;
    try {
      id = peerIdFromString(peer);
    } catch (e) {
      throw fetchFailed(what, peer, "not a peer id", e);
    }
    if (this.libp2p.getConnections(id).length === 0) throw fetchFailed(what, peer, "not connected");
    if (!(timeoutMs > 0)) throw fetchFailed(what, peer, `timeoutMs must be positive, got ${String(timeoutMs)}`);
    const signal = AbortSignal.timeout(timeoutMs);
    let stream;
    try {
      stream = await this.libp2p.dialProtocol(id, this.protocol, { signal });
    } catch (e) {
      const reason = signal.aborted ? `no stream within ${timeoutMs} ms` : `cannot open a stream: ${(e as Error).message}`;
      throw fetchFailed(what, peer, reason, e);
    }
    // The answer is one frame: the buffer holds it and its length prefix, nothing more.
    const lp = lpStream(stream, { maxDataLength: maxFrame, maxBufferSize: maxFrame + 16 });
    try {
      await lp.write(encodeSnapshotRequest(req), { signal });
      const frame = (await lp.read({ signal })).subarray();
      const out = decode(frame);
      await stream.close({ signal }).catch(() => undefined);
      return out;
    } catch (e) {
      stream.abort(e as Error);
      const err = e as Error;
      if (signal.aborted) throw fetchFailed(what, peer, `no complete answer within ${timeoutMs} ms`, e);
      const tooBig = /^InvalidDataLength(Length)?Error$|^StreamBufferError$/.test(err.name) || /more than the \d+ asked for/.test(err.message);
      // A frame cut short by the peer closing its end is a protocol violation, as in block sync.
      const truncated = /UnexpectedEOF/.test(err.name);
      if (err instanceof NetworkError || tooBig || truncated || err.name === "InvalidMessageLengthError") {
        // Over the caller's own limit (below the protocol's) is not the peer's fault: it could not know.
        const blameless = tooBig && callersLimit !== undefined;
        if (!blameless) {
          this.scorer.penalize(peer, "syncBadFrame", `snapshot ${what} answer: ${err.message}`);
          this.log?.info({ peer, err: err.message }, "snapshot: peer sent a bad answer");
        }
        let reason = `malformed answer: ${err.message}`;
        if (truncated) reason = `the stream ended before a complete answer: ${err.message}`;
        else if (tooBig) reason = callersLimit !== undefined ? `answer over maxBytes ${callersLimit}: ${err.message}` : `answer over the protocol's bounds: ${err.message}`;
        throw fetchFailed(what, peer, reason, e);
      }
      throw fetchFailed(what, peer, err.message, e);
    }
  }
}
