/**
 * Gossip topics. The kind names are part of the wire protocol: never rename one, only append.
 * "txbatch" (appended): many transactions per message; "txs" (one each) is still heard.
 */
export const TOPIC_KINDS = ["txs", "proposals", "votes", "evidence", "blocks", "txbatch"] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/**
 * Per-topic message size limits in bytes. A consensus message is ~250 bytes (the consensus
 * codec rejects > 1 KiB); evidence is two votes; transactions follow the runtime's maxTxBytes
 * default (64 KiB) with headroom; a block announcement is a header plus a commit; a
 * transaction batch is cut at 128 KiB by its sender.
 */
export const DEFAULT_TOPIC_LIMITS: Readonly<Record<TopicKind, number>> = {
  txs: 128 * 1024,
  proposals: 4 * 1024,
  votes: 1024,
  evidence: 4 * 1024,
  blocks: 64 * 1024,
  // Batches are cut at 128 KiB by the sender; one transaction up to the txs limit may travel alone.
  txbatch: 256 * 1024 + 1024,
};

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

export function isTopicKind(k: string): k is TopicKind {
  return (TOPIC_KINDS as readonly string[]).includes(k);
}
