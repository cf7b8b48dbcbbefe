import { EventQueue as Heap } from "../../services/attestor/sybil/event-queue.ts";

/**
 * The simulator's queue of (time, event): the Sybil model's min-heap (one heap in the
 * project), ordered by time then insertion order, so ties stay deterministic.
 */
export class EventQueue<T> {
  private readonly heap = new Heap<{ t: number; ev: T }>();

  push(t: number, ev: T): void {
    this.heap.push({ t, ev });
  }

  pop(): { t: number; ev: T } | undefined {
    const e = this.heap.pop();
    return e && { t: e.t, ev: e.ev };
  }

  get size(): number {
    return this.heap.size;
  }
}
