/** Snapshot types are declared by their consumer (runtime/p2p/transport.ts); this plugin serves and fetches them. */
export type { SnapshotOffer, SnapshotSource } from "../../../../runtime/p2p/transport.ts";

export interface SnapshotOptions {
  /** Concurrent inbound snapshot streams per connection (libp2p resets more). */
  readonly maxInboundStreams: number;
  /** Concurrent outbound snapshot streams per connection (parts fetched at once from one peer). */
  readonly maxOutboundStreams: number;
  /** How long a server waits for the request frame. */
  readonly serverReadTimeoutMs: number;
  /** From the request read to the answer written and the stream closed (the source's read included):
   *  a peer that does not read its 16 MiB answer frees it when this passes. */
  readonly answerTimeoutMs: number;
  /** Parts being read or written at once, node-wide; a request past it is answered "busy". */
  readonly maxConcurrentParts: number;
}

export const DEFAULT_SNAPSHOT: SnapshotOptions = {
  maxInboundStreams: 8,
  maxOutboundStreams: 8,
  serverReadTimeoutMs: 5_000,
  answerTimeoutMs: 30_000,
  maxConcurrentParts: 8,
};

export interface SnapshotServerStats {
  requests: number;
  offersServed: number;
  partsServed: number;
  partsAbsent: number;
  busy: number;
  badRequests: number;
  /** Answers not written within answerTimeoutMs (slow or absent reader, slow source). */
  answerTimeouts: number;
  /** Parts being read or written now (a gauge, ≤ maxConcurrentParts). */
  partsInFlight: number;
}
