import type { Libp2p, PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { lpStream } from "@libp2p/utils";
import type { Logger } from "pino";
import { NetworkError } from "../errors.ts";
import type { PenaltyKind, PeerScorer } from "../scorer.ts";
import { decodeResponse, encodeRequest } from "./codec.ts";
import type { PeerStatus, SyncedBlock, SyncHooks, SyncOptions, SyncProgress, SyncResult } from "./types.ts";

type Fault = { kind: PenaltyKind; reason: string };

/** A peer's answer was wrong in a way that is its fault (as opposed to our abort). */
class PeerFault extends Error {
  constructor(readonly fault: Fault) {
    super(fault.reason);
  }
}

export interface SyncRunOptions {
  readonly onProgress?: (p: SyncProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Fetches block ranges from peers over /nexus/<chainId>/sync/1.0.0 and hands them, in height
 * order, to the node's verifier. Up to maxInFlight ranges are fetched at once from different
 * peers; a peer that sends a bad frame, times out or serves a block that fails verification
 * is penalised and left out of the rest of the sync, and its range is asked of another peer.
 */
export class SyncClient {
  constructor(
    private readonly libp2p: Libp2p,
    private readonly protocol: string,
    private readonly o: SyncOptions,
    private readonly scorer: PeerScorer,
    private readonly log: Logger | undefined,
  ) {}

  /** Ask one peer for its status. Throws PeerFault for protocol violations. */
  async status(peer: PeerId, signal?: AbortSignal): Promise<PeerStatus> {
    const frames = await this.request(peer, encodeRequest({ kind: "status" }), 1, signal);
    const r = frames[0];
    if (!r || r.kind !== "status") throw new PeerFault({ kind: "syncBadFrame", reason: "expected a status frame" });
    return { peer: peer.toString(), height: r.height, hash: r.hash };
  }

  /** Statuses of all connected peers that speak the sync protocol; failures are penalised. */
  async statuses(exclude: ReadonlySet<string>, signal?: AbortSignal): Promise<PeerStatus[]> {
    const peers = this.libp2p.getPeers().filter((p) => !exclude.has(p.toString()) && !this.scorer.isBanned(p.toString()));
    const out = await Promise.all(
      peers.map(async (p) => {
        try {
          return await this.status(p, signal);
        } catch (e) {
          this.blame(p.toString(), e);
          return undefined;
        }
      }),
    );
    return out.filter((s): s is PeerStatus => s !== undefined);
  }

  async blocks(peer: PeerId, from: number, count: number, signal?: AbortSignal): Promise<SyncedBlock[]> {
    const frames = await this.request(peer, encodeRequest({ kind: "blocks", from, count }), count + 1, signal);
    const out: SyncedBlock[] = [];
    const id = peer.toString();
    for (const [i, f] of frames.entries()) {
      if (f.kind === "end") {
        if (i !== frames.length - 1) throw new PeerFault({ kind: "syncBadFrame", reason: "frames after the end frame" });
        return out;
      }
      if (f.kind !== "block") throw new PeerFault({ kind: "syncBadFrame", reason: "status frame in a blocks response" });
      if (f.height !== from + i) throw new PeerFault({ kind: "syncBadFrame", reason: `served height ${f.height} where ${from + i} was due` });
      out.push({ height: f.height, block: f.block, commit: f.commit, peer: id });
    }
    throw new PeerFault({ kind: "syncBadFrame", reason: "response without an end frame" });
  }

  /** One request on a fresh stream; reads at most maxFrames frames, the last must close the response. */
  private async request(peer: PeerId, req: Uint8Array, maxFrames: number, outer?: AbortSignal): Promise<ReturnType<typeof decodeResponse>[]> {
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    const stream = await this.libp2p.dialProtocol(peer, this.protocol, { signal });
    const lp = lpStream(stream, { maxDataLength: this.o.maxFrameBytes, maxBufferSize: this.o.maxResponseBytes + this.o.maxFrameBytes });
    const frames: ReturnType<typeof decodeResponse>[] = [];
    try {
      await lp.write(req, { signal });
      while (frames.length < maxFrames) {
        const f = decodeResponse((await lp.read({ signal })).subarray());
        frames.push(f);
        if (f.kind !== "block") break;
      }
      if (frames.at(-1)?.kind === "block") throw new PeerFault({ kind: "syncBadFrame", reason: `more than ${maxFrames - 1} blocks in a response` });
      await stream.close({ signal }).catch(() => undefined);
      return frames;
    } catch (e) {
      stream.abort(e as Error);
      if (outer?.aborted) throw new NetworkError("NET_SYNC_ABORTED", "sync aborted");
      if (timeout.aborted) throw new PeerFault({ kind: "syncTimeout", reason: `no complete answer within ${this.o.requestTimeoutMs} ms` });
      const err = e as Error;
      if (e instanceof PeerFault) throw e;
      if (e instanceof NetworkError || /Invalid(Data|Message)Length|StreamBuffer|UnexpectedEOF/.test(err.name)) {
        throw new PeerFault({ kind: "syncBadFrame", reason: err.message });
      }
      throw e;
    }
  }

  /** Penalise a peer for an error that is its fault; returns the reason, or undefined if not its fault. */
  private blame(peer: string, e: unknown): string | undefined {
    if (e instanceof PeerFault) {
      this.scorer.penalize(peer, e.fault.kind, e.fault.reason);
      this.log?.info({ peer, reason: e.fault.reason }, "sync: peer misbehaved");
      return e.fault.reason;
    }
    if (e instanceof NetworkError && e.code === "NET_SYNC_ABORTED") throw e;
    // Dial or protocol-negotiation failures: the peer may not serve sync; no penalty.
    this.log?.debug({ peer, err: (e as Error).message }, "sync: request failed");
    return (e as Error).message;
  }

  /**
   * Sync up to `target` (default: the highest height any peer reports). Resolves when the
   * local height reaches the goal; rejects with NET_SYNC_NO_PEERS when no usable peer is left.
   */
  async syncTo(hooks: SyncHooks, target: number | undefined, run: SyncRunOptions = {}): Promise<SyncResult> {
    const started = Date.now();
    const dropped: Array<{ peer: string; reason: string }> = [];
    const excluded = new Set<string>();
    let statuses: PeerStatus[] = [];
    let applied = 0;
    let rr = 0;
    const drop = (peer: string, reason: string): void => {
      if (excluded.has(peer)) return;
      excluded.add(peer);
      dropped.push({ peer, reason });
    };
    const eligible = (): PeerStatus[] => statuses.filter((s) => !excluded.has(s.peer) && !this.scorer.isBanned(s.peer));
    const refresh = async (): Promise<void> => {
      statuses = await this.statuses(excluded, run.signal);
    };
    const goal = (): number => target ?? Math.max(0, ...eligible().map((s) => s.height));
    const progress = (): SyncProgress => {
      const elapsedMs = Date.now() - started;
      return { height: hooks.localHeight(), target: goal(), applied, elapsedMs, blocksPerSecond: elapsedMs > 0 ? (applied * 1000) / elapsedMs : 0 };
    };

    await refresh();
    let refreshed = true;
    // A sliding window of range requests: up to maxInFlight ranges are out while blocks of the
    // oldest are applied, so fetching never waits for applying (nor applying for a round trip).
    type Pending = { from: number; count: number; peer: PeerStatus; result: Promise<{ items: SyncedBlock[]; error: unknown }> };
    let window: Pending[] = [];
    let nextFrom = hooks.localHeight() + 1;
    let windowAbort = new AbortController();
    const restart = (): void => {
      // Requests still in flight are cancelled (their streams closed, not left to count
      // against the peer's stream limit): planning starts again from our height.
      windowAbort.abort();
      windowAbort = new AbortController();
      window = [];
      nextFrom = hooks.localHeight() + 1;
    };
    try {
      for (;;) {
        if (run.signal?.aborted) throw new NetworkError("NET_SYNC_ABORTED", "sync aborted");
        const next = hooks.localHeight() + 1;
        const end = goal();
        if (next > end) break;
        if (nextFrom < next) restart();
        const peers = eligible().filter((s) => s.height >= next);
        if (peers.length === 0) {
          // Peers may have connected or advanced since the last look: ask once more before giving up.
          if (!refreshed) {
            await refresh();
            refreshed = true;
            continue;
          }
          if (target === undefined && applied > 0) break;
          throw new NetworkError("NET_SYNC_NO_PEERS", `no peer can serve height ${next} (target ${end}); ${dropped.length} peer(s) dropped`, { dropped });
        }
        refreshed = false;

        // Keep the window full: consecutive ranges, round-robin over peers that have them.
        while (window.length < this.o.maxInFlight && nextFrom <= end) {
          const candidates = peers.filter((s) => s.height >= nextFrom);
          if (candidates.length === 0) break;
          const peer = candidates[rr++ % candidates.length]!;
          const count = Math.min(this.o.batchSize, end - nextFrom + 1, peer.height - nextFrom + 1);
          const signal = run.signal ? AbortSignal.any([run.signal, windowAbort.signal]) : windowAbort.signal;
          const result = this.blocks(peerIdFromString(peer.peer), nextFrom, count, signal).then(
            (items) => {
              // Let the node start work that does not need the previous block (decoding, signatures).
              try {
                hooks.prefetch?.(items);
              } catch {
                // advisory only: the block is verified in full when applied
              }
              return { items, error: undefined as unknown };
            },
            (error: unknown) => ({ items: [] as SyncedBlock[], error }),
          );
          window.push({ from: nextFrom, count, peer, result });
          nextFrom += count;
        }
        const p = window.shift();
        if (!p) {
          restart();
          continue;
        }
        const r = await p.result;
        if (r.error !== undefined) {
          if (run.signal?.aborted) throw new NetworkError("NET_SYNC_ABORTED", "sync aborted");
          drop(p.peer.peer, this.blame(p.peer.peer, r.error) ?? "request failed");
          restart();
          continue;
        }
        if (r.items.length === 0) {
          // It claimed the height in its status and then served nothing.
          this.scorer.penalize(p.peer.peer, "syncBadFrame", `served no blocks from ${p.from}`);
          drop(p.peer.peer, `served no blocks from ${p.from}`);
          restart();
          continue;
        }
        let bad = false;
        for (const item of r.items) {
          // Committed meanwhile (consensus or an announcement): nothing to apply.
          if (item.height < hooks.localHeight() + 1) continue;
          let verdict;
          try {
            verdict = await hooks.verifyAndApply(item);
          } catch (e) {
            throw new NetworkError("NET_SYNC_APPLY_FAILED", `applying block ${item.height} failed locally: ${(e as Error).message}`, { height: item.height });
          }
          if (!verdict.ok) {
            const reason = `block ${item.height} failed verification: ${verdict.reason}`;
            this.scorer.penalize(item.peer, "syncInvalidBlock", reason);
            drop(item.peer, reason);
            bad = true;
            break;
          }
          applied++;
        }
        run.onProgress?.(progress());
        if (bad || r.items.length < p.count) restart();
      }
    } finally {
      windowAbort.abort();
    }
    const pr = progress();
    return { height: pr.height, target: target ?? pr.height, applied, elapsedMs: pr.elapsedMs, blocksPerSecond: pr.blocksPerSecond, dropped };
  }
}
