import { TOPICS, type Topic } from "../../../runtime/p2p/transport.ts";
import { isTopic } from "../../../runtime/p2p/topics.ts";

/**
 * Gossip topics and their limits are shared by every transport (runtime/p2p). The kind names
 * are part of the wire protocol: never rename one, only append.
 */
export const TOPIC_KINDS = TOPICS;
export type TopicKind = Topic;
export { DEFAULT_TOPIC_LIMITS } from "../../../runtime/p2p/topics.ts";

/** Topics are namespaced by chain id, so two chains sharing peers never mix messages. */
export function topicName(chainId: string, kind: TopicKind): string {
  return `/nexus/${chainId}/${kind}/1`;
}

export function dhtProtocol(chainId: string): string {
  return `/nexus/${chainId}/kad/1.0.0`;
}

export function syncProtocol(chainId: string): string {
  return `/nexus/${chainId}/sync/1.0.0`;
}

/** Transactions by hash (tx-fetch.ts), for rebuilding compact proposals. */
export function txFetchProtocol(chainId: string): string {
  return `/nexus/${chainId}/txs/1.0.0`;
}

/** State snapshots (snapshot/), for nodes that state-sync. */
export function snapshotProtocol(chainId: string): string {
  return `/nexus/${chainId}/snapshot/1.0.0`;
}

export const isTopicKind: (k: string) => k is TopicKind = isTopic;
