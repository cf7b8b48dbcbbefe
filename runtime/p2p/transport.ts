/**
 * What the consensus engine needs from a network: topic gossip with validators, block sync
 * and transactions by hash. Every transport plugin (plugins/transports/<id>/: libp2p, sim)
 * implements it, and test/p2p/transport-conformance.test.ts runs the same suite against each.
 *
 * Promises every transport keeps (the conformance suite checks them):
 * - publish reaches every connected peer subscribed to the topic, never the publisher itself;
 *   a message over the topic's limit (topics.ts) is refused with NET_MESSAGE_TOO_LARGE.
 * - a validator's "reject" (or a throw, or an oversized frame from a peer) drops the message
 *   and penalises the peer that sent it; "ignore" drops it quietly; only "accept" reaches
 *   the handler.
 * - syncTo with no peer to sync from resolves at the local height (consensus starts and the
 *   periodic check retries), it does not throw.
 * - stop() is idempotent; afterwards no handler runs, and publish, syncTo and fetchTxs reject
 *   with TRANSPORT_STOPPED.
 */
import { P2pErrors } from "./errors.ts";

/** Gossip topics; the names match the libp2p plugin's wire topics (append only). */
export const TOPICS = ["txs", "proposals", "votes", "evidence", "blocks", "txbatch"] as const;
export type Topic = (typeof TOPICS)[number];

export type Verdict = "accept" | "reject" | "ignore";
/** Fast checks (decode, size, height window, signatures) before a message is handled or relayed. */
export type TopicValidator = (bytes: Uint8Array, from: string) => Verdict | Promise<Verdict>;
export type TopicHandler = (bytes: Uint8Array, from: string) => void | Promise<void>;

/** Blocks as this node serves them to peers that sync: opaque bytes to the network layer. */
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
 * What the node supplies to sync: its height and a callback that verifies a block's commit
 * against a validator set this node computed itself, then executes and commits it. Return
 * { ok: false } for a block that does not verify: the serving peer is punished and the height
 * is fetched from another peer. Throw only for local failures (disk, bugs): sync stops and
 * no peer is blamed.
 */
export interface SyncHooks {
  localHeight(): number;
  verifyAndApply(b: SyncedBlock): SyncVerdict | Promise<SyncVerdict>;
  /**
   * Optional: blocks fetched ahead of the one being applied, as soon as they arrive, so the
   * node can start the work that does not need the previous block (decoding, signature
   * checks on other threads). Advisory: verifyAndApply still decides.
   */
  prefetch?(blocks: readonly SyncedBlock[]): void;
}

/** Transactions this node serves to peers rebuilding a compact proposal, by SHA-256 of their bytes. */
export interface TxSource {
  tx(hash: Uint8Array): Uint8Array | undefined;
}

/** Bounds of one "transactions by hash" request; a server answers with empties past the byte budget. */
export const MAX_FETCH_HASHES = 1024;
export const MAX_FETCH_RESPONSE_BYTES = 4 * 1024 * 1024;

/** How bad a peer's fault is: "invalid" for gossip a validator rejects, "lie" for bytes that contradict their hash. */
export type FaultKind = "invalid" | "lie";

export interface SyncOutcome {
  readonly height: number;
  readonly applied: number;
}

/**
 * State snapshots as this node serves them to peers that state-sync (runtime/node/state-sync):
 * opaque bytes to the network layer, like blocks. A snapshot is named by its height (a
 * non-negative safe integer); its parts by short ASCII names the node defines ("manifest",
 * "chunk/17", "block", "valset/12", ...): see isSnapshotPartName for what a transport carries.
 */
export interface SnapshotSource {
  /** Snapshots this node offers, newest first (at most MAX_SNAPSHOT_OFFERS are sent). */
  offers(): SnapshotOffer[];
  /** One part of the snapshot at `height`; undefined when this node does not have it. */
  part(height: number, name: string): Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

/** One offered snapshot: its height and the node's descriptor of it (opaque to the network). */
export interface SnapshotOffer {
  readonly height: number;
  /** At most MAX_SNAPSHOT_OFFER_BYTES. */
  readonly descriptor: Uint8Array;
}

/** Bounds of the snapshot protocol (part of it: a server refuses more, a client rejects larger answers). */
export const MAX_SNAPSHOT_OFFERS = 8;
export const MAX_SNAPSHOT_OFFER_BYTES = 4096;
export const MAX_SNAPSHOT_PART_NAME = 64;
export const MAX_SNAPSHOT_PART_BYTES = 16 * 1024 * 1024;

const PART_NAME = /^[A-Za-z0-9/_.-]+$/;

/**
 * A part name every transport carries: 1..MAX_SNAPSHOT_PART_NAME characters of
 * [A-Za-z0-9/_.-]. A client refuses to ask for anything else, a server refuses such a
 * request (and penalises the asker) without calling its SnapshotSource.
 */
export function isSnapshotPartName(name: unknown): name is string {
  return typeof name === "string" && name.length >= 1 && name.length <= MAX_SNAPSHOT_PART_NAME && PART_NAME.test(name);
}

/** A snapshot height every transport carries: a non-negative safe integer. */
export function isSnapshotHeight(height: unknown): height is number {
  return typeof height === "number" && Number.isSafeInteger(height) && height >= 0;
}

export interface NodeTransport {
  /** This node's id on the network (peer id). */
  readonly id: string;
  publish(topic: Topic, bytes: Uint8Array): Promise<void>;
  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void;
  setBlockSource(source: BlockSource | undefined): void;
  /** Highest block height reported by connected peers (0 when none). */
  bestPeerHeight(): Promise<number>;
  /** Fetch and apply blocks above localHeight() up to `target` (default: the best peer's). */
  syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome>;
  /** Penalise a peer that sent something invalid (no-op where unsupported); default kind "invalid". */
  penalize?(peer: string, reason: string, kind?: FaultKind): void;
  /** Connected peers' ids (for tx fetches); absent where unsupported. */
  peers?(): string[];
  /** Addresses other nodes can dial to reach this one (logged at start); absent where meaningless. */
  addresses?(): string[];
  /** Serve transactions by hash (undefined stops serving). */
  setTxSource?(source: TxSource | undefined): void;
  /**
   * Ask one peer for transactions by hash (≤ MAX_FETCH_HASHES): answers in request order,
   * undefined where the peer lacks one. The bytes are NOT checked against the hashes: the
   * caller does that and penalises a liar. Rejects on timeout or a malformed answer.
   */
  fetchTxs?(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]>;
  /** Serve state snapshots (undefined stops serving). Absent where unsupported. */
  setSnapshotSource?(source: SnapshotSource | undefined): void;
  /**
   * Ask one peer which snapshots it offers. Rejects with TRANSPORT_FETCH_FAILED on timeout, a
   * malformed answer or more than the protocol's bounds; [] when the peer serves none.
   */
  snapshotOffers?(peer: string, timeoutMs: number): Promise<SnapshotOffer[]>;
  /**
   * Ask one peer for one part of a snapshot: its bytes, or undefined when the peer lacks it.
   * The bytes are NOT checked (the caller verifies them and penalises a liar). Rejects with
   * TRANSPORT_FETCH_FAILED on timeout, a malformed answer or an answer over maxBytes
   * (default MAX_SNAPSHOT_PART_BYTES).
   */
  fetchSnapshotPart?(peer: string, height: number, name: string, timeoutMs: number, maxBytes?: number): Promise<Uint8Array | undefined>;
  stop(): Promise<void>;
}

export class TransportError extends P2pErrors<"TRANSPORT_STOPPED" | "TRANSPORT_SYNC_FAILED" | "TRANSPORT_FETCH_FAILED"> {}
