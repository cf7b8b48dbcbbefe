import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from "fastify";
import websocket from "@fastify/websocket";
import rateLimit from "@fastify/rate-limit";
import type { Logger } from "pino";
import type { NodeApi } from "../node/node-api.ts";
import { RpcDispatcher, DEFAULT_MAX_BATCH, type DispatchResult } from "./dispatch.ts";
import { RPC_ERRORS, stringifyJson } from "./protocol.ts";
import { NodeMetrics, type NodeGauges } from "./metrics.ts";
import { WsRequestQueue, DEFAULT_MAX_IN_FLIGHT_PER_SOCKET } from "./ws-requests.ts";
import { SubscriptionHub, WsSession, SendBudget, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_BYTES_TOTAL, DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET } from "./subscriptions.ts";

export const DEFAULT_RPC_HOST = "127.0.0.1";
export const DEFAULT_RPC_PORT = 7700;
/** Large enough for a batch of 1 000 transactions of several KiB each. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** WebSocket connections held at once (roadmap 1.1: 10 000 concurrent users). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;
/** TCP connections beyond the WebSocket cap, for plain HTTP clients; past it the kernel socket is closed at once. */
const HTTP_CONNECTION_HEADROOM = 1_024;

export interface RpcServerOptions {
  host: string;
  port: number;
  logger?: Logger;
  maxBodyBytes?: number;
  maxBatch?: number;
  maxSubscriptionsPerSocket?: number;
  /** Subscriptions over all sockets. */
  maxSubscriptions?: number;
  /** WebSocket connections, in total and from one client address. */
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  /** Unsent bytes one socket may hold before its client is dropped as too slow. */
  maxBufferedBytesPerSocket?: number;
  /** Unsent bytes over all sockets: the memory slow clients may cost at most. */
  maxBufferedBytesTotal?: number;
  /** Requests of one WebSocket answered at once; past it the socket is not read until one is answered. */
  maxInFlightPerSocket?: number;
  /** Figures for GET /metrics that the NodeApi does not carry (peers, verify queue). */
  gauges?: NodeGauges;
  /** HTTP requests per second from one client address (0: no limit); loopback exempt unless told otherwise. */
  rateLimit?: { requestsPerSecond: number; exemptLoopback: boolean };
}

const LOOPBACK = ["127.0.0.1", "::1", "::ffff:127.0.0.1"];

/**
 * Counts WebSocket connections in total and per client address. A slot is taken before the
 * upgrade and given back when the TCP socket closes, however the connection ends.
 */
class ConnectionGate {
  total = 0;
  private readonly perIp = new Map<string, number>();
  constructor(
    private readonly max: number,
    private readonly maxPerIp: number,
  ) {}

  /** The refusal message, or undefined with the slot taken (`release` gives it back). */
  take(ip: string): { refused: string } | { release: () => void } {
    const mine = this.perIp.get(ip) ?? 0;
    if (this.total >= this.max) return { refused: `the node holds ${this.total} WebSocket connections, its limit (rpc.maxConnections); try again later or use another node` };
    if (mine >= this.maxPerIp) return { refused: `${ip} holds ${mine} WebSocket connections, the limit per address (rpc.maxConnectionsPerIp); close some or share one connection` };
    this.total++;
    this.perIp.set(ip, mine + 1);
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        this.total--;
        const left = (this.perIp.get(ip) ?? 1) - 1;
        if (left === 0) this.perIp.delete(ip);
        else this.perIp.set(ip, left);
      },
    };
  }
}

export interface RpcServer {
  /** http://host:port/ : POST JSON-RPC here. */
  url: string;
  /** ws://host:port/ws */
  wsUrl: string;
  /** What the RPC holds now: for metrics, tests and `nexus status`-style tooling. */
  stats(): RpcServerStats;
  close(): Promise<void>;
}

export interface RpcServerStats {
  /** Open WebSocket connections. */
  connections: number;
  subscriptions: number;
  /** Bytes handed to WebSockets and not yet written out. */
  bufferedBytes: number;
}

function body(r: DispatchResult): string {
  return stringifyJson(r);
}

/**
 * JSON-RPC 2.0 over HTTP (POST /) and WebSocket (GET /ws), see docs/rpc.md.
 * Every failure a client can cause gets a JSON-RPC error; nothing leaks a stack trace.
 */
export async function startRpcServer(api: NodeApi, opts: RpcServerOptions): Promise<RpcServer> {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.logger;
  const dispatcher = new RpcDispatcher(api, { maxBatch: opts.maxBatch ?? DEFAULT_MAX_BATCH, logger: log });
  const budget = new SendBudget(opts.maxBufferedBytesTotal ?? DEFAULT_MAX_BUFFERED_BYTES_TOTAL, opts.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS);
  const hub = new SubscriptionHub(api, (err) => log?.warn({ err }, "RPC subscription delivery failed"), budget);
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const gate = new ConnectionGate(maxConnections, opts.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP);
  // Fastify's own request logging would cost more than the requests at bench rates.
  const app = Fastify({ logger: false, bodyLimit: maxBodyBytes, forceCloseConnections: true });

  // We parse JSON ourselves so a malformed body becomes -32700 rather than an HTTP 400, and
  // any content type is accepted (curl -d sends application/x-www-form-urlencoded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, text, done) => done(null, text));

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err.statusCode === 429) {
      void reply
        .code(429)
        .type("application/json")
        .send(body({ jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.RATE_LIMITED, message: err.message } }));
      return;
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      void reply
        .code(413)
        .type("application/json")
        .send(body({ jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: `invalid request: body exceeds the limit of ${maxBodyBytes} bytes; send smaller batches` } }));
      return;
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log?.error({ err }, "RPC transport error");
    const message = status === 500 ? "internal error (see the node log)" : `invalid request: ${err.message}`;
    void reply
      .code(status)
      .type("application/json")
      .send(body({ jsonrpc: "2.0", id: null, error: { code: status === 500 ? RPC_ERRORS.INTERNAL_ERROR : RPC_ERRORS.INVALID_REQUEST, message } }));
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .type("application/json")
      .send(body({ jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: `${req.method} ${req.url.slice(0, 100)} is not an endpoint: POST JSON-RPC to /, open a WebSocket at /ws, or scrape GET /metrics` } }));
  });

  const rl = opts.rateLimit ?? { requestsPerSecond: 0, exemptLoopback: true };
  if (rl.requestsPerSecond > 0) {
    await app.register(rateLimit, {
      max: rl.requestsPerSecond,
      timeWindow: 1000,
      ...(rl.exemptLoopback ? { allowList: LOOPBACK } : {}),
      errorResponseBuilder: (_req, ctx) =>
        Object.assign(new Error(`rate limited: more than ${ctx.max} requests per second from ${ctx.ban ? "this" : "your"} address (rpc.rateLimit); retry in ${ctx.after}, or batch calls into one request`), { statusCode: 429 }),
    });
  }
  await app.register(websocket, { options: { maxPayload: maxBodyBytes } });

  app.post("/", async (req, reply) => {
    const text = typeof req.body === "string" ? req.body : "";
    const r = await dispatcher.handleText(text, "http");
    if (r === undefined) return reply.code(204).send();
    return reply.type("application/json").send(body(r));
  });

  // Refused before the upgrade, with an HTTP 503 whose body is the JSON-RPC error: a client
  // library reports the status, a person with curl reads the reason.
  const preValidation = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const ip = req.socket.remoteAddress ?? "unknown";
    const slot = gate.take(ip);
    if ("refused" in slot) {
      void reply
        .code(503)
        .header("retry-after", "5")
        .type("application/json")
        .send(body({ jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.CONNECTION_LIMIT, message: slot.refused } }));
      return;
    }
    req.socket.once("close", slot.release);
    done();
  };

  const stats = (): RpcServerStats => ({ connections: gate.total, subscriptions: budget.subscriptions, bufferedBytes: budget.total });
  const metrics = new NodeMetrics(api, stats, opts.gauges);
  // Prometheus scrapes this; `nexus_up` is 0 once the node has halted.
  app.get("/metrics", async (_req, reply) => {
    const m = await metrics.text();
    return reply.type(m.contentType).send(m.body);
  });

  app.get("/ws", { websocket: true, preValidation }, (socket) => {
    // ws's underlying net.Socket, to cork writes (not in ws's types).
    const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    const session = new WsSession(
      {
        send: (text, cb) => socket.send(text, cb),
        // Two frames of one text message: ws writes a Buffer it is given without copying it.
        sendFragments: (head, body, cb) => {
          // ws corks each frame; corking both makes the message one write to the kernel.
          raw?.cork();
          socket.send(head, { binary: false, fin: false });
          socket.send(body, { binary: false, fin: true }, cb);
          raw?.uncork();
        },
        cork: () => raw?.cork(),
        uncork: () => raw?.uncork(),
        close: (code, reason) => socket.close(code, reason),
        terminate: () => socket.terminate(),
      },
      {
        maxSubscriptions: opts.maxSubscriptionsPerSocket ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET,
        maxBufferedBytes: opts.maxBufferedBytesPerSocket ?? DEFAULT_MAX_BUFFERED_BYTES,
      },
      budget,
    );
    hub.add(session);
    const ctx = { subscribe: session.subscribe.bind(session), unsubscribe: session.unsubscribe.bind(session) };
    const requests = new WsRequestQueue(
      socket,
      (text) =>
        // A client dropped as too slow gets no more work done for it.
        session.closed ? Promise.resolve() : dispatcher.handleText(text, "ws", ctx).then(
          (r) => {
            if (r !== undefined) session.send(body(r));
          },
          (err: unknown) => log?.error({ err }, "RPC WebSocket dispatch failed"),
        ),
      opts.maxInFlightPerSocket ?? DEFAULT_MAX_IN_FLIGHT_PER_SOCKET,
    );
    socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (isBinary) {
        session.send(body({ jsonrpc: "2.0", id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: "invalid request: send JSON-RPC as text frames" } }));
        return;
      }
      requests.push(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8"));
    });
    socket.on("close", () => (requests.close(), hub.remove(session)));
    socket.on("error", (err: Error) => {
      log?.debug({ err }, "RPC WebSocket error");
      requests.close();
      hub.remove(session);
    });
  });

  await app.listen({ host: opts.host, port: opts.port });
  // Past this many TCP connections Node closes new ones at once: file descriptors stay for the
  // node's own use (lmdb, peers) however many sockets a client opens.
  app.server.maxConnections = maxConnections + HTTP_CONNECTION_HEADROOM;
  const addr = app.server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}/`;
  const wsUrl = `ws://${host}:${addr.port}/ws`;
  log?.info({ url, wsUrl }, "JSON-RPC listening");
  let closed = false;
  return {
    url,
    wsUrl,
    stats,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      hub.stop();
      metrics.close();
      await app.close();
    },
  };
}
