/**
 * A FIFO with a hard capacity drained by one async consumer. When full, new items are
 * dropped and counted: a flood from peers costs them their messages, never our memory.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private draining = false;
  private closed = false;
  dropped = 0;
  processed = 0;
  failed = 0;

  constructor(
    readonly capacity: number,
    private readonly consume: (item: T) => void | Promise<void>,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** Returns false (and counts a drop) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed || this.full) {
      this.dropped++;
      return false;
    }
    this.items.push(item);
    if (!this.draining) void this.drain();
    return true;
  }

  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.head = 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (!this.closed && this.head < this.items.length) {
        const item = this.items[this.head++] as T;
        // Compact now and then instead of shift() on every item (O(n) each).
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        try {
          await this.consume(item);
          this.processed++;
        } catch (e) {
          this.failed++;
          this.onError(e);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
