import { join } from "node:path";
import { createNetwork, NetworkError, NODE_KEY_FILE, type Network } from "../../../plugins/transports/libp2p/index.ts";
import type { Logger } from "../logger.ts";
import type { BlockSource, FaultKind, NodeTransport, SyncHooks, SyncOutcome, Topic, TopicHandler, TopicValidator, TxSource } from "./transport.ts";

/** The engine's transport over the libp2p network plugin (docs/network.md). */
export class Libp2pTransport implements NodeTransport {
  private constructor(readonly net: Network) {}

  static async create(o: { chainId: string; home: string; host: string; port: number; bootstrap: readonly string[]; maxBlockBytes: number; logger?: Logger }): Promise<Libp2pTransport> {
    const net = await createNetwork({
      chainId: o.chainId,
      keyFile: join(o.home, NODE_KEY_FILE),
      listen: [`/ip4/${o.host}/tcp/${o.port}`],
      bootstrap: o.bootstrap,
      // Block bytes travel beside proposals on the blocks topic, not only announcements.
      topicLimits: { blocks: o.maxBlockBytes + 64 * 1024 },
      // Devnets put every validator on one host.
      ipColocationWeight: o.host.startsWith("127.") ? 0 : undefined,
      maintenanceIntervalMs: 2000,
      logger: o.logger,
    });
    return new Libp2pTransport(net);
  }

  get id(): string {
    return this.net.peerId;
  }

  addresses(): string[] {
    return this.net.addresses();
  }

  async publish(topic: Topic, bytes: Uint8Array): Promise<void> {
    await this.net.publish(topic, bytes);
  }

  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void {
    return this.net.onMessage(topic, validator, handler);
  }

  setBlockSource(source: BlockSource | undefined): void {
    this.net.setBlockSource(source);
  }

  async bestPeerHeight(): Promise<number> {
    const s = await this.net.peerStatuses(AbortSignal.timeout(3000));
    return Math.max(0, ...s.map((p) => p.height));
  }

  async syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome> {
    try {
      const r = await this.net.syncTo(hooks, target);
      return { height: r.height, applied: r.applied };
    } catch (e) {
      // No peer to sync from (yet): consensus starts and the periodic check retries.
      if (e instanceof NetworkError && e.code === "NET_SYNC_NO_PEERS") return { height: hooks.localHeight(), applied: 0 };
      throw e;
    }
  }

  penalize(peer: string, reason: string, kind: FaultKind = "invalid"): void {
    this.net.penalize(peer, kind === "lie" ? "fetchWrongBytes" : "gossipReject", reason);
  }

  peers(): string[] {
    return this.net.libp2p.getPeers().map((p) => p.toString());
  }

  setTxSource(source: TxSource | undefined): void {
    this.net.setTxSource(source);
  }

  fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    return this.net.fetchTxs(peer, hashes, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.net.stop();
  }
}
