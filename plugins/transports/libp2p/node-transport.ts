import type { BlockSource, FaultKind, NodeTransport, SyncHooks, SyncOutcome, Topic, TopicHandler, TopicValidator, TxSource } from "../../../runtime/node/consensus/transport.ts";
import { createNetwork, type Network, type NetworkOptions } from "./network.ts";

/**
 * The consensus engine's NodeTransport over the libp2p network: a thin adapter, since the
 * engine's interface was shaped after this plugin. `network` stays reachable for peers(),
 * stats() and scores.
 */
export class Libp2pNodeTransport implements NodeTransport {
  constructor(readonly network: Network) {}

  static async create(o: NetworkOptions): Promise<Libp2pNodeTransport> {
    return new Libp2pNodeTransport(await createNetwork(o));
  }

  get id(): string {
    return this.network.peerId;
  }

  async publish(topic: Topic, bytes: Uint8Array): Promise<void> {
    await this.network.publish(topic, bytes);
  }

  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void {
    return this.network.onMessage(topic, validator, handler);
  }

  setBlockSource(source: BlockSource | undefined): void {
    this.network.setBlockSource(source);
  }

  async bestPeerHeight(): Promise<number> {
    const st = await this.network.peerStatuses(AbortSignal.timeout(5_000));
    return Math.max(0, ...st.map((s) => s.height));
  }

  async syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome> {
    const r = await this.network.syncTo(hooks, target);
    return { height: r.height, applied: r.applied };
  }

  penalize(peer: string, reason: string, kind: FaultKind = "invalid"): void {
    this.network.penalize(peer, kind === "lie" ? "fetchWrongBytes" : "gossipReject", reason);
  }

  peers(): string[] {
    return this.network.libp2p.getPeers().map((p) => p.toString());
  }

  setTxSource(source: TxSource | undefined): void {
    this.network.setTxSource(source);
  }

  fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    return this.network.fetchTxs(peer, hashes, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.network.stop();
  }
}
