import type { Connection, Libp2p, Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { isSnapshotHeight, MAX_SNAPSHOT_OFFER_BYTES, MAX_SNAPSHOT_OFFERS, MAX_SNAPSHOT_PART_BYTES, type SnapshotOffer, type SnapshotSource } from "../../../../runtime/p2p/transport.ts";
import { isBadFrame } from "../errors.ts";
import type { PeerScorer } from "../scorer.ts";
import { ABSENT_FRAME, BUSY_FRAME, decodeSnapshotRequest, encodeOffers, encodePart, MAX_SNAPSHOT_REQUEST_BYTES } from "./codec.ts";
import type { SnapshotOptions, SnapshotServerStats } from "./types.ts";

/** Which deadline passed: the peer's (no request, answer not read) or our source's. */
class Deadline extends Error {
  constructor(readonly phase: "request" | "source" | "answer") {
    super(phase === "request" ? "no request within the deadline" : phase === "source" ? "the snapshot source did not answer in time" : "answer not read within the deadline");
    this.name = "SnapshotDeadline";
  }
}

/**
 * Serves snapshot offers and parts from a SnapshotSource (codec.ts has the wire format).
 * Bounded: streams per connection (libp2p), a deadline for the request frame, one for the
 * whole answer (source read, write, close) after which the stream is aborted and its bytes
 * freed, and a node-wide number of parts in flight past which a request is answered "busy".
 * A malformed or oversized request costs its sender (syncBadFrame) and never reaches the source.
 * Every failure ends only that stream.
 */
export class SnapshotServer {
  source: SnapshotSource | undefined;
  readonly stats: SnapshotServerStats = { requests: 0, offersServed: 0, partsServed: 0, partsAbsent: 0, busy: 0, badRequests: 0, answerTimeouts: 0, partsInFlight: 0 };

  constructor(
    private readonly protocol: string,
    private readonly o: SnapshotOptions,
    private readonly scorer: PeerScorer,
    private readonly log: Logger | undefined,
  ) {}

  async start(libp2p: Libp2p): Promise<void> {
    await libp2p.handle(this.protocol, (stream, connection) => this.serve(stream, connection), {
      maxInboundStreams: this.o.maxInboundStreams,
      maxOutboundStreams: this.o.maxOutboundStreams,
    });
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    // Requests are tiny: a flood or an absurd length prefix is cut off at once.
    const lp = lpStream(stream, { maxDataLength: MAX_SNAPSHOT_REQUEST_BYTES, maxBufferSize: 4 * MAX_SNAPSHOT_REQUEST_BYTES });
    let slot = false;
    let phase: Deadline["phase"] = "request";
    try {
      const readSignal = AbortSignal.timeout(this.o.serverReadTimeoutMs);
      const frame = await lp.read({ signal: readSignal }).catch((e: Error) => {
        throw readSignal.aborted ? new Deadline("request") : e;
      });
      const req = decodeSnapshotRequest(frame.subarray());
      this.stats.requests++;
      const signal = AbortSignal.timeout(this.o.answerTimeoutMs);
      const src = this.source;
      let answer: Uint8Array;
      // Counted once the answer is written.
      let counter: "offersServed" | "partsServed" | "partsAbsent" | "busy";
      if (req.kind === "offers") {
        answer = encodeOffers(src ? this.boundedOffers(src) : []);
        counter = "offersServed";
      } else if (!src) {
        answer = ABSENT_FRAME;
        counter = "partsAbsent";
      } else if (this.stats.partsInFlight >= this.o.maxConcurrentParts) {
        answer = BUSY_FRAME;
        counter = "busy";
      } else {
        slot = true;
        this.stats.partsInFlight++;
        phase = "source";
        const bytes = await raceDeadline(Promise.resolve(src.part(req.height, req.name)), signal, "source");
        if (bytes !== undefined && !(bytes instanceof Uint8Array)) throw new Error(`snapshot source returned ${typeof bytes} for part ${req.name}`);
        if (bytes && bytes.length > MAX_SNAPSHOT_PART_BYTES) {
          this.log?.warn({ height: req.height, name: req.name, bytes: bytes.length }, "snapshot: part exceeds MAX_SNAPSHOT_PART_BYTES; not serving it");
        }
        if (bytes && bytes.length <= MAX_SNAPSHOT_PART_BYTES) {
          answer = encodePart(bytes);
          counter = "partsServed";
        } else {
          answer = ABSENT_FRAME;
          counter = "partsAbsent";
        }
      }
      phase = "answer";
      await raceDeadline(
        (async () => {
          await lp.write(answer, { signal });
          await stream.close({ signal });
        })(),
        signal,
        "answer",
      );
      this.stats[counter]++;
    } catch (e) {
      const err = (e instanceof Error ? e : new Error(String(e))) as Error;
      if (isBadFrame(err)) {
        // Garbage or an oversized request: the peer's fault.
        this.stats.badRequests++;
        this.scorer.penalize(peer, "syncBadFrame", `snapshot: ${err.message}`);
      } else if (err instanceof Deadline || ((err.name === "TimeoutError" || err.name === "AbortError") && phase !== "source")) {
        const d = err instanceof Deadline ? err.phase : phase;
        if (d === "answer") this.stats.answerTimeouts++;
        // Our own source being slow is nobody's fault but ours.
        if (d !== "source") this.scorer.penalize(peer, "syncTimeout", `snapshot: ${err.message}`);
        else this.log?.warn({ peer }, "snapshot: the source did not answer within answerTimeoutMs");
      } else if (phase === "source") {
        this.log?.warn({ peer, err: err.message }, "snapshot: the source failed");
      }
      this.log?.debug({ peer, err: err.message }, "snapshot: request failed");
      stream.abort(err);
    } finally {
      if (slot) this.stats.partsInFlight--;
    }
  }

  /** What the source offers within the protocol's bounds: malformed offers are left out (and logged), then the first MAX_SNAPSHOT_OFFERS. */
  private boundedOffers(src: SnapshotSource): SnapshotOffer[] {
    const out: SnapshotOffer[] = [];
    for (const o of src.offers()) {
      if (out.length === MAX_SNAPSHOT_OFFERS) break;
      if (!isSnapshotHeight(o.height) || !(o.descriptor instanceof Uint8Array) || o.descriptor.length > MAX_SNAPSHOT_OFFER_BYTES) {
        this.log?.warn({ height: o.height, bytes: o.descriptor?.length }, "snapshot: offer outside the protocol's bounds; not offering it");
        continue;
      }
      out.push(o);
    }
    return out;
  }
}

/** `p`, or a Deadline when `signal` fires first (the work behind `p` is left to finish or fail on its own). */
function raceDeadline<T>(p: Promise<T>, signal: AbortSignal, phase: Deadline["phase"]): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(new Deadline(phase));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Deadline(phase));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
