import { join } from "node:path";
import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify, type Identify } from "@libp2p/identify";
import { ping, type Ping } from "@libp2p/ping";
import { kadDHT, passthroughMapper, type KadDHT } from "@libp2p/kad-dht";
import { bootstrap } from "@libp2p/bootstrap";
import { gossipsub, StrictNoSign, TopicValidatorResult, type GossipSub, type Message } from "@libp2p/gossipsub";
import { createTopicScoreParams } from "@libp2p/gossipsub/score";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { PeerId, PrivateKey } from "@libp2p/interface";
import type { Logger } from "pino";
import { sha256 } from "../../../runtime/crypto/hash.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import { NetworkError } from "./errors.ts";
import { loadOrCreateNodeKey, NODE_KEY_FILE } from "./identity.ts";
import { DEFAULT_SCORING, PeerScorer, type PenaltyKind, type ScoringOptions } from "./scorer.ts";
import { DEFAULT_TOPIC_LIMITS, dhtProtocol, isTopicKind, snapshotProtocol, syncProtocol, topicName, txFetchProtocol, TOPIC_KINDS, type TopicKind } from "./topics.ts";
import { TxFetchService, type TxFetchStats } from "./tx-fetch.ts";
import type { SnapshotOffer, SnapshotSource, TxSource } from "../../../runtime/p2p/transport.ts";
import { SnapshotClient } from "./snapshot/client.ts";
import { SnapshotServer } from "./snapshot/server.ts";
import { DEFAULT_SNAPSHOT, type SnapshotOptions, type SnapshotServerStats } from "./snapshot/types.ts";
import { SyncClient, type SyncRunOptions } from "./sync/client.ts";
import { SyncServer } from "./sync/server.ts";
import { DEFAULT_SYNC, MAX_BLOCKS_PER_REQUEST, type BlockSource, type PeerStatus, type SyncHooks, type SyncOptions, type SyncResult } from "./sync/types.ts";

export type Verdict = "accept" | "reject" | "ignore";
/** Runs inside gossipsub validation: keep it fast (decode, size, signature, height window). */
export type MessageValidator = (bytes: Uint8Array, from: string) => Verdict | Promise<Verdict>;
/** Runs later, one message at a time per topic, from a bounded queue. */
export type MessageHandler = (bytes: Uint8Array, from: string) => void | Promise<void>;

export interface NetworkOptions {
  readonly chainId: string;
  /** Node home: the identity lives in <home>/node-key.json unless keyFile says otherwise. */
  readonly home?: string;
  readonly keyFile?: string;
  /** A key given directly (tests); without home, keyFile or privateKey the identity is ephemeral. */
  readonly privateKey?: PrivateKey;
  /** Default ["/ip4/127.0.0.1/tcp/0"]. */
  readonly listen?: readonly string[];
  /** Multiaddrs with /p2p/<peer id>, e.g. /ip4/10.0.0.1/tcp/26656/p2p/12D3Koo… */
  readonly bootstrap?: readonly string[];
  /** Hard cap on connections. Default 50. */
  readonly maxPeers?: number;
  /** Below this many peers the node dials bootstrap peers and asks the DHT for more. Default 8. */
  readonly minPeers?: number;
  readonly maintenanceIntervalMs?: number;
  /** Inbound connections accepted per second from one host (libp2p's default is 5). */
  readonly inboundConnectionsPerSecond?: number;
  readonly topicLimits?: Partial<Record<TopicKind, number>>;
  /** Inbound queue capacity per topic. Default 10 000. */
  readonly queueCapacity?: number;
  readonly scoring?: Partial<ScoringOptions>;
  readonly sync?: Partial<SyncOptions>;
  readonly blockSource?: BlockSource;
  /** State-snapshot serving bounds (snapshot/types.ts). */
  readonly snapshot?: Partial<SnapshotOptions>;
  /** Gossipsub IP-colocation penalty weight (≤ 0); 0 disables it, e.g. for many nodes on one host. */
  readonly ipColocationWeight?: number;
  readonly logger?: Logger;
}

export interface TopicStats {
  published: number;
  accepted: number;
  rejected: number;
  ignored: number;
  /** Accepted by validation but dropped because the handler queue was full. */
  dropped: number;
  handled: number;
  handlerErrors: number;
  queued: number;
}

export interface PeerView {
  readonly id: string;
  readonly addresses: string[];
  readonly score: { app: number; gossip: number };
}

export interface NetworkStats {
  readonly peers: number;
  readonly banned: number;
  readonly bansIssued: number;
  readonly topics: Record<TopicKind, TopicStats>;
  readonly sync: SyncServer["stats"];
  readonly txFetch: TxFetchStats;
  readonly snapshot: SnapshotServerStats;
}

type Services = { identify: Identify; ping: Ping; dht: KadDHT; pubsub: GossipSub };

interface Subscription {
  readonly validator: MessageValidator;
  readonly queue: BoundedQueue<{ data: Uint8Array; from: string }>;
}

export class Network {
  private readonly subs = new Map<TopicKind, Subscription>();
  private readonly kindByTopic = new Map<string, TopicKind>();
  private readonly stats_: Record<TopicKind, TopicStats>;
  private timer: NodeJS.Timeout | undefined;
  private maintaining = false;
  /** DHT lookups for more peers back off while they find nobody new (see maintain). */
  private lookupSkips = 0;
  private lookupBackoff = 0;
  private stopped = false;

  private constructor(
    readonly chainId: string,
    readonly libp2p: Libp2p<Services>,
    readonly scorer: PeerScorer,
    private readonly limits: Record<TopicKind, number>,
    private readonly o: NetworkOptions,
    private readonly syncServer: SyncServer,
    private readonly syncClient: SyncClient,
    private readonly txFetch: TxFetchService,
    private readonly snapshotServer: SnapshotServer,
    private readonly snapshotClient: SnapshotClient,
  ) {
    this.stats_ = Object.fromEntries(
      TOPIC_KINDS.map((k) => [k, { published: 0, accepted: 0, rejected: 0, ignored: 0, dropped: 0, handled: 0, handlerErrors: 0, queued: 0 }]),
    ) as Record<TopicKind, TopicStats>;
    for (const k of TOPIC_KINDS) this.kindByTopic.set(topicName(chainId, k), k);
  }

  static async create(o: NetworkOptions): Promise<Network> {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(o.chainId)) throw new NetworkError("NET_BAD_CONFIG", `chain id ${JSON.stringify(o.chainId)} cannot name protocols and topics`);
    const privateKey =
      o.privateKey ?? (o.keyFile || o.home ? await loadOrCreateNodeKey(o.keyFile ?? join(o.home!, NODE_KEY_FILE)) : await generateKeyPair("Ed25519"));
    const limits = { ...DEFAULT_TOPIC_LIMITS, ...o.topicLimits };
    const syncOpts: SyncOptions = { ...DEFAULT_SYNC, ...o.sync };
    if (syncOpts.batchSize < 1 || syncOpts.batchSize > MAX_BLOCKS_PER_REQUEST) throw new NetworkError("NET_BAD_CONFIG", `sync.batchSize must be 1..${MAX_BLOCKS_PER_REQUEST}`);
    const snapshotOpts: SnapshotOptions = { ...DEFAULT_SNAPSHOT, ...o.snapshot };
    for (const [k, v] of Object.entries(snapshotOpts)) {
      if (!Number.isSafeInteger(v) || v < 1) throw new NetworkError("NET_BAD_CONFIG", `snapshot.${k} must be a positive integer, got ${String(v)}`);
    }
    const bootstrapAddrs = [...(o.bootstrap ?? [])];
    for (const a of bootstrapAddrs) {
      try {
        if (!multiaddr(a).getComponents().some((c) => c.name === "p2p")) throw new Error("no /p2p/<peer id> component");
      } catch (e) {
        throw new NetworkError("NET_BAD_CONFIG", `bootstrap address ${a}: ${(e as Error).message}`);
      }
    }
    // The libp2p node needs the scorer (gater, gossip score) and the scorer's ban needs the node.
    let node: Libp2p<Services> | undefined;
    const log = o.logger;
    const scorer = new PeerScorer({ ...DEFAULT_SCORING, ...o.scoring }, (peer, reason) => {
      log?.warn({ peer, reason }, "p2p: banning peer");
      node?.hangUp(peerIdFromString(peer)).catch(() => undefined);
    });
    const denyBanned = (peer: PeerId): boolean => scorer.isBanned(peer.toString());
    const topics = TOPIC_KINDS.map((k) => topicName(o.chainId, k));
    const maxLimit = Math.max(...Object.values(limits));
    const topicScore = createTopicScoreParams({
      topicWeight: 1,
      timeInMeshWeight: 0.01,
      timeInMeshQuantum: 1000,
      timeInMeshCap: 3600,
      firstMessageDeliveriesWeight: 0.5,
      firstMessageDeliveriesDecay: 0.9,
      firstMessageDeliveriesCap: 20,
      // Quiet topics (evidence) are normal here: no penalty for few deliveries.
      meshMessageDeliveriesWeight: 0,
      meshFailurePenaltyWeight: 0,
      invalidMessageDeliveriesWeight: -10,
      invalidMessageDeliveriesDecay: 0.99,
    });

    node = await createLibp2p<Services>({
      privateKey,
      addresses: { listen: [...(o.listen ?? ["/ip4/127.0.0.1/tcp/0"])] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        denyDialPeer: denyBanned,
        denyInboundEncryptedConnection: denyBanned,
        denyOutboundEncryptedConnection: denyBanned,
      },
      connectionManager: {
        maxConnections: o.maxPeers ?? 50,
        inboundConnectionThreshold: o.inboundConnectionsPerSecond ?? 5,
      },
      peerDiscovery: bootstrapAddrs.length > 0 ? [bootstrap({ list: bootstrapAddrs, timeout: 0 })] : [],
      services: {
        identify: identify(),
        ping: ping(),
        dht: kadDHT({
          protocol: dhtProtocol(o.chainId),
          // Always a server: validators are dialable by configuration, not by AutoNAT guesses.
          clientMode: false,
          // Keep private and loopback addresses: devnets and tests run on 127.0.0.1 and LANs.
          peerInfoMapper: passthroughMapper,
          initialQuerySelfInterval: 500,
        }),
        pubsub: gossipsub({
          // Every payload (transactions, votes, proposals, evidence) is signed by its author, so the
          // envelope is unsigned and the message id is its content hash: the same vote relayed by
          // two nodes is one message.
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: (m: Message) => sha256(new TextEncoder().encode(m.topic), m.data),
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          allowedTopics: topics,
          // The RPC frame bound: the largest topic limit plus room for control messages.
          maxInboundDataLength: maxLimit + 64 * 1024,
          scoreParams: {
            topics: Object.fromEntries(topics.map((t) => [t, topicScore])),
            appSpecificScore: (p: string) => scorer.score(p),
            appSpecificWeight: 1,
            IPColocationFactorWeight: o.ipColocationWeight ?? -5,
          },
        }),
      },
    });
    const server = new SyncServer(syncProtocol(o.chainId), syncOpts, scorer, log);
    server.source = o.blockSource;
    await server.start(node);
    const client = new SyncClient(node, syncProtocol(o.chainId), syncOpts, scorer, log);
    const txFetch = new TxFetchService(node, txFetchProtocol(o.chainId), scorer, log);
    await txFetch.start();
    const snapshotServer = new SnapshotServer(snapshotProtocol(o.chainId), snapshotOpts, scorer, log);
    await snapshotServer.start(node);
    const snapshotClient = new SnapshotClient(node, snapshotProtocol(o.chainId), scorer, log);
    const net = new Network(o.chainId, node, scorer, limits, o, server, client, txFetch, snapshotServer, snapshotClient);
    net.wire();
    return net;
  }

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** Listen addresses with /p2p/<peer id>, ready to hand to others as bootstrap addresses. */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  topic(kind: TopicKind): string {
    return topicName(this.chainId, kind);
  }

  private wire(): void {
    const l = this.libp2p;
    l.addEventListener("peer:discovery", (e) => void this.dialDiscovered(e.detail.id));
    l.addEventListener("peer:connect", (e) => this.o.logger?.debug({ peer: e.detail.toString() }, "p2p: peer connected"));
    l.addEventListener("peer:disconnect", (e) => this.o.logger?.debug({ peer: e.detail.toString() }, "p2p: peer disconnected"));
    l.services.pubsub.addEventListener("gossipsub:message", (e) => {
      const kind = this.kindByTopic.get(e.detail.msg.topic);
      const sub = kind && this.subs.get(kind);
      if (!kind || !sub) return;
      const from = e.detail.propagationSource.toString();
      if (!sub.queue.push({ data: e.detail.msg.data, from })) this.stats_[kind].dropped++;
    });
    const every = this.o.maintenanceIntervalMs ?? 5_000;
    this.timer = setInterval(() => void this.maintain(), every);
    this.timer.unref();
    setTimeout(() => void this.maintain(), 50).unref();
  }

  private async dialDiscovered(id: PeerId): Promise<void> {
    if (this.stopped || id.equals(this.libp2p.peerId) || this.scorer.isBanned(id.toString())) return;
    if (this.libp2p.getConnections(id).length > 0) return;
    if (this.libp2p.getConnections().length >= (this.o.maxPeers ?? 50)) return;
    await this.libp2p.dial(id).catch((e: Error) => this.o.logger?.debug({ peer: id.toString(), err: e.message }, "p2p: dial failed"));
  }

  /** Keep at least minPeers: redial bootstrap peers (they may have restarted), then ask the DHT. */
  private async maintain(): Promise<void> {
    if (this.maintaining || this.stopped) return;
    this.maintaining = true;
    try {
      if (this.libp2p.getPeers().length >= (this.o.minPeers ?? 8)) return;
      await Promise.all(
        (this.o.bootstrap ?? []).map(async (a) => {
          const ma = multiaddr(a);
          const id = ma.getComponents().findLast((c) => c.name === "p2p")?.value;
          if (!id || id === this.peerId || this.scorer.isBanned(id)) return;
          if (this.libp2p.getConnections(peerIdFromString(id)).length > 0) return;
          await this.libp2p.dial(ma).catch(() => undefined);
        }),
      );
      if (this.libp2p.getPeers().length === 0) return;
      // A lookup that found nobody new is repeated on every 2nd, 4th, … up to every 64th
      // maintenance tick: a small network (a devnet of four) never reaches minPeers, and a
      // lookup every tick cost each node a steady share of its idle CPU in peer-store writes.
      if (this.lookupSkips > 0) {
        this.lookupSkips--;
        return;
      }
      const known = new Set(this.libp2p.getPeers().map((p) => p.toString()));
      const found: PeerId[] = [];
      try {
        for await (const p of this.libp2p.peerRouting.getClosestPeers(this.libp2p.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(5_000) })) {
          found.push(p.id);
        }
      } catch {
        // A query that times out still taught the routing table something; dial what we have.
      }
      const fresh = found.filter((id) => !known.has(id.toString()) && !id.equals(this.libp2p.peerId));
      this.lookupBackoff = fresh.length > 0 ? 0 : Math.min(64, Math.max(1, this.lookupBackoff * 2));
      this.lookupSkips = this.lookupBackoff;
      await Promise.all(fresh.map((id) => this.dialDiscovered(id)));
    } finally {
      this.maintaining = false;
    }
  }

  // ---- gossip -------------------------------------------------------------------------------

  /** Publish to a topic; returns how many peers it was sent to. Throws NET_MESSAGE_TOO_LARGE. */
  async publish(kind: TopicKind, bytes: Uint8Array): Promise<number> {
    this.checkKind(kind);
    if (this.stopped) throw new NetworkError("NET_NOT_STARTED", "network is stopped");
    if (bytes.length > this.limits[kind]) {
      throw new NetworkError("NET_MESSAGE_TOO_LARGE", `${kind} message of ${bytes.length} bytes exceeds the ${this.limits[kind]} byte limit`, { kind, bytes: bytes.length });
    }
    const r = await this.libp2p.services.pubsub.publish(this.topic(kind), bytes);
    this.stats_[kind].published++;
    return r.recipients.length;
  }

  /**
   * Subscribe to a topic. `validator` decides inside gossipsub whether the message is
   * forwarded ("accept"), dropped quietly ("ignore": duplicates, stale heights we cannot
   * judge) or dropped with a penalty to the peer that sent it ("reject"; a validator that
   * throws counts as "reject"). Accepted messages reach `handler` through a bounded queue.
   * Returns a function that unsubscribes.
   */
  onMessage(kind: TopicKind, validator: MessageValidator, handler: MessageHandler, opts: { queueCapacity?: number } = {}): () => void {
    this.checkKind(kind);
    if (this.subs.has(kind)) throw new NetworkError("NET_BAD_CONFIG", `topic ${kind} already has a handler`);
    const st = this.stats_[kind];
    const queue = new BoundedQueue<{ data: Uint8Array; from: string }>(
      opts.queueCapacity ?? this.o.queueCapacity ?? 10_000,
      async (m) => {
        await handler(m.data, m.from);
        st.handled++;
      },
      (e) => {
        st.handlerErrors++;
        this.o.logger?.warn({ topic: kind, err: (e as Error).message }, "p2p: message handler failed");
      },
    );
    this.subs.set(kind, { validator, queue });
    const topic = this.topic(kind);
    const pubsub = this.libp2p.services.pubsub;
    pubsub.topicValidators.set(topic, (peer, msg) => this.validate(kind, peer.toString(), msg.data));
    pubsub.subscribe(topic);
    return () => {
      pubsub.unsubscribe(topic);
      pubsub.topicValidators.delete(topic);
      queue.close();
      this.subs.delete(kind);
    };
  }

  private async validate(kind: TopicKind, from: string, data: Uint8Array): Promise<TopicValidatorResult> {
    const st = this.stats_[kind];
    const sub = this.subs.get(kind);
    if (!sub) return TopicValidatorResult.Ignore;
    const reject = (reason: string): TopicValidatorResult => {
      st.rejected++;
      this.scorer.penalize(from, "gossipReject", `${kind}: ${reason}`);
      return TopicValidatorResult.Reject;
    };
    if (data.length > this.limits[kind]) return reject(`${data.length} bytes exceeds ${this.limits[kind]}`);
    let v: Verdict;
    try {
      v = await sub.validator(data, from);
    } catch (e) {
      return reject((e as Error).message);
    }
    if (v === "reject") return reject("validator rejected it");
    if (v === "accept") {
      // No room to handle it: do not forward what we will not process; nobody is at fault.
      if (sub.queue.full) {
        st.dropped++;
        return TopicValidatorResult.Ignore;
      }
      st.accepted++;
      return TopicValidatorResult.Accept;
    }
    st.ignored++;
    return TopicValidatorResult.Ignore;
  }

  private checkKind(kind: string): asserts kind is TopicKind {
    if (!isTopicKind(kind)) throw new NetworkError("NET_UNKNOWN_TOPIC", `unknown topic ${kind}; topics are ${TOPIC_KINDS.join(", ")}`);
  }

  // ---- peers and scores ---------------------------------------------------------------------

  peers(): PeerView[] {
    return this.libp2p.getPeers().map((p) => ({
      id: p.toString(),
      addresses: this.libp2p.getConnections(p).map((c) => c.remoteAddr.toString()),
      score: this.score(p.toString()),
    }));
  }

  score(peer: string): { app: number; gossip: number } {
    const gs = this.libp2p.services.pubsub as unknown as { getScore(id: string): number };
    return { app: this.scorer.score(peer), gossip: gs.getScore(peer) };
  }

  /** For misbehaviour the node finds later (e.g. a vote that verified in gossip but equivocates). */
  penalize(peer: string, kind: PenaltyKind, reason: string): number {
    return this.scorer.penalize(peer, kind, reason);
  }

  isBanned(peer: string): boolean {
    return this.scorer.isBanned(peer);
  }

  async dial(addr: string): Promise<void> {
    await this.libp2p.dial(multiaddr(addr));
  }

  stats(): NetworkStats {
    for (const k of TOPIC_KINDS) this.stats_[k].queued = this.subs.get(k)?.queue.size ?? 0;
    return {
      peers: this.libp2p.getPeers().length,
      banned: this.scorer.bannedPeers().length,
      bansIssued: this.scorer.bansIssued,
      topics: structuredClone(this.stats_),
      sync: { ...this.syncServer.stats },
      txFetch: { ...this.txFetch.stats },
      snapshot: { ...this.snapshotServer.stats },
    };
  }

  // ---- transactions by hash ---------------------------------------------------------------

  /** What this node serves to peers rebuilding compact proposals. */
  setTxSource(source: TxSource | undefined): void {
    this.txFetch.source = source;
  }

  /** Ask one peer for transactions by hash (tx-fetch.ts); unchecked against the hashes. */
  async fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    if (this.stopped) throw new NetworkError("NET_NOT_STARTED", "network is stopped");
    return this.txFetch.fetch(peer, hashes, timeoutMs);
  }

  // ---- state snapshots ---------------------------------------------------------------------

  /** What this node serves to peers that state-sync (undefined: offers [] and every part absent). */
  setSnapshotSource(source: SnapshotSource | undefined): void {
    this.snapshotServer.source = source;
  }

  /** Ask one peer which snapshots it offers (snapshot/client.ts); rejects with TRANSPORT_FETCH_FAILED. */
  async snapshotOffers(peer: string, timeoutMs: number): Promise<SnapshotOffer[]> {
    if (this.stopped) throw new NetworkError("NET_NOT_STARTED", "network is stopped");
    return this.snapshotClient.offers(peer, timeoutMs);
  }

  /** Ask one peer for one part of a snapshot (unchecked bytes, or undefined); rejects with TRANSPORT_FETCH_FAILED. */
  async fetchSnapshotPart(peer: string, height: number, name: string, timeoutMs: number, maxBytes?: number): Promise<Uint8Array | undefined> {
    if (this.stopped) throw new NetworkError("NET_NOT_STARTED", "network is stopped");
    return this.snapshotClient.part(peer, height, name, timeoutMs, maxBytes);
  }

  // ---- block sync ---------------------------------------------------------------------------

  /** What this node serves to syncing peers; set it once the block store is open. */
  setBlockSource(source: BlockSource | undefined): void {
    this.syncServer.source = source;
  }

  /** Heights and latest hashes of connected peers that serve sync. */
  async peerStatuses(signal?: AbortSignal): Promise<PeerStatus[]> {
    return this.syncClient.statuses(new Set(), signal);
  }

  /**
   * Catch up to `target` (default: the best height peers report), verifying every block
   * through hooks.verifyAndApply before the next is applied. See SyncClient.syncTo.
   */
  async syncTo(hooks: SyncHooks, target?: number, run?: SyncRunOptions): Promise<SyncResult> {
    return this.syncClient.syncTo(hooks, target, run);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs.values()) s.queue.close();
    await this.libp2p.stop();
  }
}

/** Create and start a libp2p network node for one chain. */
export async function createNetwork(opts: NetworkOptions): Promise<Network> {
  return Network.create(opts);
}
