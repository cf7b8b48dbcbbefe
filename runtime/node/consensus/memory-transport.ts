import {
  MAX_FETCH_HASHES,
  MAX_FETCH_RESPONSE_BYTES,
  TransportError,
  type BlockSource,
  type FaultKind,
  type NodeTransport,
  type SyncHooks,
  type SyncOutcome,
  type Topic,
  type TopicHandler,
  type TopicValidator,
  type TxSource,
} from "./transport.ts";

/**
 * An in-process network for tests: every attached transport hears every other one's gossip
 * (asynchronously, like a real network), unless the hub says the two cannot reach each
 * other (a node taken down, or a partition). Sync reads peers' block sources directly.
 */
export class MemoryHub {
  private readonly nodes = new Map<string, MemoryTransport>();
  private groups: string[][] | undefined;
  private readonly down = new Set<string>();
  /** TEST ONLY: topics a node does not hear (e.g. "txbatch": it must fetch every transaction). */
  private readonly deaf = new Map<string, Set<Topic>>();

  /** TEST ONLY: node `id` stops hearing `topics` ([] restores). */
  setDeaf(id: string, topics: readonly Topic[]): void {
    this.deaf.set(id, new Set(topics));
  }

  hears(id: string, topic: Topic): boolean {
    return !this.deaf.get(id)?.has(topic);
  }

  attach(id: string): MemoryTransport {
    const t = new MemoryTransport(id, this);
    this.nodes.set(id, t);
    this.down.delete(id);
    return t;
  }

  detach(id: string): void {
    this.nodes.delete(id);
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

  peersOf(id: string): MemoryTransport[] {
    return [...this.nodes.values()].filter((t) => this.reachable(id, t.id));
  }
}

export class MemoryTransport implements NodeTransport {
  private readonly subs = new Map<Topic, { validator: TopicValidator; handler: TopicHandler }[]>();
  private source: BlockSource | undefined;
  private txSource: TxSource | undefined;
  private stopped = false;
  /** TEST ONLY: how this node answers tx fetches: honestly, with nothing, or with wrong bytes. */
  testTxAnswers: "honest" | "none" | "corrupt" = "honest";
  /** Penalties this node gave, for tests. */
  readonly penalties: { peer: string; reason: string; kind: FaultKind }[] = [];

  constructor(
    readonly id: string,
    private readonly hub: MemoryHub,
  ) {}

  async publish(topic: Topic, bytes: Uint8Array): Promise<void> {
    if (this.stopped) return;
    for (const peer of this.hub.peersOf(this.id)) {
      const copy = new Uint8Array(bytes);
      // Asynchronous like a socket: no handler runs inside the publisher's call stack.
      setImmediate(() => peer.deliver(topic, copy, this.id));
    }
  }

  private deliver(topic: Topic, bytes: Uint8Array, from: string): void {
    if (this.stopped || !this.hub.reachable(from, this.id) || !this.hub.hears(this.id, topic)) return;
    for (const s of this.subs.get(topic) ?? []) {
      const v = s.validator(bytes, from);
      const handle = (verdict: string): void => {
        if (verdict === "accept") void Promise.resolve(s.handler(bytes, from)).catch(() => undefined);
      };
      // A synchronous verdict is handled at once, keeping arrival order for those topics.
      if (typeof v === "string") handle(v);
      else void v.then(handle, () => undefined);
    }
  }

  subscribe(topic: Topic, validator: TopicValidator, handler: TopicHandler): () => void {
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

  private servingPeers(): { t: MemoryTransport; height: number }[] {
    return this.hub
      .peersOf(this.id)
      .filter((p) => p.source && !p.stopped)
      .map((p) => ({ t: p, height: p.source!.height() }));
  }

  async bestPeerHeight(): Promise<number> {
    return Math.max(0, ...this.servingPeers().map((p) => p.height));
  }

  async syncTo(hooks: SyncHooks, target?: number): Promise<SyncOutcome> {
    if (this.stopped) throw new TransportError("TRANSPORT_STOPPED", "transport is stopped");
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
        const v = await hooks.verifyAndApply({ height: h, block: b.block, commit: b.commit, peer: p.t.id });
        if (v.ok) {
          done = true;
          applied++;
          break;
        }
      }
      if (!done) break;
      // Yield between blocks, as a network would.
      await new Promise((r) => setImmediate(r));
    }
    return { height: hooks.localHeight(), applied };
  }

  penalize(peer: string, reason: string, kind: FaultKind = "invalid"): void {
    this.penalties.push({ peer, reason, kind });
  }

  peers(): string[] {
    return this.hub.peersOf(this.id).map((p) => p.id);
  }

  setTxSource(source: TxSource | undefined): void {
    this.txSource = source;
  }

  async fetchTxs(peer: string, hashes: readonly Uint8Array[], timeoutMs: number): Promise<(Uint8Array | undefined)[]> {
    if (hashes.length > MAX_FETCH_HASHES) throw new TransportError("TRANSPORT_FETCH_FAILED", `at most ${MAX_FETCH_HASHES} hashes per request`);
    const p = this.hub.peersOf(this.id).find((t) => t.id === peer && !t.stopped);
    if (!p) throw new TransportError("TRANSPORT_FETCH_FAILED", `peer ${peer} is not reachable`);
    await new Promise((r) => setTimeout(r, Math.min(1, timeoutMs)));
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.subs.clear();
    this.source = undefined;
    this.hub.detach(this.id);
  }
}
