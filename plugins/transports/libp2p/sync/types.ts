/** Blocks as this node serves them: opaque bytes to the network layer. */
export interface BlockSource {
  /** Height of the latest block this node can serve (0 when it has none). */
  height(): number;
  block(height: number): { block: Uint8Array; commit: Uint8Array } | undefined;
  /** Hash of the latest block, reported in status answers (empty when omitted). */
  latestHash?(): Uint8Array;
}

/** One block fetched during sync, handed to the node's verifier in height order. */
export interface SyncedBlock {
  readonly height: number;
  readonly block: Uint8Array;
  readonly commit: Uint8Array;
  /** Peer id of the peer that served it. */
  readonly peer: string;
}

export type SyncVerdict = { ok: true } | { ok: false; reason: string };

/**
 * What the node supplies to sync: its current height and a callback that checks a block's
 * commit (consensus verifyCommit against the validator set of that height) and applies it.
 * Return { ok: false } for a block that does not verify: the serving peer is punished and
 * the height is fetched from another peer. Throw only for local failures (disk, bugs):
 * sync stops and rethrows as NET_SYNC_APPLY_FAILED, and no peer is blamed.
 */
export interface SyncHooks {
  localHeight(): number;
  verifyAndApply(b: SyncedBlock): SyncVerdict | Promise<SyncVerdict>;
}

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
