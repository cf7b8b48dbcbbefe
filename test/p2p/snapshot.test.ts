import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import type { Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { MAX_SNAPSHOT_OFFER_BYTES, MAX_SNAPSHOT_OFFERS, MAX_SNAPSHOT_PART_BYTES, type SnapshotSource } from "../../runtime/p2p/transport.ts";
import { snapshotProtocol, type Network } from "../../plugins/transports/libp2p/index.ts";
import { encodeOffers, encodePart, encodeSnapshotRequest } from "../../plugins/transports/libp2p/snapshot/codec.ts";
import { CHAIN_ID, NetPool, waitFor } from "./helpers.ts";

/**
 * The snapshot protocol on the wire (libp2p only; test/p2p/transport-conformance.test.ts has
 * what every transport promises): raw streams from a peer that skips its own checks, and
 * servers that answer with garbage.
 */
const proto = snapshotProtocol(CHAIN_ID);
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** A varint length prefix, as lpStream writes it. */
function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

const framed = (f: Uint8Array): Uint8Array => Buffer.concat([varint(f.length), f]);

/** A source that records every call, so a test can show a bad request never reached it. */
function spySource(parts: Record<string, Uint8Array> = {}): SnapshotSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    offers: () => {
      calls.push("offers");
      return [];
    },
    part: (height, name) => {
      calls.push(`${height}/${name}`);
      return parts[`${height}/${name}`];
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

/** Drain a stream until the server ends it (ignoring how). */
async function drain(stream: Stream): Promise<void> {
  try {
    for await (const _ of stream) void _;
  } catch {
    // reset by the server
  }
}

describe("p2p: snapshot protocol on the wire (libp2p)", function () {
  this.timeout(60_000);
  const pool = new NetPool();
  afterEach(() => pool.closeAll());

  async function pair(serverOpts: Parameters<NetPool["start"]>[0] = {}): Promise<{ server: Network; client: Network }> {
    const server = await pool.start({ minPeers: 1, ...serverOpts });
    const client = await pool.start({ minPeers: 1, scoring: { banThreshold: -1e12 } });
    await client.dial(server.addresses()[0]!);
    return { server, client };
  }

  it("garbage, oversized and invalid requests cost the sender and never reach the source; the server keeps serving others", async () => {
    const src = spySource({ "5/m": Uint8Array.of(1, 2, 3) });
    const { server, client: fuzzer } = await pair({ scoring: { banThreshold: -1e12 } });
    server.setSnapshotSource(src);
    const frames: Uint8Array[] = [
      framed(randomBytes(30)),
      framed(encodeCanonical([1, 5, ""])),
      framed(encodeCanonical([1, 5, "a b"])),
      framed(encodeCanonical([1, 5, "x".repeat(65)])),
      framed(encodeCanonical([1, 5, "ünï"])),
      framed(encodeCanonical([1, -1, "m"])),
      framed(encodeCanonical([1, 2 ** 53, "m"])),
      framed(encodeCanonical([1, 5, Uint8Array.of(0x6d)])),
      framed(encodeCanonical([1, 5])),
      framed(encodeCanonical([0, 1])),
      framed(encodeCanonical([9])),
      framed(encodeCanonical({ kind: 1, height: 5, name: "m" })),
      // Over the request frame limit (96 bytes): refused on its length prefix.
      framed(encodeCanonical([1, 5, "x".repeat(200)])),
      varint(MAX_SNAPSHOT_PART_BYTES),
      // An absurd length varint.
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x0f),
    ];
    for (const f of frames) {
      const stream = await fuzzer.libp2p.dialProtocol(server.libp2p.peerId, proto);
      stream.send(f);
      await drain(stream);
    }
    await waitFor(() => server.stats().snapshot.badRequests === frames.length, `the server to count ${frames.length} bad requests (got ${server.stats().snapshot.badRequests})`);
    expect(src.calls).to.deep.equal([]);
    // 25 points each (syncBadFrame).
    expect(server.score(fuzzer.peerId).app).to.be.at.most(-25 * frames.length + 5);
    expect(server.stats().snapshot.requests).to.equal(0);
    // Still serving: a well-formed request from another node.
    const honest = await pool.start({ minPeers: 1 });
    await honest.dial(server.addresses()[0]!);
    expect(Array.from((await honest.fetchSnapshotPart(server.peerId, 5, "m", 5_000))!)).to.deep.equal([1, 2, 3]);
    expect(src.calls).to.deep.equal(["5/m"]);
  });

  it("with default scoring, a peer sending garbage snapshot requests is banned and disconnected", async () => {
    const server = await pool.start({ minPeers: 1 });
    const fuzzer = await pool.start({ minPeers: 1, scoring: { banThreshold: -1e12 } });
    await fuzzer.dial(server.addresses()[0]!);
    for (let i = 0; i < 6 && !server.isBanned(fuzzer.peerId); i++) {
      try {
        const stream = await fuzzer.libp2p.dialProtocol(server.libp2p.peerId, proto);
        await lpStream(stream).write(randomBytes(20));
        await drain(stream);
      } catch {
        // refused once banned
      }
    }
    expect(server.isBanned(fuzzer.peerId)).to.equal(true);
    await waitFor(() => server.libp2p.getConnections(fuzzer.libp2p.peerId).length === 0, "the fuzzer to be disconnected");
  });

  it("no request within the read deadline: the stream is ended and the peer pays a timeout", async () => {
    const src = spySource();
    const { server, client: idler } = await pair({ snapshot: { serverReadTimeoutMs: 300 } });
    server.setSnapshotSource(src);
    const stream = await idler.libp2p.dialProtocol(server.libp2p.peerId, proto);
    const t0 = Date.now();
    await drain(stream);
    expect(Date.now() - t0).to.be.within(200, 5_000);
    expect(server.score(idler.peerId).app).to.be.lessThan(0).and.greaterThan(-25);
    expect(server.stats().snapshot.badRequests).to.equal(0);
    expect(src.calls).to.deep.equal([]);
  });

  it("a client that never reads a 16 MiB answer holds it only until the answer deadline; meanwhile parts past the limit are 'busy'; then others are served", async () => {
    const big = new Uint8Array(randomBytes(MAX_SNAPSHOT_PART_BYTES));
    const src = spySource({ "7/big": big });
    const { server, client: sloth } = await pair({ snapshot: { answerTimeoutMs: 1_500, maxConcurrentParts: 1 } });
    server.setSnapshotSource(src);
    const honest = await pool.start({ minPeers: 1 });
    await honest.dial(server.addresses()[0]!);

    const stream = await sloth.libp2p.dialProtocol(server.libp2p.peerId, proto);
    // Never read: no window updates, so the server's write stalls after the first window.
    stream.pause();
    stream.send(framed(encodeSnapshotRequest({ kind: "part", height: 7, name: "big" })));
    await waitFor(() => server.stats().snapshot.partsInFlight === 1, "the server to start the answer");

    // The one slot is held: another asker is told the server is busy (and does not blame it).
    const busy = await rejection(honest.fetchSnapshotPart(server.peerId, 7, "big", 5_000));
    expect(busy.code).to.equal("TRANSPORT_FETCH_FAILED");
    expect(busy.message).to.match(/busy/).and.to.include(server.peerId);
    expect(honest.score(server.peerId).app).to.equal(0);
    // Offers are small and not limited by the part slots.
    expect(await honest.snapshotOffers(server.peerId, 5_000)).to.deep.equal([]);

    await waitFor(() => server.stats().snapshot.answerTimeouts === 1 && server.stats().snapshot.partsInFlight === 0, "the answer deadline to free the slot", 10_000);
    expect(server.score(sloth.peerId).app, "the sloth pays a timeout").to.be.lessThan(0);
    stream.abort(new Error("test done"));

    const got = await honest.fetchSnapshotPart(server.peerId, 7, "big", 30_000);
    expect(got!.length).to.equal(MAX_SNAPSHOT_PART_BYTES);
    expect(sha(got!)).to.equal(sha(big));
    expect(server.stats().snapshot).to.include({ partsServed: 1, busy: 1, answerTimeouts: 1, partsInFlight: 0 });
  });

  it("a part over MAX_SNAPSHOT_PART_BYTES in the source is served as absent, and offers outside the bounds are left out", async () => {
    const { server, client } = await pair();
    server.setSnapshotSource({
      offers: () => [{ height: -1, descriptor: new Uint8Array(1) }, { height: 3, descriptor: new Uint8Array(MAX_SNAPSHOT_OFFER_BYTES + 1) }, { height: 2, descriptor: Uint8Array.of(9) }],
      part: () => new Uint8Array(MAX_SNAPSHOT_PART_BYTES + 1),
    });
    expect(await client.fetchSnapshotPart(server.peerId, 1, "huge", 10_000)).to.equal(undefined);
    expect((await client.snapshotOffers(server.peerId, 5_000)).map((o) => [o.height, Array.from(o.descriptor)])).to.deep.equal([[2, [9]]]);
  });

  it("a source that throws ends only that stream, without blame on either side", async () => {
    const { server, client } = await pair();
    server.setSnapshotSource({ offers: () => [], part: async () => Promise.reject(new Error("disk on fire")) });
    const e = await rejection(client.fetchSnapshotPart(server.peerId, 1, "m", 5_000));
    expect(e.code).to.equal("TRANSPORT_FETCH_FAILED");
    expect(server.score(client.peerId).app).to.equal(0);
    expect(client.score(server.peerId).app).to.equal(0);
    expect(await client.snapshotOffers(server.peerId, 5_000)).to.deep.equal([]);
  });

  it("malformed answers are refused with TRANSPORT_FETCH_FAILED and cost the server; an answer over the asker's own maxBytes costs nothing", async () => {
    const liar = await pool.start({ minPeers: 1 });
    const client = await pool.start({ minPeers: 1, scoring: { banThreshold: -1e12 } });
    await liar.libp2p.unhandle(proto);
    const answers: Uint8Array[] = [];
    await liar.libp2p.handle(proto, async (stream) => {
      const lp = lpStream(stream);
      await lp.read();
      stream.send(answers.shift()!);
      await stream.close().catch(() => undefined);
    });
    await client.dial(liar.addresses()[0]!);
    const offer = (bytes: number): { height: number; descriptor: Uint8Array } => ({ height: 1, descriptor: new Uint8Array(bytes) });
    const cases: Array<{ answer: Uint8Array; ask: () => Promise<unknown>; blamed: boolean; match: RegExp }> = [
      { answer: framed(randomBytes(40)), ask: () => client.snapshotOffers(liar.peerId, 5_000), blamed: true, match: /malformed/ },
      { answer: framed(encodeOffers(Array.from({ length: MAX_SNAPSHOT_OFFERS + 1 }, () => offer(1)))), ask: () => client.snapshotOffers(liar.peerId, 5_000), blamed: true, match: /malformed.*offers/ },
      { answer: framed(encodeOffers([offer(MAX_SNAPSHOT_OFFER_BYTES + 1)])), ask: () => client.snapshotOffers(liar.peerId, 5_000), blamed: true, match: /descriptor/ },
      { answer: framed(encodePart(Uint8Array.of(1))), ask: () => client.snapshotOffers(liar.peerId, 5_000), blamed: true, match: /malformed/ },
      { answer: framed(encodeCanonical([5])), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000), blamed: true, match: /malformed/ },
      { answer: framed(encodeOffers([])), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000), blamed: true, match: /malformed/ },
      // A frame declaring more than any part may be: refused on its length prefix.
      { answer: Buffer.concat([varint(MAX_SNAPSHOT_PART_BYTES + 1024), randomBytes(100)]), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000), blamed: true, match: /protocol's bounds/ },
      // A truncated frame: the stream ends before it is complete.
      { answer: Buffer.concat([varint(1000), randomBytes(100)]), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000), blamed: true, match: /ended before/ },
      // Over the asker's own limit, by the length prefix and inside the frame: not the server's fault.
      { answer: framed(encodePart(new Uint8Array(2048))), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000, 1024), blamed: false, match: /maxBytes 1024/ },
      { answer: framed(encodePart(new Uint8Array(1030))), ask: () => client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000, 1024), blamed: false, match: /maxBytes 1024/ },
    ];
    for (const [i, c] of cases.entries()) {
      answers.push(c.answer);
      const before = client.score(liar.peerId).app;
      const e = await rejection(c.ask());
      expect(e.code, `case ${i}: ${e.message}`).to.equal("TRANSPORT_FETCH_FAILED");
      expect(e.message, `case ${i}`).to.match(c.match).and.to.include(liar.peerId);
      const after = client.score(liar.peerId).app;
      if (c.blamed) expect(after, `case ${i} costs the server`).to.be.lessThan(before - 20);
      else expect(after, `case ${i} costs nothing`).to.be.at.least(before - 1);
    }
    // A well-formed answer still goes through.
    answers.push(framed(encodePart(Uint8Array.of(4, 2))));
    expect(Array.from((await client.fetchSnapshotPart(liar.peerId, 1, "m", 5_000))!)).to.deep.equal([4, 2]);
  });

  it("at most maxInboundStreams snapshot streams per connection; a stream past the limit is refused, the others are served", async () => {
    const { server, client } = await pair({ snapshot: { maxInboundStreams: 2, serverReadTimeoutMs: 5_000 } });
    server.setSnapshotSource(spySource({ "1/m": Uint8Array.of(7) }));
    const idle = [await client.libp2p.dialProtocol(server.libp2p.peerId, proto), await client.libp2p.dialProtocol(server.libp2p.peerId, proto)];
    const third = await rejection(
      (async () => {
        const s = await client.libp2p.dialProtocol(server.libp2p.peerId, proto);
        const lp = lpStream(s);
        await lp.write(encodeSnapshotRequest({ kind: "offers" }));
        await lp.read({ signal: AbortSignal.timeout(3_000) });
      })(),
    );
    // libp2p resets a stream over the protocol's limit before the handler sees it.
    expect(third.name, third.message).to.match(/^Stream(Reset|State)Error$/);
    expect(server.stats().snapshot.requests).to.equal(0);
    for (const s of idle) s.abort(new Error("done"));
    await waitFor(async () => (await client.fetchSnapshotPart(server.peerId, 1, "m", 2_000).catch(() => undefined))?.[0] === 7, "a stream to be served once the idle ones are gone");
  });
});
