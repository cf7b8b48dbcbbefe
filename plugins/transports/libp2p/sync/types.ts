/**
 * Sync types are declared by their consumer, the node's consensus transport; this plugin
 * implements them (see runtime/p2p/transport.ts for what each one promises).
 */
export type { BlockSource, SyncedBlock, SyncVerdict, SyncHooks } from "../../../../runtime/p2p/transport.ts";

export interface SyncProgress {
  readonly height: number;
  readonly target: number;
  readonly applied: number;
  readonly elapsedMs: number;
  readonly blocksPerSecond: number;
}

export interface SyncResult {
  readonly height: number;
  readonly target: number;
  readonly applied: number;
  readonly elapsedMs: number;
  readonly blocksPerSecond: number;
  /** Peers that failed this sync (bad frames, timeouts, lies), with the reason. */
  readonly dropped: ReadonlyArray<{ peer: string; reason: string }>;
}

export interface PeerStatus {
  readonly peer: string;
  readonly height: number;
  readonly hash: Uint8Array;
}

export interface SyncOptions {
  /** Blocks asked per request (≤ MAX_BLOCKS_PER_REQUEST). */
  readonly batchSize: number;
  /** Requests in flight at once, spread over peers. */
  readonly maxInFlight: number;
  /** Largest frame either side accepts: a maximal block plus its commit. */
  readonly maxFrameBytes: number;
  /** A server stops a response once it has sent this many bytes (always at least one block); the
   *  client buffers up to this plus one frame, so both sides must agree. */
  readonly maxResponseBytes: number;
  /** Deadline of one whole request, client side. */
  readonly requestTimeoutMs: number;
  /** How long a server waits for the request frame. */
  readonly serverReadTimeoutMs: number;
  /** Concurrent inbound sync streams per connection. */
  readonly maxInboundStreams: number;
}

/** Part of the protocol: a server rejects a request for more. */
export const MAX_BLOCKS_PER_REQUEST = 200;

export const DEFAULT_SYNC: SyncOptions = {
  batchSize: 100,
  maxInFlight: 4,
  maxFrameBytes: 16 * 1024 * 1024 + 256 * 1024,
  maxResponseBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  serverReadTimeoutMs: 5_000,
  maxInboundStreams: 8,
};
