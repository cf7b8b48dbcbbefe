import { asArray, asBytes, decodeCanonical, encodeCanonical } from "../../codec/canonical.ts";
import { decodeBlock, type Block } from "../../app/block.ts";
import type { NexusNode } from "../node.ts";
import type { NodeTransport } from "./transport.ts";

/**
 * The "blocks" topic carries [0, block] beside a proposal (so validators can answer
 * validate) and [1, block, commit] to show a lagging peer a committed block of its height.
 */
export type BlockGossipMessage = { kind: "proposal"; bytes: Uint8Array } | { kind: "committed"; bytes: Uint8Array; commit: Uint8Array };

export function encodeBlockGossip(m: BlockGossipMessage): Uint8Array {
  return encodeCanonical(m.kind === "proposal" ? [0, m.bytes] : [1, m.bytes, m.commit]);
}

export function decodeBlockGossip(bytes: Uint8Array): BlockGossipMessage & { block: Block } {
  const a = asArray(decodeCanonical(bytes, "block gossip"), "block gossip", 2, 3);
  const blockBytes = asBytes(a[1], "block");
  const block = decodeBlock(blockBytes);
  if (a[0] === 0 && a.length === 2) return { kind: "proposal", bytes: blockBytes, block };
  if (a[0] === 1 && a.length === 3) return { kind: "committed", bytes: blockBytes, commit: asBytes(a[2], "commit"), block };
  throw new Error("block gossip must be [0, block] or [1, block, commit]");
}

/** Announces committed blocks to peers heard voting at old heights, at most every 500 ms per height. */
export class BlockGossip {
  private readonly last = new Map<number, number>();

  constructor(
    private readonly node: NexusNode,
    private readonly transport: NodeTransport,
  ) {}

  announce(height: number): void {
    const now = Date.now();
    if ((this.last.get(height) ?? 0) > now - 500) return;
    if (this.last.size > 64) this.last.clear();
    this.last.set(height, now);
    const bytes = this.node.blockStore.blockBytes(height);
    const commit = this.node.blockStore.commit(height);
    if (!bytes || !commit) return;
    void this.transport.publish("blocks", encodeBlockGossip({ kind: "committed", bytes, commit })).catch(() => undefined);
  }
}
