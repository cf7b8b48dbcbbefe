import { expect } from "chai";
import WebSocket from "ws";
import type { Socket } from "node:net";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { NexusWsClient } from "../../runtime/rpc/client.ts";
import { RPC_ERRORS } from "../../runtime/rpc/protocol.ts";
import { SendBudget, SharedPayload, SubscriptionHub, WsSession, SLOW_CLIENT_CLOSE_CODE, type Sink } from "../../runtime/rpc/subscriptions.ts";
import type { NodeApi, NodeEvent } from "../../runtime/node/node-api.ts";
import { FakeNode } from "./fake-node.ts";

/** Opens a WebSocket from `localAddress` (any 127.x.y.z reaches a server on 127.0.0.1). */
function open(url: string, localAddress = "127.0.0.1"): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** The refusal a capped server answers instead of upgrading. */
function refusal(url: string, localAddress = "127.0.0.1"): Promise<{ status: number; body: { error: { code: number; message: string } }; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.once("open", () => reject(new Error("expected the upgrade to be refused")));
    ws.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), retryAfter: res.headers["retry-after"] as string | undefined }));
    });
    ws.once("error", () => {});
  });
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const closed = (ws: WebSocket): Promise<void> => (ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise((r) => ws.once("close", () => r())));

describe("rpc/limits: connections, subscriptions and unsent data are bounded", () => {
  let node: FakeNode;
  let server: RpcServer | undefined;
  beforeEach(() => {
    node = new FakeNode();
  });
  afterEach(async () => server?.close());

  it("refuses WebSocket connections past the total and per-address caps with 503 and -32098; a closed one frees its slot", async () => {
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxConnections: 3, maxConnectionsPerIp: 2 });
    const a = await open(server.wsUrl);
    const b = await open(server.wsUrl);
    const perIp = await refusal(server.wsUrl);
    expect(perIp.status).to.equal(503);
    expect(perIp.retryAfter).to.equal("5");
    expect(perIp.body.error.code).to.equal(RPC_ERRORS.CONNECTION_LIMIT);
    expect(perIp.body.error.message).to.contain("127.0.0.1 holds 2 WebSocket connections").and.contain("rpc.maxConnectionsPerIp");
    const c = await open(server.wsUrl, "127.0.0.2");
    const total = await refusal(server.wsUrl, "127.0.0.3");
    expect(total.body.error.code).to.equal(RPC_ERRORS.CONNECTION_LIMIT);
    expect(total.body.error.message).to.contain("holds 3 WebSocket connections, its limit (rpc.maxConnections)");
    expect(server.stats().connections).to.equal(3);
    a.close();
    await waitFor(() => server!.stats().connections === 2);
    const d = await open(server.wsUrl, "127.0.0.3");
    // HTTP is not a WebSocket slot: it still answers while the sockets are all taken.
    const status = await fetch(server.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_status" }) });
    expect(status.status).to.equal(200);
    for (const ws of [b, c, d]) ws.close();
    await waitFor(() => server!.stats().connections === 0);
  });

  it("rate-limits HTTP requests per client address with 429 and -32097; loopback is exempt unless told otherwise", async () => {
    const post = (url: string) => fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nexus_status" }) });
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, rateLimit: { requestsPerSecond: 3, exemptLoopback: false } });
    const rs = [];
    for (let i = 0; i < 5; i++) rs.push(await post(server.url));
    expect(rs.map((r) => r.status)).to.deep.equal([200, 200, 200, 429, 429]);
    const limited = (await rs[3]!.json()) as { error: { code: number; message: string } };
    expect(limited.error.code).to.equal(RPC_ERRORS.RATE_LIMITED);
    expect(limited.error.message).to.match(/^rate limited: more than 3 requests per second from your address \(rpc\.rateLimit\); retry in/);
    expect(rs[3]!.headers.get("retry-after")).to.match(/^\d+$/);
    await server.close();
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, rateLimit: { requestsPerSecond: 3, exemptLoopback: true } });
    for (let i = 0; i < 6; i++) expect((await post(server.url)).status).to.equal(200);
  });

  it("bounds subscriptions over all sockets", async () => {
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxSubscriptions: 3, maxSubscriptionsPerSocket: 2 });
    const x = await NexusWsClient.connect(server.wsUrl);
    const y = await NexusWsClient.connect(server.wsUrl);
    try {
      await x.call("nexus_subscribe", ["newBlocks"]);
      const s2 = await x.call<string>("nexus_subscribe", ["newBlocks"]);
      await y.call("nexus_subscribe", ["newBlocks"]);
      const e = await y.call("nexus_subscribe", ["newBlocks"]).then(
        () => undefined,
        (err: { code: number; message: string }) => err,
      );
      expect(e?.code).to.equal(RPC_ERRORS.SUBSCRIPTION_LIMIT);
      expect(e?.message).to.contain("rpc.maxSubscriptions");
      expect(await x.call("nexus_unsubscribe", [s2])).to.equal(true);
      await y.call("nexus_subscribe", ["newBlocks"]);
      expect(server.stats().subscriptions).to.equal(3);
    } finally {
      await x.close();
      await y.close();
    }
    // A closed socket gives its subscriptions back.
    await waitFor(() => server!.stats().subscriptions === 0);
  });

  it("drops a client that stops reading before it costs more than the per-socket bound, and frees what it held", async () => {
    server = await startRpcServer(node, { host: "127.0.0.1", port: 0, maxBufferedBytesPerSocket: 256 * 1024 });
    const slow = await open(server.wsUrl);
    // The client stops reading: the kernel buffers fill, then the node's own backlog grows.
    (slow as unknown as { _socket: Socket })._socket.pause();
    const batch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "nexus_status" })));
    let closeCode = 0;
    slow.once("close", (code) => (closeCode = code));
    for (let i = 0; i < 400 && server.stats().connections > 0; i++) {
      if (slow.readyState === WebSocket.OPEN) slow.send(batch);
      await new Promise((r) => setTimeout(r, 5));
      expect(server.stats().bufferedBytes).to.be.at.most(256 * 1024);
    }
    // The node, not the client, ended the connection (the client never closes it here).
    await waitFor(() => server!.stats().connections === 0);
    expect(server.stats().bufferedBytes).to.equal(0);
    // Still serving: a new client connects and gets answers.
    const fresh = await NexusWsClient.connect(server.wsUrl);
    expect((await fresh.call<{ chainId: string }>("nexus_status")).chainId).to.equal("nexus-test-1");
    await fresh.close();
    (slow as unknown as { _socket: Socket })._socket.resume();
    await closed(slow);
    // 1013 when the close frame got through before the socket was destroyed, 1006 otherwise.
    expect([SLOW_CLIENT_CLOSE_CODE, 1006]).to.include(closeCode);
  });
});

/** A socket that takes sends and completes them only when told to. */
class HeldSink implements Sink {
  readonly held: ((err?: Error) => void)[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  terminated = false;
  send(_data: string, done: (err?: Error) => void): void {
    this.held.push(done);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
  terminate(): void {
    this.terminated = true;
  }
  flush(): void {
    for (const d of this.held.splice(0)) d();
  }
}

describe("rpc/subscriptions: the send budget", () => {
  const limits = { maxSubscriptions: 4, maxBufferedBytes: 100 };
  const msg = (n: number): string => "x".repeat(n);

  it("counts unsent bytes per socket and in total, and gives them back as sends complete", () => {
    const budget = new SendBudget(1000, 10);
    const sink = new HeldSink();
    const s = new WsSession(sink, limits, budget);
    s.send(msg(40));
    s.send(msg(50));
    expect([s.pending, budget.total]).to.deep.equal([90, 90]);
    sink.flush();
    expect([s.pending, budget.total]).to.deep.equal([0, 0]);
    s.send(msg(100)); // exactly the bound is allowed
    expect(sink.closedWith).to.equal(undefined);
  });

  it("drops a socket whose backlog would pass its bound, with close 1013, and frees its share", () => {
    const budget = new SendBudget(1000, 10);
    const sink = new HeldSink();
    const s = new WsSession(sink, limits, budget);
    s.subscribe("newBlocks", undefined);
    s.send(msg(60));
    s.send(msg(41));
    expect(sink.closedWith?.code).to.equal(SLOW_CLIENT_CLOSE_CODE);
    expect(sink.closedWith?.reason).to.contain("client too slow: 101 bytes unsent");
    expect([s.closed, s.pending, budget.total, budget.subscriptions]).to.deep.equal([true, 0, 0, 0]);
    sink.flush(); // late completions of a released session change nothing
    expect(budget.total).to.equal(0);
    s.send(msg(1));
    expect(sink.held).to.have.length(0);
  });

  it("drops the socket whose next message would take all sockets past the total bound", () => {
    const budget = new SendBudget(150, 10);
    const a = new HeldSink();
    const b = new HeldSink();
    const sa = new WsSession(a, limits, budget);
    const sb = new WsSession(b, limits, budget);
    sa.send(msg(90));
    sb.send(msg(50));
    expect(budget.total).to.equal(140);
    sb.send(msg(20));
    expect(b.closedWith?.reason).to.contain("node send buffer full: 140 bytes");
    expect(a.closedWith).to.equal(undefined);
    expect(budget.total).to.equal(90);
    a.flush();
    expect(budget.total).to.equal(0);
  });
});

/** HeldSink that takes notifications as two frames, keeping the body it was given. */
class FragmentSink extends HeldSink {
  readonly bodies: Buffer[] = [];
  readonly heads: string[] = [];
  sendFragments(head: Buffer, body: Buffer, done: (err?: Error) => void): void {
    this.heads.push(head.toString());
    this.bodies.push(body);
    this.held.push(done);
  }
}

describe("rpc/subscriptions: one notification body shared by every socket", () => {
  const limits = { maxSubscriptions: 4, maxBufferedBytes: 1000 };

  it("each socket gets its own head and the same body Buffer; the node's total counts the body once", () => {
    const budget = new SendBudget(10_000, 10);
    const sinks = [new FragmentSink(), new FragmentSink(), new FragmentSink()];
    const sessions = sinks.map((k) => new WsSession(k, limits, budget));
    const body = new SharedPayload(`${JSON.stringify({ height: 7, hash: "ab".repeat(32) })}}}`, budget);
    sessions.forEach((s, i) => s.sendNotification(`0x0${i}`, body));
    const heads = sinks.map((k) => k.heads[0]!);
    expect(heads[1]).to.equal('{"jsonrpc":"2.0","method":"nexus_subscription","params":{"subscription":"0x01","result":');
    for (const k of sinks) expect(k.bodies[0]).to.equal(body.bytes); // the very same Buffer, no copy
    expect(JSON.parse(heads[2] + body.text)).to.deep.equal({ jsonrpc: "2.0", method: "nexus_subscription", params: { subscription: "0x02", result: { height: 7, hash: "ab".repeat(32) } } });
    const headBytes = heads.reduce((n, h) => n + Buffer.byteLength(h), 0);
    expect(budget.total).to.equal(headBytes + body.bytes.length);
    // Each socket's own backlog is its head and the whole body.
    expect(sessions[0]!.pending).to.equal(Buffer.byteLength(heads[0]!) + body.bytes.length);
    sinks[0]!.flush();
    sinks[1]!.flush();
    expect(budget.total, "the body stays counted while a socket still holds it").to.equal(Buffer.byteLength(heads[2]!) + body.bytes.length);
    sinks[2]!.flush();
    expect(budget.total).to.equal(0);
  });

  it("a socket dropped while holding the body gives it back; its late completion changes nothing", () => {
    const budget = new SendBudget(10_000, 10);
    const a = new FragmentSink();
    const b = new FragmentSink();
    const sa = new WsSession(a, { maxSubscriptions: 4, maxBufferedBytes: 300 }, budget);
    const sb = new WsSession(b, limits, budget);
    const body = new SharedPayload(`"${"x".repeat(150)}"}}`, budget);
    sa.sendNotification("0x0a", body);
    sb.sendNotification("0x0b", body);
    sa.sendNotification("0x0a", body); // a's backlog passes 300: dropped
    expect(a.closedWith?.code).to.equal(SLOW_CLIENT_CLOSE_CODE);
    expect(budget.total).to.equal(Buffer.byteLength(b.heads[0]!) + body.bytes.length);
    a.flush();
    expect(budget.total).to.equal(Buffer.byteLength(b.heads[0]!) + body.bytes.length);
    b.flush();
    expect(budget.total).to.equal(0);
  });

  it("the node's total bound sees the body once: many sockets fit where per-socket copies would not", () => {
    // 20 sockets × 300-byte body: 6 000 bytes as copies, ~300 + 20 heads shared; the bound is 3 000.
    const budget = new SendBudget(3000, 100);
    const sinks = Array.from({ length: 20 }, () => new FragmentSink());
    const body = new SharedPayload(`"${"y".repeat(298)}"}}`, budget);
    sinks.forEach((k, i) => new WsSession(k, limits, budget).sendNotification(`0x${i}`, body));
    expect(sinks.filter((k) => k.closedWith !== undefined)).to.have.length(0);
    // Without fragments (a sink that takes strings only), each socket's copy counts: the bound drops the later ones.
    const budget2 = new SendBudget(3000, 100);
    const plain = Array.from({ length: 20 }, () => new HeldSink());
    const body2 = new SharedPayload(`"${"y".repeat(298)}"}}`, budget2);
    plain.forEach((k, i) => new WsSession(k, limits, budget2).sendNotification(`0x${i}`, body2));
    expect(plain.filter((k) => k.closedWith !== undefined).length).to.be.above(5);
  });
});

describe("rpc/subscriptions: a block's notifications to one socket go out in one write", () => {
  /** Records what the hub does to a socket, in order. */
  class LogSink extends FragmentSink {
    readonly log: string[] = [];
    override sendFragments(head: Buffer, body: Buffer, done: (err?: Error) => void): void {
      this.log.push(`send ${JSON.parse(head.toString() + body.toString()).params.result.event?.type ?? "block"}`);
      super.sendFragments(head, body, done);
    }
    cork(): void {
      this.log.push("cork");
    }
    uncork(): void {
      this.log.push("uncork");
    }
  }

  it("each socket is corked, sent everything the block has for it (the block, then its events), and uncorked; sockets with nothing are left alone", () => {
    let emit: ((e: NodeEvent) => void) | undefined;
    const api = { subscribe: (l: (e: NodeEvent) => void) => ((emit = l), () => undefined) } as unknown as NodeApi;
    const budget = new SendBudget(1 << 20, 100);
    const hub = new SubscriptionHub(api, (err) => {
      throw err;
    }, budget);
    const sinks = [new LogSink(), new LogSink(), new LogSink()];
    const sessions = sinks.map((k) => new WsSession(k, { maxSubscriptions: 4, maxBufferedBytes: 1 << 20 }, budget));
    sessions.forEach((s) => hub.add(s));
    sessions[0]!.subscribe("newBlocks", undefined);
    sessions[0]!.subscribe("events", { type: "bank.transfer" });
    sessions[1]!.subscribe("events", { type: "bank.transfer", attributes: { recipient: "bob" } });
    sessions[2]!.subscribe("events", { type: "gov.vote" });
    const transfer = (recipient: string) => ({ type: "bank.transfer", attributes: { recipient } });
    const receipt = (i: number, events: { type: string; attributes: Record<string, string> }[]) => ({ txHash: `t${i}`, height: 5, index: i, code: 0, codeName: "OK", log: "", gasUsed: "0", fee: "0", events });
    emit!({
      kind: "block",
      block: { hash: "h5", header: { chainId: "c", height: 5, time: 1, prevHash: "", txRoot: "", stateRoot: "", resultsRoot: "", proposer: "" }, txs: ["t0", "t1"] },
      receipts: [receipt(0, [transfer("bob")]), receipt(1, [transfer("carol")])],
    } as unknown as NodeEvent);
    expect(sinks[0]!.log).to.deep.equal(["cork", "send block", "send bank.transfer", "send bank.transfer", "uncork"]);
    expect(sinks[1]!.log).to.deep.equal(["cork", "send bank.transfer", "uncork"]);
    expect(sinks[2]!.log).to.deep.equal([]);
    // The two transfers' bodies are each one Buffer, shared by the sockets they went to.
    expect(sinks[1]!.bodies[0]).to.equal(sinks[0]!.bodies[1]);
    for (const k of sinks) k.flush();
    expect(budget.total).to.equal(0);
  });
});

