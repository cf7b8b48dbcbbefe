import { readFileSync, existsSync } from "node:fs";
import { mergeConfig } from "./merge-config.ts";
import type { FromSchema } from "json-schema-to-ts";
import { createAjv, describeAjvErrors } from "../modules/schemas.ts";
import { NodeErrors } from "./errors.ts";
import { PluginError, type JsonObject } from "../plugins/plugin.ts";
import type { PluginSelection } from "../plugins/loader.ts";

const PLUGIN_ID = { type: "string", pattern: "^[a-z][a-z0-9-]{0,63}$" } as const;

/**
 * <home>/config.json. Every field has a default (see defaultNodeConfig and docs/config.md);
 * a file may give only the fields it changes.
 */
export const nodeConfigSchema = {
  $id: "https://nexusos.dev/schemas/node.v1.Config.json",
  type: "object",
  properties: {
    /** Name shown in logs. */
    moniker: { type: "string", minLength: 1, maxLength: 64 },
    rpc: {
      type: "object",
      properties: {
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 0, maximum: 65535 },
        maxBodyBytes: { type: "integer", minimum: 1024 },
        /** WebSocket connections held at once, in total and from one client address. */
        maxConnections: { type: "integer", minimum: 1, maximum: 1000000 },
        maxConnectionsPerIp: { type: "integer", minimum: 1, maximum: 1000000 },
        /** Subscriptions per socket and over all sockets. */
        maxSubscriptionsPerSocket: { type: "integer", minimum: 1, maximum: 10000 },
        maxSubscriptions: { type: "integer", minimum: 1, maximum: 100000000 },
        /** Unsent bytes one socket may hold before its client is dropped (close 1013), and over all sockets. */
        maxBufferedBytesPerSocket: { type: "integer", minimum: 1024 },
        maxBufferedBytesTotal: { type: "integer", minimum: 1024 },
        /** Requests of one WebSocket answered at once; past it the socket is not read until one is answered. */
        maxInFlightPerSocket: { type: "integer", minimum: 1, maximum: 1024 },
        /** HTTP requests per second from one client address (0: no limit); loopback clients exempt unless exemptLoopback is false. */
        rateLimit: {
          type: "object",
          properties: { requestsPerSecond: { type: "integer", minimum: 0, maximum: 1000000 }, exemptLoopback: { type: "boolean" } },
          required: ["requestsPerSecond", "exemptLoopback"],
          additionalProperties: false,
        },
      },
      required: ["host", "port", "maxBodyBytes", "maxConnections", "maxConnectionsPerIp", "maxSubscriptionsPerSocket", "maxSubscriptions", "maxBufferedBytesPerSocket", "maxBufferedBytesTotal", "maxInFlightPerSocket", "rateLimit"],
      additionalProperties: false,
    },
    /** Target interval between blocks of the single-validator producer. */
    blockTimeMs: { type: "integer", minimum: 10, maximum: 600000 },
    mempool: {
      type: "object",
      properties: {
        maxTxs: { type: "integer", minimum: 1 },
        maxBytes: { type: "integer", minimum: 1024 },
        ttlBlocks: { type: "integer", minimum: 1 },
      },
      required: ["maxTxs", "maxBytes", "ttlBlocks"],
      additionalProperties: false,
    },
    /** Signature verification threads; 0 = one per CPU core. */
    verifyThreads: { type: "integer", minimum: 0, maximum: 64 },
    /** Backend of the quantum-safe signature schemes, or "off": loads the "quantum" plugin unless "off" (see pluginSelection). */
    quantum: { enum: ["node", "noble", "off"] },
    /** Id of the transport plugin a BFT node starts (docs/network.md); a single-validator node starts none. */
    transport: PLUGIN_ID,
    /** Ids of further plugins to create at start, beside the transport and "quantum". */
    plugins: { type: "array", items: PLUGIN_ID, uniqueItems: true },
    /** Options per plugin id, plain JSON handed to that plugin (it validates them). */
    pluginOptions: { type: "object", additionalProperties: { type: "object" } },
    /** Check every module invariant after every block (slow on big states; dev default). */
    checkInvariants: { type: "boolean" },
    /** Exit with status 1 when the node halts (for a supervisor that restarts it); else keep serving RPC, reporting the halt. */
    exitOnHalt: { type: "boolean" },
    /** State snapshots this node serves, and joining a network from one (docs/validators.md, State sync). */
    stateSync: {
      type: "object",
      properties: {
        /** On a home without chain data, restore the state from peers' snapshots instead of executing every block since genesis. */
        enable: { type: "boolean" },
        /** Take a snapshot every this many blocks (0: serve none). */
        snapshotInterval: { type: "integer", minimum: 0, maximum: 100000000 },
        /** Snapshots kept on disk (the oldest are removed). */
        snapshotKeep: { type: "integer", minimum: 1, maximum: 100 },
        /** How long to gather peers' snapshot offers before choosing one. */
        discoveryMs: { type: "integer", minimum: 100, maximum: 600000 },
        /** Deadline of one chunk request. */
        chunkTimeoutMs: { type: "integer", minimum: 100, maximum: 600000 },
        /** Chunk requests in flight at once. */
        fetchers: { type: "integer", minimum: 1, maximum: 64 },
        /**
         * An operator's trust point (CometBFT's trust_height/trust_hash): restore only the
         * snapshot at this height whose block has this hash, learnt from a source the operator
         * trusts. Without it, a snapshot is trusted when > 1/3 of the genesis set signed it.
         */
        trust: {
          type: "object",
          properties: {
            height: { type: "integer", minimum: 1, maximum: 9007199254740991 },
            hash: { type: "string", pattern: "^[0-9a-fA-F]{64}$" },
          },
          required: ["height", "hash"],
          additionalProperties: false,
        },
      },
      required: ["enable", "snapshotInterval", "snapshotKeep", "discoveryMs", "chunkTimeoutMs", "fetchers"],
      additionalProperties: false,
    },
    /** "single": this node alone produces blocks (dev chain). "bft": PoSPECTRUM with the staking validators. */
    consensus: { enum: ["single", "bft"] },
    /** Peer-to-peer network of a BFT node (docs/devnet.md). */
    p2p: {
      type: "object",
      properties: {
        host: { type: "string", minLength: 1 },
        /** 0 picks a free port. */
        port: { type: "integer", minimum: 0, maximum: 65535 },
        /** Multiaddrs with /p2p/<peer id> of peers to start from. */
        bootstrap: { type: "array", items: { type: "string", minLength: 1 } },
      },
      required: ["host", "port", "bootstrap"],
      additionalProperties: false,
    },
    /** BFT round timeouts: base + round · delta, in ms. */
    bft: {
      type: "object",
      properties: {
        timeoutProposeMs: { type: "integer", minimum: 10 },
        timeoutVoteMs: { type: "integer", minimum: 10 },
        timeoutDeltaMs: { type: "integer", minimum: 0 },
        /** Most transactions in a block this validator proposes (default 3000, engine DEFAULT_MAX_PROPOSAL_TXS). */
        maxProposalTxs: { type: "integer", minimum: 1, maximum: 100000 },
      },
      required: ["timeoutProposeMs", "timeoutVoteMs", "timeoutDeltaMs"],
      additionalProperties: false,
    },
    logLevel: { enum: ["trace", "debug", "info", "warn", "error", "fatal"] },
    logFormat: { enum: ["pretty", "json"] },
  },
  required: ["moniker", "rpc", "blockTimeMs", "mempool", "verifyThreads", "quantum", "transport", "plugins", "pluginOptions", "checkInvariants", "exitOnHalt", "stateSync", "consensus", "p2p", "bft", "logLevel", "logFormat"],
  additionalProperties: false,
} as const;

export type NodeConfig = FromSchema<typeof nodeConfigSchema>;

export function defaultNodeConfig(): NodeConfig {
  return {
    moniker: "nexus-node",
    rpc: {
      host: "127.0.0.1",
      port: 7700,
      maxBodyBytes: 64 * 1024 * 1024,
      maxConnections: 10_000,
      maxConnectionsPerIp: 1_000,
      maxSubscriptionsPerSocket: 32,
      maxSubscriptions: 100_000,
      maxBufferedBytesPerSocket: 16 * 1024 * 1024,
      maxBufferedBytesTotal: 256 * 1024 * 1024,
      maxInFlightPerSocket: 4,
      rateLimit: { requestsPerSecond: 500, exemptLoopback: true },
    },
    blockTimeMs: 1000,
    mempool: { maxTxs: 100_000, maxBytes: 256 * 1024 * 1024, ttlBlocks: 600 },
    verifyThreads: 0,
    quantum: "node",
    transport: "libp2p",
    plugins: [],
    pluginOptions: {},
    checkInvariants: false,
    exitOnHalt: false,
    stateSync: { enable: false, snapshotInterval: 1000, snapshotKeep: 2, discoveryMs: 10_000, chunkTimeoutMs: 30_000, fetchers: 4 },
    consensus: "single",
    p2p: { host: "127.0.0.1", port: 26656, bootstrap: [] },
    bft: { timeoutProposeMs: 3000, timeoutVoteMs: 1000, timeoutDeltaMs: 500 },
    logLevel: "info",
    logFormat: "pretty",
  };
}

export class ConfigError extends NodeErrors<"CONFIG_INVALID"> {
  constructor(message: string) {
    super("CONFIG_INVALID", message);
  }
}

/** Defaults, overlaid by the file (if present), overlaid by `overrides`; validated. */
export function loadNodeConfig(path: string, overrides: Record<string, unknown> = {}): NodeConfig {
  let fromFile: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      fromFile = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (!fromFile || typeof fromFile !== "object" || Array.isArray(fromFile)) throw new ConfigError(`${path} must hold a JSON object`);
  }
  const cfg = mergeConfig(mergeConfig(defaultNodeConfig() as unknown as Record<string, unknown>, fromFile), overrides);
  const validate = createAjv().compile(nodeConfigSchema);
  if (!validate(cfg)) throw new ConfigError(`${path}: ${describeAjvErrors(validate.errors, "config")} (see docs/config.md for every field and its default)`);
  return cfg as NodeConfig;
}

/**
 * The plugins this config selects, for the loader (runtime/plugins/loader.ts):
 * - the transport `transport` ("libp2p"), only when consensus is "bft";
 * - `plugins`, in order, plus "quantum" unless `quantum` is "off", with options
 *   { backend: quantum } under any given in pluginOptions.quantum (those win);
 * - pluginOptions as they are.
 * Listing "quantum" in plugins while `quantum` is "off" contradicts itself: PLUGIN_BAD_SELECTION.
 */
export function pluginSelection(config: NodeConfig): PluginSelection {
  const plugins = [...config.plugins];
  const options: Record<string, JsonObject> = { ...(config.pluginOptions as Record<string, JsonObject>) };
  if (config.quantum !== "off") {
    if (!plugins.includes("quantum")) plugins.unshift("quantum");
    options.quantum = { backend: config.quantum, ...options.quantum };
  } else if (plugins.includes("quantum")) {
    throw new PluginError("PLUGIN_BAD_SELECTION", 'config: plugins lists "quantum" but quantum is "off"; remove one of them', { plugin: "quantum" });
  }
  return { transport: config.consensus === "bft" ? config.transport : undefined, plugins, options };
}
