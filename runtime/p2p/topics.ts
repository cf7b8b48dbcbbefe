import { TOPICS, type Topic } from "./transport.ts";

/**
 * Per-topic message size limits in bytes, the same on every transport. A consensus message is
 * ~250 bytes (the consensus codec rejects > 1 KiB); evidence is two votes; transactions follow
 * the runtime's maxTxBytes default (64 KiB) with headroom; a block announcement is a header
 * plus a commit; a transaction batch is cut at 128 KiB by its sender.
 */
export const DEFAULT_TOPIC_LIMITS: Readonly<Record<Topic, number>> = {
  txs: 128 * 1024,
  proposals: 4 * 1024,
  votes: 1024,
  evidence: 4 * 1024,
  blocks: 64 * 1024,
  // Batches are cut at 128 KiB by the sender; one transaction up to the txs limit may travel alone.
  txbatch: 256 * 1024 + 1024,
};

/** Room for a block's header, commit and framing beside its bytes on the blocks topic. */
export const BLOCK_GOSSIP_OVERHEAD = 64 * 1024;

/**
 * The limits a node runs with: full proposal blocks and compact proposals travel on the
 * blocks topic, so it is raised to the chain's maxBlockBytes plus overhead.
 */
export function nodeTopicLimits(maxBlockBytes: number, overrides: Partial<Record<Topic, number>> = {}): Record<Topic, number> {
  return { ...DEFAULT_TOPIC_LIMITS, blocks: maxBlockBytes + BLOCK_GOSSIP_OVERHEAD, ...overrides };
}

export function isTopic(k: string): k is Topic {
  return (TOPICS as readonly string[]).includes(k);
}
