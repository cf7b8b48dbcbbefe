import { definePlugin, PluginError, type NexusPlugin } from "../../../runtime/plugins/plugin.ts";
import type { NodeTransport } from "../../../runtime/p2p/transport.ts";
import { createAjv, describeAjvErrors } from "../../../runtime/modules/schemas.ts";
import type { NetworkOptions } from "./network.ts";

const num = { type: "number" } as const;
const count = { type: "integer", minimum: 1 } as const;
const topicBytes = { type: "integer", minimum: 64 } as const;

/** pluginOptions.libp2p: network settings over the node's defaults (docs/network.md, Configuration). */
export const libp2pOptionsSchema = {
  $id: "https://nexusos.dev/schemas/plugins.libp2p.Options.json",
  type: "object",
  properties: {
    maxPeers: count,
    minPeers: { type: "integer", minimum: 0 },
    maintenanceIntervalMs: { type: "integer", minimum: 50 },
    inboundConnectionsPerSecond: count,
    queueCapacity: count,
    ipColocationWeight: { type: "number", maximum: 0 },
    topicLimits: {
      type: "object",
      properties: { txs: topicBytes, proposals: topicBytes, votes: topicBytes, evidence: topicBytes, blocks: topicBytes, txbatch: topicBytes },
      additionalProperties: false,
    },
    scoring: {
      type: "object",
      properties: { gossipReject: num, syncBadFrame: num, syncTimeout: num, syncInvalidBlock: num, fetchWrongBytes: num, banThreshold: num, banMs: num, recoveryPerSecond: num },
      additionalProperties: false,
    },
    sync: {
      type: "object",
      properties: { batchSize: count, maxInFlight: count, maxFrameBytes: count, maxResponseBytes: count, requestTimeoutMs: count, serverReadTimeoutMs: count, maxInboundStreams: count },
      additionalProperties: false,
    },
    snapshot: {
      type: "object",
      properties: { maxInboundStreams: count, maxOutboundStreams: count, serverReadTimeoutMs: count, answerTimeoutMs: count, maxConcurrentParts: count },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/**
 * The libp2p transport plugin (TCP, noise, yamux, identify, kad-dht, gossipsub): config
 * `"transport": "libp2p"` (the default of a BFT node). Listens on config.p2p host:port, dials
 * config.p2p.bootstrap, keeps its identity in <home>/node-key.json. libp2p itself is imported
 * only in create, so making the plugin available costs a node without a network nothing.
 */
export const libp2pTransportPlugin: NexusPlugin<NodeTransport> = definePlugin({
  id: "libp2p",
  provides: ["transport"],
  async create(ctx): Promise<NodeTransport> {
    const h = ctx.host;
    if (!h.chainId || !h.p2p) throw new PluginError("PLUGIN_CREATE_FAILED", "the libp2p transport needs the node's chainId and p2p settings", { plugin: ctx.id });
    validate ??= createAjv().compile(libp2pOptionsSchema);
    if (!validate(ctx.options)) {
      throw new PluginError("PLUGIN_CREATE_FAILED", `pluginOptions.libp2p: ${describeAjvErrors(validate.errors, "libp2p")} (see docs/network.md, Configuration)`, { plugin: ctx.id });
    }
    const { Libp2pNodeTransport } = await import("./node-transport.ts");
    return Libp2pNodeTransport.forNode({
      chainId: h.chainId,
      home: h.home,
      host: h.p2p.host,
      port: h.p2p.port,
      bootstrap: h.p2p.bootstrap,
      maxBlockBytes: h.maxBlockBytes ?? 4 * 1024 * 1024,
      logger: h.logger,
      overrides: ctx.options as Partial<NetworkOptions>,
    });
  },
});
