import {
  isSnapshotHeight,
  isSnapshotPartName,
  MAX_FETCH_HASHES,
  MAX_FETCH_RESPONSE_BYTES,
  MAX_SNAPSHOT_OFFER_BYTES,
  MAX_SNAPSHOT_OFFERS,
  MAX_SNAPSHOT_PART_BYTES,
  MAX_SNAPSHOT_PART_NAME,
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
import { NetworkError } from "../../../runtime/p2p/errors.ts";
import { nodeTopicLimits } from "../../../runtime/p2p/topics.ts";
import { perfectLink, type LinkDecision, type LinkModel, type LinkTraffic } from "./link-model.ts";

/** Topic limits of a node attached without its own: the default 16 MiB maxBlockBytes on the blocks topic. */
const DEFAULT_SIM_LIMITS = nodeTopicLimits(16 * 1024 * 1024);

const tick = (ms: number): Promise<void> => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

/**
 * An in-process network: every attached transport hears every other one's gossip
 * (asynchronously, like a real network), unless the hub says the two cannot reach each other
 * (a node taken down, or a partition) or the link model drops the message. Sync and tx fetches
 * read peers' sources directly, through the same link model.
 */
export class SimHub {
  private readonly nodes = new Map<string, SimTransport>();
  private groups: string[][] | undefined;
  private readonly down = new Set<string>();
  /** TEST ONLY: topics a node does not hear (e.g. "txbatch": it must fetch every transaction). */
  private readonly deaf = new Map<string, Set<Topic>>();

  constructor(private link: LinkModel = perfectLink) {}

  /** Replace the link model (e.g. a mesh simulator's latency and loss per link). */
  setLinkModel(link: LinkModel): void {
    this.link = link;
  }

  linkTo(from: string, to: string, traffic: LinkTraffic, bytes: number): LinkDecision {
    return this.link.decide(from, to, traffic, bytes);
  }

  /** TEST ONLY: node `id` stops hearing `topics` ([] restores). */
  setDeaf(id: string, topics: readonly Topic[]): void {
    this.deaf.set(id, new Set(topics));
  }

  hears(id: string, topic: Topic): boolean {
    return !this.deaf.get(id)?.has(topic);
  }

  /** A new transport named `id` (its peer id), connected to every reachable node. */
  attach(id: string, opts: { topicLimits?: Readonly<Record<Topic, number>> } = {}): SimTransport {
    const t = new SimTransport(id, this, opts.topicLimits ?? DEFAULT_SIM_LIMITS);
    this.nodes.set(id, t);
    this.down.delete(id);
    return t;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  detach(id: string, t?: SimTransport): void {
    // A restarted node may have re-attached under the same id: leave the new one.
    if (!t || this.nodes.get(id) === t) this.nodes.delete(id);
  }

  /** Cut a node off (it keeps running but hears nothing and reaches nobody). */
  setDown(id: string, isDown: boolean): void {
    if (isDown) this.down.add(id);
    else this.down.delete(id);
  }

  /** Split the network into groups that only hear each other; undefined heals it. */
  partition(groups: string[][] | undefined): void {
    this.groups = groups;
  }

  reachable(a: string, b: string): boolean {
    if (a === b || this.down.has(a) || this.down.has(b)) return false;
    if (!this.groups) return true;
    return this.groups.some((g) => g.includes(a) && g.includes(b));
  }

  peersOf(id: string): SimTransport[] {
    return [...this.nodes.values()].filter((t) => this.reachable(id, t.id));
  }

  /** Carries one gossip message to one node through the link model. */
  send(from: string, to: SimTransport, topic: Topic, bytes: Uint8Array): void {
    const d = this.linkTo(from, to.id, topic, bytes.length);
    if (d.drop) return;
    const copy = new Uint8Array(bytes);
    // Asynchronous like a socket: no handler runs inside the publisher's call stack.
    const go = (): void => to.receive(topic, copy, from);
    if (d.delayMs > 0) setTimeout(go, d.delayMs);
    else setImmediate(go);
  }

  /** TEST ONLY: a peer that skips its own checks (oversized or garbage frames) sends `bytes` to `to`. */
  inject(from: string, to: string, topic: Topic, bytes: Uint8Array): void {
    const t = this.nodes.get(to);
    if (t && this.reachable(from, to)) this.send(from, t, topic, bytes);
  }
}

export class SimTransport implements NodeTransport {
  private readonly subs = new Map<Topic, { validator: TopicValidator; handler: TopicHandler }[]>();
  private source: BlockSource | undefined;
  private txSource: TxSource | undefined;
  private snapshotSource: SnapshotSource | undefined;
  /** Snapshot requests in flight: stop() rejects them with TRANSPORT_STOPPED. */
  private readonly snapshotWaits = new Set<(e: Error) => void>();
  private stopped = false;
  /** TEST ONLY: how this node answers tx fetches: honestly, with nothing, or with wrong bytes. */
  testTxAnswers: "honest" | "none" | "corrupt" = "honest";
  /** Penalties this node gave: its own (penalize) and for gossip it rejected (kind "invalid"). */
  readonly penalties: { peer: string; reason: string; kind: FaultKind }[] = [];

  constructor(
    readonly id: string,
    private readonly hub: SimHub,
    readonly topicLimits: Readonly<Record<Topic, number>> = DEFAULT_SIM_LIMITS,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  addresses(): string[] {
    return [`/sim/${this.id}`];
  }

  private live(what: string): void {
    if (this.stopped) throw new TransportError("TRANSPORT_STOPPED", `${what}: transport is stopped`);
  }

  async publish(topic: Topic, bytes: Uint8Array): Promise<void> {
    this.live("publish");
    const limit = this.topicLimits[topic];
    if (bytes.length > limit) throw new NetworkError("NET_MESSAGE_TOO_LARGE", `${topic} message of ${bytes.length} bytes exceeds the ${limit} byte limit`, { kind: topic, bytes: bytes.length });
    for (const peer of this.hub.peersOf(this.id)) this.hub.send(this.id, peer, topic, bytes);
  }

  /** A message arriving from `from` (called by the hub). */
  receive(topic: Topic, bytes: Uint8Array, from: string): void {
    if (this.stopped || !this.hub.reachable(from, this.id) || !this.hub.hears(this.id, topic)) return;
    const subs = this.subs.get(topic);
    if (!subs?.length) return;
    // As on libp2p: an oversized frame is refused before any validator and costs the sender.
    if (bytes.length > this.topicLimits[topic]) return this.rejected(from, `${topic}: ${bytes.length} bytes exceeds ${this.topicLimits[topic]}`);
    for (const s of subs) {
      const handle = (verdict: string): void => {
        if (this.stopped) return;
        if (verdict === "reject") this.rejected(from, `${topic}: validator rejected it`);
        else if (verdict === "accept") void Promise.resolve(s.handler(bytes, from)).catch(() => undefined);
      };
      let v: ReturnType<TopicValidator>;
      try {
        v = s.validator(bytes, from);
      } catch (e) {
        this.rejected(from, `${topic}: ${(e as Error).message}`);
        continue;
      }
      // A synchronous verdict is handled at once, keeping arrival order for those topics.
      if (typeof v === "string") handle(v);
      else void v.then(handle, (e: Error) => this.rejected(from, `${topic}: ${e.message}`));
    }
  }

  private rejected(from: string, reason: string): void {
    if (!this.stopped) this.penalties.push({ peer: from, reason, kind: "invalid" });
  }

  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void {
    if (this.stopped) return () => undefined;
    const list = this.subs.get(topic) ?? [];
    const entry = { validator, handler };
    list.push(entry);
    this.subs.set(topic, list);
    return () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  setBlockSource(source: BlockSource | undefined): void {
    this.source = source;
  }

  private servingPeers(): { t: SimTransport; height: number }[] {
    return this.hub
      .peersOf(this.id)
      .filter((p) => p.source && !p.stopped)
      .map((p) => ({ t: p, height: p.source!.height() }));
  }

  async bestPeerHeight(): Promise<number> {
    if (this.stopped) return 0;
    return Math.max(0, ...this.servingPeers().map((p) => p.height));
  }

  async syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome> {
    this.live("syncTo");
    const goal = target ?? (await this.bestPeerHeight());
    let applied = 0;
    while (hooks.localHeight() < goal && !this.stopped) {
      const h = hooks.localHeight() + 1;
      const peers = this.servingPeers().filter((p) => p.height >= h);
      if (peers.length === 0) break;
      let done = false;
      for (const p of peers) {
        const b = p.t.source?.block(h);
        if (!b) continue;
        const d = this.hub.linkTo(p.t.id, this.id, "sync", b.block.length + b.commit.length);
        if (d.drop) continue;
        await tick(d.delayMs);
        if (this.stopped) break;
        const v = await hooks.verifyAndApply({ height: h, block: b.block, commit: b.commit, peer: p.t.id });
        if (v.ok) {
          done = true;
          applied++;
          break;
        }
        this.penalties.push({ peer: p.t.id, reason: `sync: block ${h} failed verification: ${v.reason}`, kind: "lie" });
      }
      if (!done) break;
      // Yield between blocks, as a network would.
      await tick(0);
    }
    return { height: hooks.localHeight(), applied };
  }

  penalize(peer: string, reason: string, kind: FaultKind = "invalid"): void {
    this.penalties.push({ peer, reason, kind });
  }

  peers(): string[] {
    if (this.stopped) return [];
    return this.hub.peersOf(this.id).map((p) => p.id);
  }

  setTxSource(source: TxSource | undefined): void {
    this.txSource = source;
  }

  async fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    this.live("fetchTxs");
    if (hashes.length > MAX_FETCH_HASHES) throw new TransportError("TRANSPORT_FETCH_FAILED", `at most ${MAX_FETCH_HASHES} hashes per request`);
    const p = this.hub.peersOf(this.id).find((t) => t.id === peer && !t.stopped);
    if (!p) throw new TransportError("TRANSPORT_FETCH_FAILED", `peer ${peer} is not reachable`);
    const out = this.hub.linkTo(this.id, peer, "txfetch", hashes.length * 32);
    const back = this.hub.linkTo(peer, this.id, "txfetch", 0);
    const rtt = out.drop || back.drop ? Infinity : out.delayMs + back.delayMs;
    if (rtt > timeoutMs) {
      await tick(timeoutMs);
      throw new TransportError("TRANSPORT_FETCH_FAILED", `tx fetch from ${peer} timed out after ${timeoutMs} ms`);
    }
    await tick(Math.max(1, rtt));
    if (p.stopped) throw new TransportError("TRANSPORT_FETCH_FAILED", `peer ${peer} went away`);
    return p.serveTxs(hashes);
  }

  private serveTxs(hashes: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    let bytes = 0;
    return hashes.map((h) => {
      if (this.testTxAnswers === "none" || bytes >= MAX_FETCH_RESPONSE_BYTES) return undefined;
      const t = this.txSource?.tx(h);
      if (!t) return undefined;
      bytes += t.length;
      if (this.testTxAnswers !== "corrupt") return new Uint8Array(t);
      const bad = new Uint8Array(t);
      bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
      return bad;
    });
  }

  setSnapshotSource(source: SnapshotSource | undefined): void {
    if (!this.stopped) this.snapshotSource = source;
  }

  async snapshotOffers(peer: string, timeoutMs: number): Promise<SnapshotOffer[]> {
    this.live("snapshotOffers");
    return this.snapshotRequest(peer, "offers", timeoutMs, 1, (p) => p.serveOffers(), (offers) => offers.reduce((n, o) => n + o.descriptor.length + 9, 1));
  }

  async fetchSnapshotPart(peer: string, height: number, name: string, timeoutMs: number, maxBytes = MAX_SNAPSHOT_PART_BYTES): Promise<Uint8Array | undefined> {
    this.live("fetchSnapshotPart");
    const what = `part ${height}/${isSnapshotPartName(name) ? name : "?"}`;
    const fail = (reason: string): TransportError => new TransportError("TRANSPORT_FETCH_FAILED", `snapshot ${what} from ${peer}: ${reason}`, { peer, what });
    if (!isSnapshotHeight(height)) throw fail(`height must be a non-negative safe integer, got ${String(height)}`);
    if (!isSnapshotPartName(name)) throw fail(`part name must be 1..${MAX_SNAPSHOT_PART_NAME} characters of [A-Za-z0-9/_.-], got ${typeof name === "string" && (name as string).length <= 80 ? JSON.stringify(name) : typeof name}`);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw fail(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
    const limit = Math.min(maxBytes, MAX_SNAPSHOT_PART_BYTES);
    const part = await this.snapshotRequest(peer, what, timeoutMs, 12 + name.length, (p) => p.servePart(height, name), (b) => b?.length ?? 1);
    // The libp2p client refuses the frame on its length prefix; here the copy is simply dropped.
    if (part && part.length > limit) throw fail(`answer over maxBytes ${limit}: part of ${part.length} bytes`);
    return part;
  }

  /**
   * One snapshot request to `peer`: the request and the answer each cross the link model (a
   * lost leg is a timeout), the peer's source answers in between; the whole is bounded by
   * timeoutMs. Rejects as the libp2p client does: TRANSPORT_FETCH_FAILED naming the peer,
   * TRANSPORT_STOPPED when this node stops meanwhile.
   */
  private snapshotRequest<T>(peer: string, what: string, timeoutMs: number, reqBytes: number, serve: (p: SimTransport) => Promise<T>, answerBytes: (a: T) => number): Promise<T> {
    const fail = (reason: string, cause?: unknown): TransportError =>
      new TransportError("TRANSPORT_FETCH_FAILED", `snapshot ${what} from ${peer}: ${reason}`, { peer, what }, cause === undefined ? {} : { cause });
    if (!(timeoutMs > 0)) return Promise.reject(fail(`timeoutMs must be positive, got ${String(timeoutMs)}`));
    const p = this.hub.peersOf(this.id).find((t) => t.id === peer && !t.stopped);
    if (!p) return Promise.reject(fail("not connected"));
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (e: Error | undefined, v?: T): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.snapshotWaits.delete(onStop);
        if (e) reject(e);
        else resolve(v as T);
      };
      const onStop = (e: Error): void => finish(e);
      this.snapshotWaits.add(onStop);
      const timer = setTimeout(() => finish(fail(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      const never = new Promise<never>(() => undefined);
      void (async (): Promise<T> => {
        const out = this.hub.linkTo(this.id, peer, "snapshot", reqBytes);
        if (out.drop) return never;
        await tick(out.delayMs);
        if (p.stopped || !this.hub.reachable(this.id, peer)) throw fail("the peer went away");
        let answer: T;
        try {
          answer = await serve(p);
        } catch (e) {
          throw fail(`the peer failed to answer: ${(e as Error).message}`, e);
        }
        const back = this.hub.linkTo(peer, this.id, "snapshot", answerBytes(answer));
        if (back.drop) return never;
        await tick(back.delayMs);
        if (!this.hub.reachable(this.id, peer)) throw fail("the peer went away");
        return answer;
      })().then(
        (v) => finish(undefined, v),
        (e: Error) => finish(e),
      );
    });
  }

  /** The offers this node sends (as the libp2p server does): well-formed ones, the first MAX_SNAPSHOT_OFFERS, copied. */
  private async serveOffers(): Promise<SnapshotOffer[]> {
    const out: SnapshotOffer[] = [];
    for (const o of this.snapshotSource?.offers() ?? []) {
      if (out.length === MAX_SNAPSHOT_OFFERS) break;
      if (!isSnapshotHeight(o.height) || !(o.descriptor instanceof Uint8Array) || o.descriptor.length > MAX_SNAPSHOT_OFFER_BYTES) continue;
      out.push({ height: o.height, descriptor: new Uint8Array(o.descriptor) });
    }
    return out;
  }

  /** One part as this node sends it: a copy, or undefined (no source, no such part, or over MAX_SNAPSHOT_PART_BYTES). */
  private async servePart(height: number, name: string): Promise<Uint8Array | undefined> {
    const src = this.snapshotSource;
    if (!src || !isSnapshotHeight(height) || !isSnapshotPartName(name)) return undefined;
    const b = await src.part(height, name);
    return b && b.length <= MAX_SNAPSHOT_PART_BYTES ? new Uint8Array(b) : undefined;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.subs.clear();
    this.source = undefined;
    this.txSource = undefined;
    this.snapshotSource = undefined;
    for (const reject of [...this.snapshotWaits]) reject(new TransportError("TRANSPORT_STOPPED", "snapshot request: transport is stopped"));
    this.hub.detach(this.id, this);
  }
}
