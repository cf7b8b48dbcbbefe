import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { CheckpointStore } from "./checkpoints.ts";
import type { BridgeRole } from "./families.ts";

/**
 * Prometheus metrics of a watcher or relayer (prefix nexus_bridge_), served at GET /metrics
 * when metrics.port is set. Work waiting is read from the checkpoint store when scraped.
 */
export class BridgeMetrics {
  readonly registry = new Registry();
  /** Work items finished, by chain, kind and outcome (submitted | already | skipped). */
  readonly processed: Counter<"chain" | "kind" | "outcome">;
  /** Transactions sent (NexusOS) or submissions made (destination). */
  readonly submitted: Counter<"chain" | "kind">;
  /** Attempts that failed and wait for a retry (backoff). */
  readonly retries: Counter<"chain" | "kind">;
  /** Source heights final but not yet scanned (watcher). */
  readonly lag: Gauge<"chain">;
  private server: Server | undefined;

  constructor(
    readonly role: BridgeRole,
    store: CheckpointStore,
  ) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: "nexus_bridge_" });
    r.setDefaultLabels({ role });
    this.processed = new Counter({ name: "nexus_bridge_processed_total", help: "work items finished (outcome: submitted by us, already done, skipped)", labelNames: ["chain", "kind", "outcome"], registers: [r] });
    this.submitted = new Counter({ name: "nexus_bridge_submitted_total", help: "transactions sent to NexusOS or submissions made to a destination", labelNames: ["chain", "kind"], registers: [r] });
    this.retries = new Counter({ name: "nexus_bridge_retries_total", help: "attempts that failed and will be retried with backoff", labelNames: ["chain", "kind"], registers: [r] });
    this.lag = new Gauge({ name: "nexus_bridge_lag_blocks", help: "final source heights not yet scanned (finalHeight - cursor)", labelNames: ["chain"], registers: [r] });
    new Gauge({
      name: "nexus_bridge_pending_work",
      help: "work items waiting in the checkpoint store, by state (todo, sent, failed)",
      labelNames: ["chain", "kind", "state"],
      registers: [r],
      collect() {
        this.reset();
        for (const s of store.summary()) for (const [kind, st] of Object.entries(s.work)) for (const [state, n] of Object.entries(st)) if (n) this.set({ chain: s.chain, kind, state }, n);
      },
    });
  }

  /** Serve GET /metrics; returns the bound port. */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?"))) {
        this.registry.metrics().then(
          (body) => {
            res.writeHead(200, { "content-type": this.registry.contentType });
            res.end(body);
          },
          (e: unknown) => {
            res.writeHead(500);
            res.end(String((e as Error).message));
          },
        );
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("GET /metrics\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const a = server.address();
    return typeof a === "object" && a ? a.port : port;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
