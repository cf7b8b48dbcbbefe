/** Requests of one WebSocket answered at the same time; the rest wait with the socket unread. */
export const DEFAULT_MAX_IN_FLIGHT_PER_SOCKET = 4;

/** The part of a ws WebSocket the queue steers: reading stops while requests wait. */
export interface Readable {
  pause(): void;
  resume(): void;
}

/**
 * The requests of one WebSocket, answered at most `maxInFlight` at a time. Past that the socket
 * is not read (TCP pushes back on the client), so a client that pipelines hundreds of large
 * requests costs the node a few answers' worth of memory, not hundreds; a closed session's
 * waiting requests are dropped unanswered. Without it every message read started a dispatch at
 * once, and a client sending 300 batches of 50 blocks had them all built in memory together.
 */
export class WsRequestQueue {
  private inFlight = 0;
  private readonly waiting: string[] = [];
  private paused = false;
  private closed = false;

  constructor(
    private readonly socket: Readable,
    private readonly handle: (text: string) => Promise<void>,
    private readonly maxInFlight: number = DEFAULT_MAX_IN_FLIGHT_PER_SOCKET,
  ) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }

  /** Requests started and not yet answered. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests read and not yet started (a few at most: reading stops while any wait). */
  get queued(): number {
    return this.waiting.length;
  }

  push(text: string): void {
    if (this.closed) return;
    if (this.inFlight < this.maxInFlight) {
      this.start(text);
      return;
    }
    // Messages ws already parsed from the last chunk still arrive after pause(): they wait here.
    this.waiting.push(text);
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** The session ended: waiting requests are dropped, running ones finish unanswered. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  private start(text: string): void {
    this.inFlight++;
    // handle() answers and logs its own errors; either way the slot frees.
    this.handle(text).then(
      () => this.done(),
      () => this.done(),
    );
  }

  private done(): void {
    this.inFlight--;
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.start(next);
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
