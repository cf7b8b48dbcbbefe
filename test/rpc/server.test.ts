import { expect } from "chai";
import WebSocket from "ws";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { NexusClient, NexusWsClient, RpcClientError, type NewBlockNotification, type EventNotification } from "../../runtime/rpc/client.ts";
import { buildSendTx } from "../../modules/bank/client.ts";
import { RPC_ERRORS } from "../../runtime/rpc/protocol.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { decodeTx } from "../../runtime/tx/envelope.ts";
import { baseFee, defaultJoulesPerUnit } from "../../runtime/tx/fees.ts";
import { Band } from "../../runtime/tx/bands.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import { FakeNode } from "./fake-node.ts";

const kp = ed25519.generate(new Uint8Array(32).fill(7));
const signer: Signer = { scheme: ed25519, ...kp };
const alice = addressFor("ed25519", kp.publicKey);
const bob = addressFor("ed25519", ed25519.generate(new Uint8Array(32).fill(9)).publicKey);

async function raw(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function err(j: unknown): { code: number; message: string; data?: Record<string, unknown> } {
  return (j as { error: { code: number; message: string; data?: Record<string, unknown> } }).error;
}

describe("rpc/server", () => {
  let node: FakeNode;
  let server: RpcServer;
  let client: NexusClient;
  let nonce = 0n;
  const send = (amount = 5n, n = nonce++) => buildSendTx({ chainId: node.chainId, signer, nonce: n, to: bob, amount, denom: "nxt" });

  beforeEach(async () => {
    node = new FakeNode();
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxBodyBytes: 64 * 1024 });
    client = new NexusClient(server.url);
    nonce = 0n;
  });
  afterEach(async () => server.close());

  it("listens on 127.0.0.1 with http and ws urls", () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.wsUrl).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  });

  it("round trips every method", async () => {
    node.balances.set(alice, 1000n);
    expect((await client.status()).chainId).to.equal("nexus-test-1");
    const tx = send(5n);
    const { hash } = await client.sendTx(tx.bytes);
    expect(hash).to.equal(toHex(tx.hash));
    expect(await client.getTx(hash)).to.deep.equal({ status: "pending" });
    const block = node.produceBlock();
    const st = await client.getTx(hash);
    expect(st.status).to.equal("committed");
    const receipt = await client.waitForTx(hash, { timeoutMs: 1000 });
    expect(receipt).to.include({ code: 0, height: 1 });
    expect(await client.getBlock(1)).to.deep.equal(block);
    expect(await client.getBlock(block.hash)).to.deep.equal(block);
    expect(await client.getBlock(`0x${block.hash.toUpperCase()}`)).to.deep.equal(block);
    expect(await client.getBlock(99)).to.equal(null);
    expect(await client.getAccount(alice)).to.deep.equal({ address: alice, nonce: "1", balances: [{ denom: "nxt", amount: "995" }] });
    expect(await client.getBalance(bob)).to.deep.equal({ denom: "nxt", amount: "5" });
    expect(await client.call("nexus_getBalance", { address: bob })).to.deep.equal({ denom: "nxt", amount: "5" });
    expect((await client.getProof("0xABcd")).key).to.equal("abcd");
    expect((await client.proveBalance(bob, "nxt")).stateRoot).to.equal(block.header.stateRoot);
    expect(await client.query("bank/supply", { denom: "nxt" })).to.deep.equal({ denom: "nxt", amount: "100" });
    expect(await client.params()).to.deep.equal({ bank: { sendEnabled: true } });
    expect((await client.status()).height).to.equal(1);
  });

  it("waitForTx: a transaction the node does not know whose nonce the sender has used is TX_DROPPED at once; an unused nonce waits out the timeout", async () => {
    node.balances.set(alice, 1000n);
    await client.sendTx(send(5n).bytes);
    node.produceBlock(); // alice's nonce 0 is used
    const other = toHex(send(6n, 0n).hash); // signed with the same nonce 0, never sent: what the mempool dropped
    const err = await client.waitForTx(other, { timeoutMs: 5_000, sender: alice, nonce: 0n }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RpcClientError).with.property("codeName", "TX_DROPPED");
    expect((err as Error).message).to.include(`another transaction of ${alice} used nonce 0 (the account's next nonce is now 1)`);
    const started = Date.now();
    const waited = await client.waitForTx(other, { timeoutMs: 300, intervalMs: 50, sender: alice, nonce: 1n }).catch((e: unknown) => e);
    expect(waited).to.be.instanceOf(RpcClientError).with.property("codeName", "CLIENT_TIMEOUT");
    expect(Date.now() - started).to.be.at.least(250);
    const unnamed = await client.waitForTx(other, { timeoutMs: 100, intervalMs: 50 }).catch((e: unknown) => e);
    expect(unnamed).to.be.instanceOf(RpcClientError).with.property("codeName", "CLIENT_TIMEOUT");
  });

  it("buildSendTx sets feeLimit to the exact E=h·f base fee of its own bytes", () => {
    const d = send(1n);
    const fee = baseFee(Band.NANO, d.bytes.length, defaultJoulesPerUnit());
    expect(d.tx.body.feeLimit).to.equal(fee);
    expect(d.tx.body.msgs[0]).to.deep.equal({ typeUrl: "/bank.v1.MsgSend", value: { from: alice, to: bob, amount: [{ denom: "nxt", amount: "1" }] } });
    const tipped = buildSendTx({ chainId: "c", signer, nonce: 0, to: bob, amount: "7", denom: "nxt", tip: 100n });
    expect(tipped.tx.body.feeLimit).to.equal(baseFee(Band.NANO, tipped.bytes.length, defaultJoulesPerUnit()) + 100n);
  });

  it("malformed JSON → -32700", async () => {
    const r = await raw(server.url, '{"jsonrpc":"2.0", "method": ');
    expect(r.status).to.equal(200);
    expect(err(r.json).code).to.equal(RPC_ERRORS.PARSE_ERROR);
    expect((r.json as { id: unknown }).id).to.equal(null);
  });

  it("invalid request shapes → -32600", async () => {
    for (const body of ["1", '"x"', "[]", '{"method":"nexus_status","id":1}', '{"jsonrpc":"2.0","method":5,"id":1}', '{"jsonrpc":"2.0","method":"nexus_status","params":3,"id":1}', '{"jsonrpc":"2.0","method":"nexus_status","id":{}}']) {
      const r = await raw(server.url, body);
      expect(err(r.json).code, body).to.equal(RPC_ERRORS.INVALID_REQUEST);
    }
    const ok = await raw(server.url, '{"jsonrpc":"1.0","method":"nexus_status","id":7}');
    expect((ok.json as { id: unknown }).id).to.equal(7);
  });

  it("unknown method → -32601; WebSocket-only method over HTTP → -32601", async () => {
    const r = await raw(server.url, '{"jsonrpc":"2.0","method":"eth_blockNumber","id":1}');
    expect(err(r.json).code).to.equal(RPC_ERRORS.METHOD_NOT_FOUND);
    expect(err(r.json).message).to.contain("eth_blockNumber").and.contain("nexus_status");
    const s = await raw(server.url, '{"jsonrpc":"2.0","method":"nexus_subscribe","params":["newBlocks"],"id":1}');
    expect(err(s.json).code).to.equal(RPC_ERRORS.METHOD_NOT_FOUND);
    expect(err(s.json).message).to.contain("WebSocket");
  });

  it("bad params → -32602 naming the param", async () => {
    const cases: [string, unknown, RegExp][] = [
      ["nexus_getBalance", ["nope"], /param "address" must match/],
      ["nexus_getBalance", [alice.slice(0, -1) + (alice.endsWith("q") ? "p" : "q")], /param "address".*(checksum|invalid)/i],
      ["nexus_getBalance", [alice, "NXT!"], /param "denom"/],
      ["nexus_getBalance", [], /missing param "address"/],
      ["nexus_getBalance", { address: alice, colour: "red" }, /unknown param "colour"/],
      ["nexus_getBalance", [alice, "nxt", 3], /at most 2 positional/],
      ["nexus_getTx", ["abc"], /param "hash" must match/],
      ["nexus_getBlock", [-1], /param "block" must be a block height/],
      ["nexus_getBlock", [1.5], /param "block"/],
      ["nexus_sendTx", ["xyz"], /param "tx" must match/],
      ["nexus_sendTx", [42], /param "tx" must be string/],
      ["nexus_query", ["bank/supply", "x"], /param "params" must be object/],
      ["nexus_status", [1], /at most 0 positional/],
    ];
    for (const [method, params, re] of cases) {
      try {
        await client.call(method, params as unknown[]);
        expect.fail(`${method} accepted ${JSON.stringify(params)}`);
      } catch (e) {
        expect(e, method).to.be.instanceOf(RpcClientError);
        expect((e as RpcClientError).code, `${method} ${JSON.stringify(params)}`).to.equal(RPC_ERRORS.INVALID_PARAMS);
        expect((e as RpcClientError).message).to.match(re);
      }
    }
  });

  it("a TxError from submitTx gets its own code, message and data", async () => {
    const good = send(1n);
    const bad = new Uint8Array(good.bytes);
    bad[bad.length - 1]! ^= 1; // last byte of the signature
    const cases: [Uint8Array, string, number][] = [
      [bad, "TX_BAD_SIGNATURE", 3],
      [new Uint8Array([1, 2, 3]), "TX_MALFORMED", 1],
      [buildSendTx({ chainId: "other-chain", signer, nonce: 0, to: bob, amount: 1n }).bytes, "TX_WRONG_CHAIN", 2],
    ];
    for (const [bytes, code, number] of cases) {
      const e = await rejection(client.sendTx(bytes));
      expect(e.code).to.equal(-32000 - number);
      expect(e.codeName).to.equal(code);
      expect(e.data).to.include({ code, number, codespace: "tx" });
      expect(e.message).to.be.a("string").with.length.above(10);
    }
    const wrongChain = await rejection(client.sendTx(cases[2]![0]));
    expect((wrongChain.data as { context: unknown }).context).to.include({ expected: "nexus-test-1", got: "other-chain" });
    await client.sendTx(good.bytes);
    const dup = await rejection(client.sendTx(good.bytes));
    expect(dup.codeName).to.equal("TX_DUPLICATE");
  });

  it("typed node errors → -32000 with data { code, codespace, context }; unexpected errors → -32603 without details", async () => {
    const q = await rejection(client.query("nope/x"));
    expect(q.code).to.equal(RPC_ERRORS.NODE_ERROR);
    expect(q.codeName).to.equal("QUERY_UNKNOWN_PATH");
    expect(q.data).to.deep.equal({ code: "QUERY_UNKNOWN_PATH", codespace: "node", context: { path: "nope/x" } });
    node.failNext = new Error("secret internal detail at /home/x");
    const r = await raw(server.url, '{"jsonrpc":"2.0","method":"nexus_status","id":1}');
    expect(err(r.json)).to.deep.equal({ code: RPC_ERRORS.INTERNAL_ERROR, message: "internal error (see the node log)" });
  });

  it("batch: mixed results in order, notifications get no response, all-notification batch → 204", async () => {
    const txs = [send(1n), send(2n), send(3n)];
    const results = await client.sendTxs(txs.map((t) => t.bytes));
    expect(results.map((r) => r.ok && r.result.hash)).to.deep.equal(txs.map((t) => toHex(t.hash)));
    const body = JSON.stringify([
      { jsonrpc: "2.0", method: "nexus_status", id: "a" },
      { jsonrpc: "2.0", method: "nexus_status" },
      { jsonrpc: "2.0", method: "nope", id: "b" },
      5,
      { jsonrpc: "2.0", method: "nexus_getBalance", params: [alice], id: "c" },
    ]);
    const r = (await raw(server.url, body)).json as { id: unknown; error?: { code: number } }[];
    expect(r.map((x) => x.id)).to.deep.equal(["a", "b", null, "c"]);
    expect(r[1]!.error!.code).to.equal(RPC_ERRORS.METHOD_NOT_FOUND);
    expect(r[2]!.error!.code).to.equal(RPC_ERRORS.INVALID_REQUEST);
    const n = await raw(server.url, '[{"jsonrpc":"2.0","method":"nexus_status"}]');
    expect(n.status).to.equal(204);
    const single = await raw(server.url, '{"jsonrpc":"2.0","method":"nexus_status"}');
    expect(single.status).to.equal(204);
  });

  it("bounds the batch size", async () => {
    const small = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxBatch: 3 });
    try {
      const body = JSON.stringify(Array.from({ length: 4 }, (_, i) => ({ jsonrpc: "2.0", method: "nexus_status", id: i })));
      const r = await raw(small.url, body);
      expect(err(r.json).code).to.equal(RPC_ERRORS.INVALID_REQUEST);
      expect(err(r.json).message).to.contain("limit is 3");
    } finally {
      await small.close();
    }
  });

  it("rejects an oversized body with 413 and a JSON-RPC error", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", method: "nexus_sendTx", params: ["00".repeat(40_000)], id: 1 });
    const r = await raw(server.url, big);
    expect(r.status).to.equal(413);
    expect(err(r.json).code).to.equal(RPC_ERRORS.INVALID_REQUEST);
    expect(err(r.json).message).to.contain("65536");
  });

  it("accepts curl's default form content type and answers 404 with a hint elsewhere", async () => {
    const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: '{"jsonrpc":"2.0","method":"nexus_status","id":1}' });
    expect(((await res.json()) as { result: { chainId: string } }).result.chainId).to.equal("nexus-test-1");
    const nf = await fetch(server.url + "nope");
    expect(nf.status).to.equal(404);
    expect(JSON.stringify(await nf.json())).to.contain("/ws");
  });

  it("WebSocket: JSON-RPC calls, newBlocks subscription, unsubscribe stops it", async () => {
    const ws = await NexusWsClient.connect(server.wsUrl);
    try {
      expect((await ws.call<{ chainId: string }>("nexus_status")).chainId).to.equal("nexus-test-1");
      const got: NewBlockNotification[] = [];
      const sub = await ws.subscribeNewBlocks((b) => got.push(b));
      expect(sub.id).to.match(/^0x[0-9a-f]{16}$/);
      const b1 = node.produceBlock();
      await waitFor(() => got.length === 1);
      expect(got[0]).to.deep.equal(b1);
      expect(await sub.unsubscribe()).to.equal(true);
      node.produceBlock();
      await ws.call("nexus_status"); // round trip: anything sent before it has arrived
      expect(got).to.have.length(1);
      expect(await ws.call("nexus_unsubscribe", [sub.id])).to.equal(false);
    } finally {
      await ws.close();
    }
    // The subscription hub lets go of the node; the metrics' block counter stays.
    await waitFor(() => node.listenerCount === 1);
  });

  it("WebSocket: events subscription with type and attribute filters", async () => {
    node.balances.set(alice, 100n);
    const ws = await NexusWsClient.connect(server.wsUrl);
    try {
      const all: EventNotification[] = [];
      const none: EventNotification[] = [];
      await ws.subscribeEvents({ type: "transfer", attributes: { recipient: bob } }, (e) => all.push(e));
      await ws.subscribeEvents({ attributes: { recipient: alice } }, (e) => none.push(e));
      const tx = send(4n);
      await client.sendTx(tx.bytes);
      const block = node.produceBlock();
      await waitFor(() => all.length === 1);
      expect(all[0]).to.deep.equal({ height: 1, blockHash: block.hash, txHash: toHex(tx.hash), txIndex: 0, event: { type: "transfer", attributes: { sender: alice, recipient: bob, amount: "4nxt" } } });
      await ws.call("nexus_status");
      expect(none).to.have.length(0);
    } finally {
      await ws.close();
    }
  });

  it("WebSocket: bounded subscriptions per socket; bad subscribe params; parse errors", async () => {
    const small = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxSubscriptionsPerSocket: 2 });
    const ws = await NexusWsClient.connect(small.wsUrl);
    try {
      await ws.call("nexus_subscribe", ["newBlocks"]);
      await ws.call("nexus_subscribe", ["newBlocks"]);
      const e = await rejection(ws.call("nexus_subscribe", ["newBlocks"]));
      expect(e.code).to.equal(RPC_ERRORS.SUBSCRIPTION_LIMIT);
      const p = await rejection(ws.call("nexus_subscribe", ["blocks"]));
      expect(p.code).to.equal(RPC_ERRORS.INVALID_PARAMS);
      expect(p.message).to.contain('param "topic"');
      const f = await rejection(ws.call("nexus_subscribe", ["newBlocks", { type: "x" }]));
      expect(f.message).to.contain('param "filter"');
    } finally {
      await ws.close();
    }
    const sock = new WebSocket(small.wsUrl);
    await new Promise((r) => sock.once("open", r));
    const reply = new Promise<string>((r) => sock.once("message", (d) => r(String(d))));
    sock.send("{oops");
    expect(err(JSON.parse(await reply)).code).to.equal(RPC_ERRORS.PARSE_ERROR);
    sock.close();
    await small.close();
  });

  it("close() is idempotent and drops node listeners", async () => {
    const ws = await NexusWsClient.connect(server.wsUrl);
    await ws.subscribeNewBlocks(() => {});
    expect(node.listenerCount).to.equal(2); // the subscription hub and the metrics' block counter
    await server.close();
    await server.close();
    expect(node.listenerCount).to.equal(0);
    await ws.close();
  });

  it("decodes what it accepted: sendTx takes hex with or without 0x", async () => {
    const t = send(1n);
    const r = await client.call<{ hash: string }>("nexus_sendTx", [`0x${toHex(t.bytes)}`]);
    expect(r.hash).to.equal(toHex(decodeTx(t.bytes).hash));
  });
});

async function rejection(p: Promise<unknown>): Promise<RpcClientError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(RpcClientError);
    return e as RpcClientError;
  }
  throw new Error("expected the call to fail");
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}
