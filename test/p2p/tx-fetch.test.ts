import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { lpStream } from "@libp2p/utils";
import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { sha256, toHex } from "../../runtime/crypto/hash.ts";
import { txFetchProtocol } from "../../plugins/transports/libp2p/topics.ts";
import { encodeTxResponse } from "../../plugins/transports/libp2p/tx-fetch.ts";
import { MAX_FETCH_HASHES } from "../../runtime/p2p/transport.ts";
import { CHAIN_ID, NetPool, waitFor } from "./helpers.ts";

/** A tx source over a few random "transactions", keyed by their SHA-256. */
function source(n: number): { txs: Uint8Array[]; tx(h: Uint8Array): Uint8Array | undefined } {
  const txs = Array.from({ length: n }, (_, i) => new Uint8Array(randomBytes(100 + i)));
  const byHash = new Map(txs.map((t) => [toHex(sha256(t)), t]));
  return { txs, tx: (h) => byHash.get(toHex(h)) };
}

describe("p2p: transactions by hash", function () {
  this.timeout(20_000);
  const pool = new NetPool();
  afterEach(() => pool.closeAll());

  it("answers in request order with the transactions it holds, empty where it lacks one", async () => {
    const server = await pool.start({ minPeers: 1 });
    const client = await pool.start({ minPeers: 1 });
    const src = source(5);
    server.setTxSource(src);
    await client.dial(server.addresses()[0]!);
    const unknown = sha256(Uint8Array.of(1));
    const asked = [sha256(src.txs[3]!), unknown, sha256(src.txs[0]!)];
    const got = await client.fetchTxs(server.peerId, asked, 2000);
    expect(got.map((t) => t && toHex(t))).to.deep.equal([toHex(src.txs[3]!), undefined, toHex(src.txs[0]!)]);
    expect(server.stats().txFetch).to.include({ requests: 1, txsServed: 2 });
    // At most MAX_FETCH_HASHES per request, refused before anything is sent.
    const tooMany = Array.from({ length: MAX_FETCH_HASHES + 1 }, () => unknown);
    await client.fetchTxs(server.peerId, tooMany, 2000).then(
      () => expect.fail("accepted too many hashes"),
      (e: Error) => expect(e.message).to.match(/at most/),
    );
  });

  it("garbage requests cost the sender; a malformed answer costs the server; the server keeps serving others", async () => {
    const server = await pool.start({ minPeers: 1 });
    server.setTxSource(source(2));
    const fuzzer = await pool.start({ minPeers: 1 });
    await fuzzer.dial(server.addresses()[0]!);
    const proto = txFetchProtocol(CHAIN_ID);
    const frames = [
      randomBytes(30),
      encodeCanonical([0, []]),
      encodeCanonical([0, [new Uint8Array(31)]]),
      encodeCanonical([1, [new Uint8Array(32)]]),
      encodeCanonical([0, Array.from({ length: MAX_FETCH_HASHES + 1 }, () => new Uint8Array(32))]),
    ];
    for (const f of frames) {
      try {
        const stream = await fuzzer.libp2p.dialProtocol(server.libp2p.peerId, proto);
        await lpStream(stream).write(f);
        for await (const _ of stream) void _;
      } catch {
        // the server aborts the stream
      }
    }
    await waitFor(() => server.stats().txFetch.badRequests === frames.length, "the server to count every bad request");
    expect(server.score(fuzzer.peerId).app).to.be.lessThan(0);

    // A server answering with the wrong number of items is penalised by the client.
    const liar = await pool.start({ minPeers: 1 });
    await liar.libp2p.unhandle(proto);
    await liar.libp2p.handle(proto, async (stream) => {
      const lp = lpStream(stream);
      await lp.read();
      await lp.write(encodeTxResponse([Uint8Array.of(1), Uint8Array.of(2)]));
      await stream.close();
    });
    await fuzzer.dial(liar.addresses()[0]!);
    const err = await fuzzer.fetchTxs(liar.peerId, [new Uint8Array(32)], 2000).catch((e: Error & { code?: string }) => e);
    expect((err as { code?: string }).code).to.equal("NET_TXFETCH_BAD_FRAME");
    expect(fuzzer.score(liar.peerId).app).to.be.lessThan(0);
    // The server (which banned the fuzzer: 5 bad frames) still serves others.
    expect(server.isBanned(fuzzer.peerId)).to.equal(true);
    const honest = await pool.start({ minPeers: 1 });
    await honest.dial(server.addresses()[0]!);
    expect(await honest.fetchTxs(server.peerId, [sha256(Uint8Array.of(9))], 2000)).to.deep.equal([undefined]);
  });
});
