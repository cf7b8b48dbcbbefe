/**
 * Application-level peer score: penalties for misbehaviour we detect ourselves (rejected
 * gossip, bad sync frames, blocks that fail verification). The score is ≤ 0, recovers
 * linearly over time, and at or below the ban threshold the peer is disconnected and
 * refused for `banMs`. Gossipsub's own score sees it through appSpecificScore, so a peer
 * on its way to a ban is graylisted by the router first.
 */
export interface ScoringOptions {
  /** Penalty for a gossip message our validator rejected. */
  readonly gossipReject: number;
  /** Penalty for a malformed, oversized or out-of-order sync frame, or a protocol violation. */
  readonly syncBadFrame: number;
  /** Penalty for a sync request that timed out. */
  readonly syncTimeout: number;
  /** Penalty for a block or commit that failed verification (a lie: immediate ban by default). */
  readonly syncInvalidBlock: number;
  /** Penalty for a fetched transaction whose bytes do not hash to what was asked (a lie). */
  readonly fetchWrongBytes: number;
  /** Score at or below which the peer is disconnected and banned. */
  readonly banThreshold: number;
  readonly banMs: number;
  /** Points recovered per second. */
  readonly recoveryPerSecond: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  gossipReject: 10,
  syncBadFrame: 25,
  syncTimeout: 10,
  syncInvalidBlock: 100,
  fetchWrongBytes: 50,
  banThreshold: -100,
  banMs: 10 * 60_000,
  recoveryPerSecond: 0.5,
};

export type PenaltyKind = "gossipReject" | "syncBadFrame" | "syncTimeout" | "syncInvalidBlock" | "fetchWrongBytes";

interface Entry {
  score: number;
  at: number;
}

/** Bounded: at most `maxTracked` peers are remembered; the healthiest are forgotten first. */
export class PeerScorer {
  private readonly scores = new Map<string, Entry>();
  private readonly bans = new Map<string, number>();
  bansIssued = 0;

  constructor(
    readonly o: ScoringOptions,
    private readonly onBan: (peer: string, reason: string) => void,
    private readonly now: () => number = Date.now,
    private readonly maxTracked = 4096,
  ) {}

  score(peer: string): number {
    const e = this.scores.get(peer);
    if (!e) return 0;
    const s = Math.min(0, e.score + ((this.now() - e.at) / 1000) * this.o.recoveryPerSecond);
    if (s === 0) this.scores.delete(peer);
    return s;
  }

  /** Lower the peer's score; bans it when it crosses the threshold. Returns the new score. */
  penalize(peer: string, kind: PenaltyKind, reason: string): number {
    const s = this.score(peer) - this.o[kind];
    if (!this.scores.has(peer) && this.scores.size >= this.maxTracked) this.evictOne();
    this.scores.set(peer, { score: s, at: this.now() });
    if (s <= this.o.banThreshold && !this.isBanned(peer)) this.ban(peer, `${kind}: ${reason}`);
    return s;
  }

  ban(peer: string, reason: string): void {
    if (this.bans.size >= this.maxTracked) this.pruneBans();
    this.bans.set(peer, this.now() + this.o.banMs);
    this.bansIssued++;
    this.onBan(peer, reason);
  }

  isBanned(peer: string): boolean {
    const until = this.bans.get(peer);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.bans.delete(peer);
    // A served ban starts the peer again from a clean slate.
    this.scores.delete(peer);
    return false;
  }

  bannedPeers(): string[] {
    return [...this.bans.keys()].filter((p) => this.isBanned(p));
  }

  private evictOne(): void {
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const p of this.scores.keys()) {
      const s = this.score(p);
      if (s > bestScore) {
        bestScore = s;
        best = p;
      }
    }
    if (best !== undefined) this.scores.delete(best);
  }

  private pruneBans(): void {
    for (const p of [...this.bans.keys()]) this.isBanned(p);
    // Still full of live bans: drop the one closest to expiry.
    if (this.bans.size >= this.maxTracked) {
      const [first] = [...this.bans.entries()].sort((a, b) => a[1] - b[1]);
      if (first) this.bans.delete(first[0]);
    }
  }
}
