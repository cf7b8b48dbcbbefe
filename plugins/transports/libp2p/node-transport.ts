import { join } from "node:path";
import type { Logger } from "pino";
import {
  TransportError,
  type BlockSource,
  type FaultKind,
  type NodeTransport,
  type SnapshotOffer,
  type SnapshotSource,
  type SyncHooks,
  type SyncOutcome,
  type Topic,
  type TopicHandler,
  type TopicValidator,
  type TxSource,
} from "../../../runtime/p2p/transport.ts";
import { nodeTopicLimits } from "../../../runtime/p2p/topics.ts";
import { NetworkError } from "./errors.ts";
import { NODE_KEY_FILE } from "./identity.ts";
import { createNetwork, type Network, type NetworkOptions } from "./network.ts";

/** How long bestPeerHeight waits for peers' status answers: a slow peer must not stall the node's periodic sync check. */
export const STATUS_TIMEOUT_MS = 3_000;

/** What a node knows when it starts its transport (config.p2p, genesis, home). */
export interface NodeNetworkOptions {
  readonly chainId: string;
  /** Identity in <home>/node-key.json; ephemeral without a home. */
  readonly home?: string;
  readonly host: string;
  readonly port: number;
  readonly bootstrap: readonly string[];
  /** The chain's largest block: full proposals and compact ones travel on the blocks topic. */
  readonly maxBlockBytes: number;
  readonly logger?: Logger;
  /** Network settings over the node defaults below (pluginOptions.libp2p). */
  readonly overrides?: Partial<NetworkOptions>;
}

/** The network options a node runs with; `overrides` win. */
export function nodeNetworkOptions(o: NodeNetworkOptions): NetworkOptions {
  return {
    chainId: o.chainId,
    keyFile: o.home ? join(o.home, NODE_KEY_FILE) : undefined,
    listen: [`/ip4/${o.host}/tcp/${o.port}`],
    bootstrap: o.bootstrap,
    // Devnets put every validator on one host.
    ipColocationWeight: o.host.startsWith("127.") ? 0 : undefined,
    // Validators find each other again quickly after a restart.
    maintenanceIntervalMs: 2000,
    logger: o.logger,
    ...o.overrides,
    // Block bytes travel beside proposals on the blocks topic, not only announcements.
    topicLimits: nodeTopicLimits(o.maxBlockBytes, o.overrides?.topicLimits),
  };
}

/**
 * The consensus engine's NodeTransport over the libp2p network: the one adapter, used by the
 * node (through the libp2p plugin) and by the tests. `network` stays reachable for stats(),
 * scores and dialling.
 */
export class Libp2pNodeTransport implements NodeTransport {
  private stopped = false;

  /** Wraps a network already created (tests, benches). */
  constructor(readonly network: Network) {}

  /** A transport over a new network with exactly these options. */
  static async create(o: NetworkOptions): Promise<Libp2pNodeTransport> {
    return new Libp2pNodeTransport(await createNetwork(o));
  }

  /** A transport with the node's settings (nodeNetworkOptions). */
  static async forNode(o: NodeNetworkOptions): Promise<Libp2pNodeTransport> {
    return Libp2pNodeTransport.create(nodeNetworkOptions(o));
  }

  get id(): string {
    return this.network.peerId;
  }

  addresses(): string[] {
    return this.network.addresses();
  }

  private live(what: string): void {
    if (this.stopped) throw new TransportError("TRANSPORT_STOPPED", `${what}: transport is stopped`);
  }

  async publish(topic: Topic, bytes: Uint8Array): Promise<void> {
    this.live("publish");
    await this.network.publish(topic, bytes);
  }

  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void {
    if (this.stopped) return () => undefined;
    return this.network.onMessage(topic, validator, handler);
  }

  setBlockSource(source: BlockSource | undefined): void {
    this.network.setBlockSource(source);
  }

  async bestPeerHeight(): Promise<number> {
    if (this.stopped) return 0;
    const s = await this.network.peerStatuses(AbortSignal.timeout(STATUS_TIMEOUT_MS));
    return Math.max(0, ...s.map((p) => p.height));
  }

  async syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome> {
    this.live("syncTo");
    try {
      const r = await this.network.syncTo(hooks, target);
      return { height: r.height, applied: r.applied };
    } catch (e) {
      // No peer to sync from (yet): consensus starts and the periodic check retries.
      if (e instanceof NetworkError && e.code === "NET_SYNC_NO_PEERS") return { height: hooks.localHeight(), applied: 0 };
      throw e;
    }
  }

  penalize(peer: string, reason: string, kind: FaultKind = "invalid"): void {
    this.network.penalize(peer, kind === "lie" ? "fetchWrongBytes" : "gossipReject", reason);
  }

  peers(): string[] {
    if (this.stopped) return [];
    return this.network.libp2p.getPeers().map((p) => p.toString());
  }

  setTxSource(source: TxSource | undefined): void {
    this.network.setTxSource(source);
  }

  async fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    this.live("fetchTxs");
    return this.network.fetchTxs(peer, hashes, timeoutMs);
  }

  setSnapshotSource(source: SnapshotSource | undefined): void {
    if (this.stopped) return;
    this.network.setSnapshotSource(source);
  }

  async snapshotOffers(peer: string, timeoutMs: number): Promise<SnapshotOffer[]> {
    this.live("snapshotOffers");
    return this.stoppedMeanwhile("snapshotOffers", this.network.snapshotOffers(peer, timeoutMs));
  }

  async fetchSnapshotPart(peer: string, height: number, name: string, timeoutMs: number, maxBytes?: number): Promise<Uint8Array | undefined> {
    this.live("fetchSnapshotPart");
    return this.stoppedMeanwhile("fetchSnapshotPart", this.network.fetchSnapshotPart(peer, height, name, timeoutMs, maxBytes));
  }

  /** A request cut short by stop() rejects with TRANSPORT_STOPPED, not as the peer's failure. */
  private async stoppedMeanwhile<T>(what: string, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (this.stopped) throw new TransportError("TRANSPORT_STOPPED", `${what}: transport is stopped`, {}, { cause: e });
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.network.stop();
  }
}
