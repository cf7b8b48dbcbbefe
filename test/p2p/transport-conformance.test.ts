import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import {
  MAX_FETCH_HASHES,
  MAX_SNAPSHOT_OFFER_BYTES,
  MAX_SNAPSHOT_OFFERS,
  MAX_SNAPSHOT_PART_NAME,
  type NodeTransport,
  type SnapshotOffer,
  type SnapshotSource,
  type Topic,
  type TxSource,
} from "../../runtime/p2p/transport.ts";
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

    it("snapshot offers: [] without a source; the source's offers in order within the protocol's bounds", async () => {
      const a = await h.start();
      const b = await h.start(a);
      expect(await b.snapshotOffers!(a.id, 5_000)).to.deep.equal([]);
      const offer = (height: number, bytes: number): SnapshotOffer => ({ height, descriptor: new Uint8Array(randomBytes(bytes)) });
      // One over the descriptor bound (left out), then more than MAX_SNAPSHOT_OFFERS at the bound.
      const offers = [offer(1_000, MAX_SNAPSHOT_OFFER_BYTES + 1), ...Array.from({ length: MAX_SNAPSHOT_OFFERS + 2 }, (_, i) => offer(900 - i, MAX_SNAPSHOT_OFFER_BYTES))];
      a.setSnapshotSource!({ offers: () => offers, part: () => undefined });
      const got = await b.snapshotOffers!(a.id, 5_000);
      expect(got.map((o) => o.height)).to.deep.equal(offers.slice(1, 1 + MAX_SNAPSHOT_OFFERS).map((o) => o.height));
      expect(got.every((o, i) => Buffer.from(o.descriptor).equals(Buffer.from(offers[i + 1]!.descriptor)))).to.equal(true);
      // A copy: what the asker does with it never reaches the server's source.
      got[0]!.descriptor[0] = got[0]!.descriptor[0]! ^ 0xff;
      expect(offers[1]!.descriptor[0]).to.not.equal(got[0]!.descriptor[0]);
      a.setSnapshotSource!({ offers: () => [offer(0, 0)], part: () => undefined });
      expect((await b.snapshotOffers!(a.id, 5_000)).map((o) => [o.height, o.descriptor.length])).to.deep.equal([[0, 0]]);
      a.setSnapshotSource!(undefined);
      expect(await b.snapshotOffers!(a.id, 5_000)).to.deep.equal([]);
    });

    it("snapshot parts: present, absent, async, several MiB intact; an answer over maxBytes is refused with TRANSPORT_FETCH_FAILED", async () => {
      const a = await h.start();
      const b = await h.start(a);
      expect(await b.fetchSnapshotPart!(a.id, 100, "manifest", 5_000), "no source: absent").to.equal(undefined);
      const parts = new Map<string, Uint8Array>([
        ["100/manifest", new Uint8Array(randomBytes(300))],
        ["100/chunk/0", new Uint8Array(randomBytes(70_000))],
        ["100/big", new Uint8Array(randomBytes(6 * 1024 * 1024 + 3))],
        ["100/empty", new Uint8Array(0)],
      ]);
      const source: SnapshotSource = {
        offers: () => [],
        // Chunks come from "disk": asynchronously.
        part: (height, name) => (name.startsWith("chunk/") ? sleep(20).then(() => parts.get(`${height}/${name}`)) : parts.get(`${height}/${name}`)),
      };
      a.setSnapshotSource!(source);
      const same = (x: Uint8Array | undefined, y: Uint8Array): boolean => x !== undefined && x.length === y.length && Buffer.from(sha(x)).equals(Buffer.from(sha(y)));
      expect(same(await b.fetchSnapshotPart!(a.id, 100, "manifest", 5_000), parts.get("100/manifest")!)).to.equal(true);
      expect(await b.fetchSnapshotPart!(a.id, 99, "manifest", 5_000), "another height").to.equal(undefined);
      expect(await b.fetchSnapshotPart!(a.id, 100, "chunk/1", 5_000), "async absent").to.equal(undefined);
      expect(same(await b.fetchSnapshotPart!(a.id, 100, "chunk/0", 5_000), parts.get("100/chunk/0")!), "async present").to.equal(true);
      const empty = await b.fetchSnapshotPart!(a.id, 100, "empty", 5_000);
      expect(empty, "an empty part is present").to.be.instanceOf(Uint8Array);
      expect(empty!.length).to.equal(0);
      const big = await b.fetchSnapshotPart!(a.id, 100, "big", 20_000);
      expect(same(big, parts.get("100/big")!), "6 MiB intact").to.equal(true);
      // maxBytes: exactly the part's size passes, one less is refused.
      const m = parts.get("100/manifest")!;
      expect(same(await b.fetchSnapshotPart!(a.id, 100, "manifest", 5_000, m.length), m)).to.equal(true);
      const over = await rejection(b.fetchSnapshotPart!(a.id, 100, "manifest", 5_000, m.length - 1));
      expect(over.code).to.equal("TRANSPORT_FETCH_FAILED");
      expect(over.message).to.match(/maxBytes/).and.to.include(a.id);
      const overBig = await rejection(b.fetchSnapshotPart!(a.id, 100, "big", 10_000, 1024 * 1024));
      expect(overBig.code).to.equal("TRANSPORT_FETCH_FAILED");
      expect(overBig.message).to.match(/maxBytes/);
      // Still serving after the refusals; a copy, not the source's buffer.
      const again = await b.fetchSnapshotPart!(a.id, 100, "manifest", 5_000);
      again![0] = again![0]! ^ 0xff;
      expect(m[0]).to.not.equal(again![0]);
    });

    it("snapshot parts: invalid names and heights are refused with TRANSPORT_FETCH_FAILED and never reach the source", async () => {
      const a = await h.start();
      const b = await h.start(a);
      const asked: string[] = [];
      a.setSnapshotSource!({ offers: () => [], part: (height, name) => void asked.push(`${height}/${name}`) });
      const badNames = ["", "a b", "chunk\n", "x".repeat(MAX_SNAPSHOT_PART_NAME + 1), "ünï", "chunk:1", "a\u0000b", 7 as unknown as string];
      for (const name of badNames) {
        const e = await rejection(b.fetchSnapshotPart!(a.id, 1, name, 2_000));
        expect(e.code, JSON.stringify(name)).to.equal("TRANSPORT_FETCH_FAILED");
        expect(e.message).to.match(/part name/);
      }
      for (const height of [-1, 1.5, Number.NaN, 2 ** 53, "1" as unknown as number]) {
        const e = await rejection(b.fetchSnapshotPart!(a.id, height, "manifest", 2_000));
        expect(e.code, String(height)).to.equal("TRANSPORT_FETCH_FAILED");
        expect(e.message).to.match(/height/);
      }
      expect(asked).to.deep.equal([]);
      // The edges of what is valid do reach it.
      const edge = "A-z_0.9/" + "x".repeat(MAX_SNAPSHOT_PART_NAME - 8);
      expect(await b.fetchSnapshotPart!(a.id, 0, edge, 2_000)).to.equal(undefined);
      expect(await b.fetchSnapshotPart!(a.id, Number.MAX_SAFE_INTEGER, "m", 2_000)).to.equal(undefined);
      expect(asked).to.deep.equal([`0/${edge}`, `${Number.MAX_SAFE_INTEGER}/m`]);
    });

    it("snapshot requests: a source that never answers times out; an unknown or departed peer fails; all with TRANSPORT_FETCH_FAILED", async () => {
      const a = await h.start();
      const b = await h.start(a);
      a.setSnapshotSource!({ offers: () => [], part: () => new Promise<undefined>(() => undefined) });
      const t0 = Date.now();
      const slow = await rejection(b.fetchSnapshotPart!(a.id, 5, "manifest", 400));
      expect(slow.code).to.equal("TRANSPORT_FETCH_FAILED");
      expect(slow.message).to.match(/within 400 ms/).and.to.include(a.id);
      expect(Date.now() - t0).to.be.within(350, 5_000);
      // Not a peer at all.
      for (const p of [rejection(b.snapshotOffers!("no-such-peer", 1_000)), rejection(b.fetchSnapshotPart!("no-such-peer", 1, "m", 1_000))]) {
        const e = await p;
        expect(e.code).to.equal("TRANSPORT_FETCH_FAILED");
        expect(e.message).to.include("no-such-peer");
      }
      // A peer that was there and left.
      const c = await h.start(a, b);
      await waitFor(() => b.peers!().includes(c.id), "b to see c");
      await c.stop();
      await waitFor(() => !b.peers!().includes(c.id), "b to see c leave");
      expect((await rejection(b.snapshotOffers!(c.id, 1_000))).code).to.equal("TRANSPORT_FETCH_FAILED");
      // The server still answers others.
      expect(await b.snapshotOffers!(a.id, 5_000)).to.deep.equal([]);
    });

    it("snapshot requests after stop() reject with TRANSPORT_STOPPED, as does one in flight when it stops", async () => {
      const a = await h.start();
      const b = await h.start(a);
      a.setSnapshotSource!({ offers: () => [], part: () => new Promise<undefined>(() => undefined) });
      const pending = rejection(b.fetchSnapshotPart!(a.id, 1, "manifest", 20_000));
      await sleep(200);
      const t0 = Date.now();
      await b.stop();
      const e = await pending;
      expect(e.code).to.equal("TRANSPORT_STOPPED");
      expect(Date.now() - t0).to.be.lessThan(5_000);
      expect((await rejection(b.snapshotOffers!(a.id, 1_000))).code).to.equal("TRANSPORT_STOPPED");
      expect((await rejection(b.fetchSnapshotPart!(a.id, 1, "manifest", 1_000))).code).to.equal("TRANSPORT_STOPPED");
      b.setSnapshotSource!(undefined);
    });
  });
}
