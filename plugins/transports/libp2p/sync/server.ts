import type { Libp2p, Stream, Connection } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { isBadFrame } from "../errors.ts";
import type { PeerScorer } from "../scorer.ts";
import { decodeRequest, encodeBlockFrame, encodeStatus, END_FRAME, MAX_REQUEST_BYTES } from "./codec.ts";
import { MAX_BLOCKS_PER_REQUEST, type BlockSource, type SyncOptions } from "./types.ts";

const EMPTY = new Uint8Array(0);

export interface SyncServerStats {
  requests: number;
  blocksServed: number;
  badRequests: number;
}

/** Serves status and block ranges from a BlockSource; every failure ends only that stream. */
export class SyncServer {
  source: BlockSource | undefined;
  readonly stats: SyncServerStats = { requests: 0, blocksServed: 0, badRequests: 0 };

  constructor(
    private readonly protocol: string,
    private readonly o: SyncOptions,
    private readonly scorer: PeerScorer,
    private readonly log: Logger | undefined,
  ) {}

  async start(libp2p: Libp2p): Promise<void> {
    await libp2p.handle(this.protocol, (stream, connection) => this.serve(stream, connection), {
      maxInboundStreams: this.o.maxInboundStreams,
      maxOutboundStreams: this.o.maxInFlight,
    });
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    // Small buffer: a request is a few bytes, so a flood is cut off at once.
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES, maxBufferSize: 4 * MAX_REQUEST_BYTES });
    try {
      const frame = await lp.read({ signal: AbortSignal.timeout(this.o.serverReadTimeoutMs) });
      const req = decodeRequest(frame.subarray(), MAX_BLOCKS_PER_REQUEST);
      this.stats.requests++;
      const signal = AbortSignal.timeout(this.o.requestTimeoutMs);
      const src = this.source;
      if (req.kind === "status") {
        await lp.write(encodeStatus(src?.height() ?? 0, src?.latestHash?.() ?? EMPTY), { signal });
      } else if (src) {
        let sent = 0;
        const last = Math.min(req.from + req.count - 1, src.height());
        for (let h = req.from; h <= last; h++) {
          const item = src.block(h);
          if (!item) break;
          const f = encodeBlockFrame(h, item.block, item.commit);
          // Always at least one block, so a block larger than the budget still syncs.
          if (sent > 0 && sent + f.length > this.o.maxResponseBytes) break;
          if (f.length > this.o.maxFrameBytes) {
            this.log?.warn({ height: h, bytes: f.length }, "sync: stored block exceeds maxFrameBytes; not serving it");
            break;
          }
          await lp.write(f, { signal });
          sent += f.length;
          this.stats.blocksServed++;
        }
      }
      if (req.kind === "blocks") await lp.write(END_FRAME, { signal });
      await stream.close({ signal });
    } catch (e) {
      const err = e as Error & { code?: string };
      // Garbage from the peer costs it; a peer that just went away or was slow does not.
      if (isBadFrame(err)) {
        this.stats.badRequests++;
        this.scorer.penalize(peer, "syncBadFrame", err.message);
      } else if (err.name === "TimeoutError" || err.name === "AbortError") {
        this.scorer.penalize(peer, "syncTimeout", "no request within the deadline");
      }
      this.log?.debug({ peer, err: err.message }, "sync: request failed");
      stream.abort(err);
    }
  }
}
