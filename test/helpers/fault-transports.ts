import type { NodeTransport, Topic, TopicValidator } from "../../runtime/p2p/transport.ts";
import { decodeMessage, encodeMessage, signVote, type ConsensusSigner } from "../../runtime/consensus/index.ts";
import { decodeBlockGossip } from "../../runtime/consensus/engine/block-gossip.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";

/**
 * TEST ONLY fault injection, composed around a node's transport by tests (and by
 * test/helpers/test-node.ts for spawned processes): the engine and the node know nothing of it.
 */

/** A transport passing everything through to `inner`; wrappers override what they change. */
function passThrough(inner: NodeTransport): NodeTransport {
  return {
    get id() {
      return inner.id;
    },
    publish: (topic, bytes) => inner.publish(topic, bytes),
    subscribe: (topic, validator, handler) => inner.subscribe(topic, validator, handler),
    setBlockSource: (s) => inner.setBlockSource(s),
    bestPeerHeight: () => inner.bestPeerHeight(),
    syncTo: (hooks, target) => inner.syncTo(hooks, target),
    penalize: inner.penalize && ((peer, reason, kind) => inner.penalize!(peer, reason, kind)),
    peers: inner.peers && (() => inner.peers!()),
    setTxSource: inner.setTxSource && ((s) => inner.setTxSource!(s)),
    fetchTxs: inner.fetchTxs && ((peer, hashes, timeoutMs) => inner.fetchTxs!(peer, hashes, timeoutMs)),
    stop: () => inner.stop(),
  };
}

/** Ignores gossip from blocked peers (a simulated partition); block sync still reaches them: it serves only certified blocks. */
export function peerBlockingTransport(inner: NodeTransport): NodeTransport & { blockPeers(peers: readonly string[]): number } {
  const blocked = new Set<string>();
  return {
    ...passThrough(inner),
    subscribe(topic: Topic, validator: TopicValidator, handler) {
      return inner.subscribe(topic, (b, from) => (blocked.has(from) ? "ignore" : validator(b, from)), handler);
    },
    /** [] heals. */
    blockPeers(peers: readonly string[]): number {
      blocked.clear();
      for (const p of peers) blocked.add(p);
      return blocked.size;
    },
  };
}

/** Proposals travel compact only: full block bytes beside a proposal ([0, block] on "blocks") are dropped. */
export function noFullBlocksTransport(inner: NodeTransport): NodeTransport {
  return {
    ...passThrough(inner),
    publish(topic, bytes) {
      if (topic === "blocks") {
        try {
          if (decodeBlockGossip(bytes).kind === "proposal") return Promise.resolve();
        } catch {
          // not ours to judge
        }
      }
      return inner.publish(topic, bytes);
    },
  };
}

/** A Byzantine validator: beside each of its prevotes it publishes a conflicting one, signed around the SignGuard. */
export function equivocatingTransport(inner: NodeTransport, chainId: string, signer: ConsensusSigner): NodeTransport {
  return {
    ...passThrough(inner),
    async publish(topic, bytes) {
      await inner.publish(topic, bytes);
      if (topic !== "votes") return;
      const m = decodeMessage(bytes);
      if (m.kind !== "vote" || m.vote.type !== "prevote" || m.vote.validator !== signer.address) return;
      const other = signVote(chainId, signer, { ...m.vote, blockHash: sha256(utf8(`equivocation/${m.vote.height}/${m.vote.round}`)) });
      await inner.publish("votes", encodeMessage(other));
    },
  };
}
