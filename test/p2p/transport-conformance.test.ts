import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { MAX_FETCH_HASHES, type NodeTransport, type Topic, type TxSource } from "../../runtime/p2p/transport.ts";
import { DEFAULT_TOPIC_LIMITS } from "../../runtime/p2p/topics.ts";
import { loadPlugins, type LoadedPlugins } from "../../runtime/plugins/index.ts";
import { libp2pTransportPlugin } from "../../plugins/transports/libp2p/plugin.ts";
import type { Libp2pNodeTransport } from "../../plugins/transports/libp2p/node-transport.ts";
import { SimHub, simTransportPluginFor, type SimTransport } from "../../plugins/transports/sim/index.ts";
import { CHAIN_ID, FakeChain, FakeVerifier, LyingSource, waitFor } from "./helpers.ts";

/**
 * One suite, every transport: what the consensus engine relies on (runtime/p2p/transport.ts)
 * holds the same over libp2p on real 127.0.0.1 sockets and over the in-process sim hub. Each
 * node is created through its plugin and the loader, as a node does.
 */
interface Harness {
  readonly name: string;
  /** A new node; `join` names running nodes it connects to (libp2p: its bootstrap peers). */
  start(...join: NodeTransport[]): Promise<NodeTransport>;
  /** Resolves once `publisher`'s gossip on `topic` reaches `n` subscribed peers. */
  subscribed(publisher: NodeTransport, topic: Topic, n: number): Promise<void>;
  /** A peer that skips its own checks sends `bytes` (oversized, garbage) to its peers. */
  sendRaw(from: NodeTransport, topic: Topic, bytes: Uint8Array): Promise<void>;
  /** How many faults `receiver` holds against `peer` (rejected gossip, bad blocks). */
  penalties(receiver: NodeTransport, peer: string): number;
  stopAll(): Promise<void>;
}

class LoaderHarness {
  protected readonly loaded: LoadedPlugins[] = [];
  async stopAll(): Promise<void> {
    await Promise.all(this.loaded.splice(0).map((l) => l.stop().catch(() => undefined)));
  }
}

class Libp2pHarness extends LoaderHarness implements Harness {
  readonly name = "libp2p (127.0.0.1 sockets)";

  async start(...join: NodeTransport[]): Promise<NodeTransport> {
    const loaded = await loadPlugins(
      [libp2pTransportPlugin],
      // Many nodes on one host: no per-host connection rate limit; quick maintenance.
      { transport: "libp2p", options: { libp2p: { maintenanceIntervalMs: 300, inboundConnectionsPerSecond: 10_000, minPeers: 1 } } },
      { chainId: CHAIN_ID, p2p: { host: "127.0.0.1", port: 0, bootstrap: join.map((j) => j.addresses!()[0]!) }, maxBlockBytes: 1 << 20 },
    );
    this.loaded.push(loaded);
    const t = loaded.transport()!;
    await waitFor(() => join.every((j) => t.peers!().includes(j.id)), "the bootstrap connections");
    return t;
  }

  async subscribed(publisher: NodeTransport, topic: Topic, n: number): Promise<void> {
    const net = (publisher as Libp2pNodeTransport).network;
    await waitFor(() => net.libp2p.services.pubsub.getSubscribers(net.topic(topic)).length >= n, `${n} subscribers of ${topic}`);
  }

  async sendRaw(from: NodeTransport, topic: Topic, bytes: Uint8Array): Promise<void> {
    const net = (from as Libp2pNodeTransport).network;
    await net.libp2p.services.pubsub.publish(net.topic(topic), bytes);
  }

  penalties(receiver: NodeTransport, peer: string): number {
    // 10 points per rejected message (DEFAULT_SCORING.gossipReject), recovering slowly.
    return Math.round(-(receiver as Libp2pNodeTransport).network.score(peer).app / 10);
  }
}

class SimHarness extends LoaderHarness implements Harness {
  readonly name = "sim (in-process hub)";
  private hub = new SimHub();
  private n = 0;

  async start(): Promise<NodeTransport> {
    const loaded = await loadPlugins([simTransportPluginFor(this.hub)], { transport: "sim", options: { sim: { peerId: `node-${this.n++}` } } }, { chainId: CHAIN_ID, maxBlockBytes: 1 << 20 });
    this.loaded.push(loaded);
    return loaded.transport()!;
  }

  async subscribed(): Promise<void> {}

  async sendRaw(from: NodeTransport, topic: Topic, bytes: Uint8Array): Promise<void> {
    for (const p of from.peers!()) this.hub.inject(from.id, p, topic, bytes);
  }

  penalties(receiver: NodeTransport, peer: string): number {
    return (receiver as SimTransport).penalties.filter((p) => p.peer === peer).length;
  }

  override async stopAll(): Promise<void> {
    await super.stopAll();
    this.hub = new SimHub();
  }
}

const text = (b: Uint8Array): string => Buffer.from(b).toString();
const sha = (b: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(b).digest());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

for (const h of [new SimHarness(), new Libp2pHarness()]) {
  describe(`transport conformance: ${h.name}`, function () {
    this.timeout(30_000);
    afterEach(() => h.stopAll());

    it("publish reaches every subscribed peer once, with the publisher as `from`, and not the publisher", async () => {
      const a = await h.start();
      const [b, c] = [await h.start(a), await h.start(a)];
      const got = new Map<string, string[]>();
      for (const t of [a, b, c]) {
        got.set(t.id, []);
        t.subscribe("votes", () => "accept", (bytes, from) => void got.get(t.id)!.push(`${text(bytes)} from ${from === a.id ? "a" : from}`));
      }
      await h.subscribed(a, "votes", 2);
      await a.publish("votes", Buffer.from("v1"));
      await waitFor(() => got.get(b.id)!.length === 1 && got.get(c.id)!.length === 1, "b and c to hear the vote");
      await sleep(200);
      expect(got.get(b.id)).to.deep.equal(["v1 from a"]);
      expect(got.get(c.id)).to.deep.equal(["v1 from a"]);
      expect(got.get(a.id)).to.deep.equal([]);
    });

    it("validator verdicts: accept is handled; ignore drops quietly; reject and a throw drop and penalise the sender", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const handled: string[] = [];
      b.subscribe(
        "txs",
        (bytes) => {
          const s = text(bytes);
          if (s.startsWith("throw")) throw new Error("undecodable");
          return s.startsWith("ok") ? "accept" : s.startsWith("dup") ? "ignore" : "reject";
        },
        (bytes) => void handled.push(text(bytes)),
      );
      await h.subscribed(a, "txs", 1);
      await a.publish("txs", Buffer.from("dup-1"));
      await a.publish("txs", Buffer.from("ok-1"));
      await waitFor(() => handled.length === 1, "the accepted message");
      await sleep(100);
      expect(h.penalties(b, a.id), "ignore costs nothing").to.equal(0);
      await a.publish("txs", Buffer.from("bad-1"));
      await waitFor(() => h.penalties(b, a.id) === 1, "the reject to cost a");
      await a.publish("txs", Buffer.from("ok-2"));
      await waitFor(() => handled.length === 2, "the second accepted message");
      await a.publish("txs", Buffer.from("throw-1"));
      await waitFor(() => h.penalties(b, a.id) === 2, "the throw to cost a");
      await sleep(100);
      expect(handled).to.deep.equal(["ok-1", "ok-2"]);
    });

    it("oversized frames are refused: publish throws NET_MESSAGE_TOO_LARGE; a peer sending one is penalised and not heard", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const handled: number[] = [];
      b.subscribe("votes", () => "accept", (bytes) => void handled.push(bytes.length));
      await h.subscribed(a, "votes", 1);
      const big = randomBytes(DEFAULT_TOPIC_LIMITS.votes + 1);
      expect((await rejection(a.publish("votes", big))).code).to.equal("NET_MESSAGE_TOO_LARGE");
      await h.sendRaw(a, "votes", big);
      await waitFor(() => h.penalties(b, a.id) === 1, "b to penalise a");
      await a.publish("votes", randomBytes(DEFAULT_TOPIC_LIMITS.votes));
      await waitFor(() => handled.length === 1, "the message at the limit");
      expect(handled).to.deep.equal([DEFAULT_TOPIC_LIMITS.votes]);
      const tooMany = Array.from({ length: MAX_FETCH_HASHES + 1 }, () => randomBytes(32));
      await rejection(b.fetchTxs!(a.id, tooMany, 2_000));
    });

    it("transactions by hash: answers in request order, undefined where the peer lacks one", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const txs = [randomBytes(200), randomBytes(3000)];
      const byHash = new Map(txs.map((t) => [Buffer.from(sha(t)).toString("hex"), t]));
      const source: TxSource = { tx: (hash) => byHash.get(Buffer.from(hash).toString("hex")) };
      a.setTxSource!(source);
      expect(b.peers!()).to.include(a.id);
      const got = await b.fetchTxs!(a.id, [sha(txs[1]!), randomBytes(32), sha(txs[0]!)], 5_000);
      expect(got.map((t) => t && Buffer.from(t).toString("hex"))).to.deep.equal([Buffer.from(txs[1]!).toString("hex"), undefined, Buffer.from(txs[0]!).toString("hex")]);
      a.setTxSource!(undefined);
      expect(await b.fetchTxs!(a.id, [sha(txs[0]!)], 5_000)).to.deep.equal([undefined]);
    });

    it("block sync: alone it resolves at the local height; then it syncs every block, verifying each in order", async () => {
      const secret = randomBytes(32);
      const b = await h.start();
      const verifier = new FakeVerifier(secret);
      expect(await b.syncTo(verifier)).to.deep.equal({ height: 0, applied: 0 });
      const a = await h.start(b);
      a.setBlockSource(new FakeChain(secret, 30));
      await waitFor(async () => (await b.bestPeerHeight()) === 30, "a's height");
      expect(await b.syncTo(verifier)).to.deep.equal({ height: 30, applied: 30 });
      expect(verifier.applied.map((x) => x.height)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(verifier.applied.every((x) => x.peer === a.id)).to.equal(true);
      expect(await b.syncTo(verifier)).to.deep.equal({ height: 30, applied: 0 });
    });

    it("block sync: a peer serving a forged block is penalised and sync completes from an honest one", async () => {
      const secret = randomBytes(32);
      const chain = new FakeChain(secret, 20);
      const liar = await h.start();
      liar.setBlockSource(new LyingSource(chain, 5));
      const honest = await h.start(liar);
      honest.setBlockSource(chain);
      const b = await h.start(liar, honest);
      const verifier = new FakeVerifier(secret);
      expect((await b.syncTo(verifier, 20)).height).to.equal(20);
      if (verifier.applied.some((x) => x.peer === liar.id && x.height >= 5)) throw new Error("a forged block was applied");
      if (verifier.applied.filter((x) => x.peer === liar.id).length < verifier.applied.length) {
        // The liar was asked for a forged height: it must have paid for it.
        expect(h.penalties(b, liar.id)).to.be.greaterThan(0);
      }
    });

    it("peers join and leave: a late node hears gossip once connected; one that stops drops out of peers()", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const late = await h.start(a);
      await waitFor(() => a.peers!().includes(late.id), "a to see the late node");
      const heard: string[] = [];
      late.subscribe("blocks", () => "accept", (bytes) => void heard.push(text(bytes)));
      await h.subscribed(a, "blocks", 1);
      await a.publish("blocks", Buffer.from("announce-1"));
      await waitFor(() => heard.length === 1, "the late node to hear it");
      await late.stop();
      await waitFor(() => !a.peers!().includes(late.id), "a to drop the stopped node");
      expect(a.peers!()).to.include(b.id);
      await a.publish("blocks", Buffer.from("announce-2"));
      expect(heard).to.deep.equal(["announce-1"]);
    });

    it("stop is clean: idempotent; no handler runs afterwards; publish, syncTo and fetchTxs reject with TRANSPORT_STOPPED", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const heard: string[] = [];
      b.subscribe("evidence", () => "accept", (bytes) => void heard.push(text(bytes)));
      await h.subscribed(a, "evidence", 1);
      await b.stop();
      await b.stop();
      await a.publish("evidence", Buffer.from("after stop")).catch(() => undefined);
      await sleep(300);
      expect(heard).to.deep.equal([]);
      expect((await rejection(b.publish("votes", Buffer.from("x")))).code).to.equal("TRANSPORT_STOPPED");
      expect((await rejection(b.syncTo(new FakeVerifier(randomBytes(32))))).code).to.equal("TRANSPORT_STOPPED");
      expect((await rejection(b.fetchTxs!(a.id, [randomBytes(32)], 1_000))).code).to.equal("TRANSPORT_STOPPED");
      expect(b.peers!()).to.deep.equal([]);
      expect(await b.bestPeerHeight()).to.equal(0);
      await waitFor(() => !a.peers!().includes(b.id), "a to see b leave");
    });
  });
}
