import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { NodeApi } from "../node/node-api.ts";
import type { RpcServerStats } from "./server.ts";

/** Figures the node has that NodeApi does not carry (the transport's peers, the verify queue). */
export interface NodeGauges {
  peers?(): number;
  verifyQueue?(): number;
}

/**
 * Prometheus metrics of one node, served at GET /metrics. Gauges are read from the node when
 * scraped (nothing is computed between scrapes); blocks and halts are counted from the node's
 * event stream. `nexus_up` is the health signal a supervisor alerts on: 0 once the node halts.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: () => void;
  private lastBlockTime: number | undefined;

  constructor(api: NodeApi, rpc: () => RpcServerStats, gauges: NodeGauges = {}) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: "nexus_" });
    const status = (): ReturnType<NodeApi["status"]> => api.status();
    new Gauge({
      name: "nexus_up",
      help: "1 while the node produces or follows blocks, 0 once it has halted (see nexus_halted and the node log)",
      registers: [r],
      collect() {
        this.set(status().halted ? 0 : 1);
      },
    });
    new Gauge({
      name: "nexus_halted",
      help: "1 with the halt reason as a label once the node has halted",
      labelNames: ["reason"],
      registers: [r],
      collect() {
        this.reset();
        const h = status().halted;
        if (h) this.set({ reason: h.reason.slice(0, 200) }, 1);
      },
    });
    new Gauge({
      name: "nexus_height",
      help: "height of the latest committed block",
      registers: [r],
      collect() {
        this.set(status().height);
      },
    });
    new Gauge({
      name: "nexus_latest_block_time_seconds",
      help: "block time of the latest committed block (Unix seconds)",
      registers: [r],
      collect() {
        this.set(status().latestBlockTime / 1000);
      },
    });
    new Gauge({
      name: "nexus_mempool_txs",
      help: "transactions waiting in the mempool",
      registers: [r],
      collect() {
        this.set(status().mempoolSize);
      },
    });
    new Gauge({
      name: "nexus_rpc_ws_connections",
      help: "open JSON-RPC WebSocket connections",
      registers: [r],
      collect() {
        this.set(rpc().connections);
      },
    });
    new Gauge({
      name: "nexus_rpc_subscriptions",
      help: "WebSocket subscriptions over all connections",
      registers: [r],
      collect() {
        this.set(rpc().subscriptions);
      },
    });
    new Gauge({
      name: "nexus_rpc_buffered_bytes",
      help: "bytes handed to WebSockets and not yet written out (what slow clients hold)",
      registers: [r],
      collect() {
        this.set(rpc().bufferedBytes);
      },
    });
    if (gauges.peers) {
      const peers = gauges.peers;
      new Gauge({
        name: "nexus_p2p_peers",
        help: "connected peers",
        registers: [r],
        collect() {
          this.set(peers());
        },
      });
    }
    if (gauges.verifyQueue) {
      const depth = gauges.verifyQueue;
      new Gauge({
        name: "nexus_verify_queue",
        help: "signature checks waiting for or in the verification workers",
        registers: [r],
        collect() {
          this.set(depth());
        },
      });
    }
    const interval = new Histogram({
      name: "nexus_block_interval_seconds",
      help: "block time between consecutive committed blocks",
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers: [r],
    });
    const blockTxs = new Counter({ name: "nexus_block_txs_total", help: "transactions committed in blocks", registers: [r] });
    const blocks = new Counter({ name: "nexus_blocks_total", help: "blocks committed since the node started", registers: [r] });
    this.unsubscribe = api.subscribe((e) => {
      if (e.kind !== "block") return;
      blocks.inc();
      blockTxs.inc(e.block.txs.length);
      const t = e.block.header.time;
      if (this.lastBlockTime !== undefined && t >= this.lastBlockTime) interval.observe((t - this.lastBlockTime) / 1000);
      this.lastBlockTime = t;
    });
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.unsubscribe();
  }
}
