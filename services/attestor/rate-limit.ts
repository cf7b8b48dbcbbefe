/**
 * A sliding-window counter per key: at most `limit` events in any `windowMs`. Memory is bounded
 * by the keys seen within one window (old keys are swept as new ones come).
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may act again; 0 when it may now. Does not count an event. */
  retryAfter(key: string): number {
    const t = this.now();
    const h = this.live(key, t);
    if (h.length < this.limit) return 0;
    return Math.max(1, Math.ceil((h[0]! + this.windowMs - t) / 1000));
  }

  /** Count one event for `key`. */
  hit(key: string): void {
    const t = this.now();
    const h = this.live(key, t);
    h.push(t);
    this.hits.set(key, h);
    if (t - this.lastSweep > this.windowMs) this.sweep(t);
  }

  private live(key: string, t: number): number[] {
    const h = this.hits.get(key) ?? [];
    while (h.length && h[0]! <= t - this.windowMs) h.shift();
    return h;
  }

  private sweep(t: number): void {
    this.lastSweep = t;
    for (const [k, h] of this.hits) if (!h.length || h[h.length - 1]! <= t - this.windowMs) this.hits.delete(k);
  }
}
