/**
 * libp2p transport plugin: gossip (gossipsub), peer discovery (kad-dht from bootstrap
 * peers), peer scoring and bans, and block sync. See docs/network.md. The plugin object
 * (`libp2pTransportPlugin`, plugin.ts) is light; this index loads libp2p.
 */
export { libp2pTransportPlugin, libp2pOptionsSchema } from "./plugin.ts";
export { createNetwork, Network, type NetworkOptions, type MessageValidator, type MessageHandler, type Verdict, type PeerView, type NetworkStats, type TopicStats } from "./network.ts";
export { NetworkError, type NetworkErrorCode } from "./errors.ts";
export { Libp2pNodeTransport, nodeNetworkOptions, STATUS_TIMEOUT_MS, type NodeNetworkOptions } from "./node-transport.ts";
export { loadOrCreateNodeKey, NODE_KEY_FILE } from "./identity.ts";
export { TOPIC_KINDS, DEFAULT_TOPIC_LIMITS, topicName, dhtProtocol, syncProtocol, snapshotProtocol, type TopicKind } from "./topics.ts";
export { DEFAULT_SNAPSHOT, type SnapshotOptions, type SnapshotServerStats } from "./snapshot/types.ts";
export { DEFAULT_SCORING, PeerScorer, type ScoringOptions, type PenaltyKind } from "./scorer.ts";
export { BoundedQueue } from "./bounded-queue.ts";
export type { SyncRunOptions } from "./sync/client.ts";
export {
  DEFAULT_SYNC,
  MAX_BLOCKS_PER_REQUEST,
  type BlockSource,
  type SyncedBlock,
  type SyncVerdict,
  type SyncHooks,
  type SyncProgress,
  type SyncResult,
  type SyncOptions,
  type PeerStatus,
} from "./sync/types.ts";
