import { asArray, asBytes, asSafeUint, decodeCanonical, encodeCanonical } from "../../codec/canonical.ts";
import { decodeBlock, type Block } from "../../app/block.ts";
import { readArrayHead, readBytes, readUint } from "../../codec/byte-arrays.ts";
import type { ConsensusStore } from "../ports.ts";
import type { NodeTransport } from "../../p2p/transport.ts";
import { COMPACT_KIND, decodeCompactProposal, encodeCompactProposal, type CompactProposal } from "./compact-proposal.ts";

/**
 * The "blocks" topic carries [0, block] beside a proposal (so validators can answer
 * validate), [1, block, commit] to show a lagging peer a committed block of its height, and
 * [2, nonce, height, [message, ...]]: the consensus messages of the current height a node
 * has heard, re-sent periodically. Gossipsub drops a payload it has seen (content ids), so
 * the nonce makes each re-send new; relaying others' votes matters when a vote's signer is
 * down (a restarted node could otherwise never see the prevotes behind a lock).
 * [3, header, hashes, prefilled(, nonce)] is a compact proposal (compact-proposal.ts): what a
 * proposer sends first; [0, block] stays the fallback and is still decoded from older peers.
 * Kind numbers are wire format: append only.
 */
export type BlockGossipMessage =
  /** nonce: set on re-sends, so gossipsub does not drop them as seen. */
  | { kind: "proposal"; bytes: Uint8Array; nonce?: number }
  | { kind: "committed"; bytes: Uint8Array; commit: Uint8Array }
  | { kind: "votes"; nonce: number; height: number; messages: Uint8Array[] }
  | { kind: "compact"; compact: CompactProposal };

/** Messages per re-send bundle: ~250 bytes each, well under the topic limit. */
export const MAX_BUNDLE_MESSAGES = 200;

export function encodeBlockGossip(m: BlockGossipMessage): Uint8Array {
  if (m.kind === "compact") return encodeCompactProposal(m.compact);
  if (m.kind === "votes") return encodeCanonical([2, m.nonce, m.height, m.messages]);
  if (m.kind === "proposal") return encodeCanonical(m.nonce === undefined ? [0, m.bytes] : [0, m.bytes, m.nonce]);
  return encodeCanonical([1, m.bytes, m.commit]);
}

export type DecodedBlockGossip =
  | (Extract<BlockGossipMessage, { kind: "proposal" | "committed" }> & { block: Block })
  | Extract<BlockGossipMessage, { kind: "votes" | "compact" }>;

export function decodeBlockGossip(bytes: Uint8Array): DecodedBlockGossip {
  if (isCompact(bytes)) return { kind: "compact", compact: decodeCompactProposal(bytes) };
  const fast = splitBlockMessage(bytes);
  if (fast) return fast;
  const a = asArray(decodeCanonical(bytes, "block gossip"), "block gossip", 2, 4);
  if (a[0] === 2 && a.length === 4) {
    const messages = asArray(a[3], "messages", 0, MAX_BUNDLE_MESSAGES).map((m, i) => asBytes(m, `messages[${i}]`));
    return { kind: "votes", nonce: asSafeUint(a[1], "nonce"), height: asSafeUint(a[2], "height"), messages };
  }
  const blockBytes = asBytes(a[1], "block");
  const block = decodeBlock(blockBytes);
  if (a[0] === 0 && (a.length === 2 || (a.length === 3 && typeof a[2] === "number"))) return { kind: "proposal", bytes: blockBytes, block };
  if (a[0] === 1 && a.length === 3) return { kind: "committed", bytes: blockBytes, commit: asBytes(a[2], "commit"), block };
  throw new Error("block gossip must be [0, block], [1, block, commit], [2, ...] or [3, ...]");
}

/** [3, ...]: an array of 4 or 5 whose first element is the small uint 3. */
function isCompact(b: Uint8Array): boolean {
  return (b[0] === 0x84 || b[0] === 0x85) && b[1] === COMPACT_KIND;
}

/**
 * [0, block], [0, block, nonce] and [1, block, commit] without the general decoder, which
 * would copy and re-encode the whole block once more (codec/byte-arrays.ts); undefined for
 * anything else, which then takes the strict general path.
 */
function splitBlockMessage(b: Uint8Array): DecodedBlockGossip | undefined {
  const top = readArrayHead(b, 0, 2, 3);
  const kind = top && readUint(b, top.next);
  if (!top || !kind || (kind.value !== 0 && kind.value !== 1)) return undefined;
  const blk = readBytes(b, kind.next);
  if (!blk) return undefined;
  let end = blk.next;
  let commit: Uint8Array | undefined;
  if (kind.value === 0 && top.length === 3) {
    const n = readUint(b, end);
    if (!n) return undefined;
    end = n.next;
  } else if (kind.value === 1) {
    const c = top.length === 3 ? readBytes(b, end) : undefined;
    if (!c) return undefined;
    commit = c.bytes.slice();
    end = c.next;
  }
  if (end !== b.length) return undefined;
  const bytes = blk.bytes.slice();
  const block = decodeBlock(bytes);
  return kind.value === 0 ? { kind: "proposal", bytes, block } : { kind: "committed", bytes, commit: commit!, block };
}

/** Announces committed blocks to peers heard voting at old heights, at most every 500 ms per height. */
export class BlockGossip {
  private readonly last = new Map<number, number>();

  constructor(
    private readonly store: ConsensusStore,
    private readonly transport: NodeTransport,
  ) {}

  announce(height: number): void {
    const now = Date.now();
    if ((this.last.get(height) ?? 0) > now - 500) return;
    if (this.last.size > 64) this.last.clear();
    this.last.set(height, now);
    const bytes = this.store.blockBytes(height);
    const commit = this.store.commit(height);
    if (!bytes || !commit) return;
    void this.transport.publish("blocks", encodeBlockGossip({ kind: "committed", bytes, commit })).catch(() => undefined);
  }
}
