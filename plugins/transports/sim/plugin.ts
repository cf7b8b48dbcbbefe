import { randomBytes } from "node:crypto";
import { definePlugin, PluginError, type NexusPlugin } from "../../../runtime/plugins/plugin.ts";
import { nodeTopicLimits } from "../../../runtime/p2p/topics.ts";
import { SimHub, type SimTransport } from "./sim-transport.ts";

let processHub: SimHub | undefined;

/** The hub every node of this process joins through `simTransportPlugin` (created on first use). */
export function defaultSimHub(): SimHub {
  return (processHub ??= new SimHub());
}

/**
 * A "sim" transport plugin whose nodes join `hub`. Options (pluginOptions.sim): `peerId`
 * (default: the node's moniker, else random; unique per hub).
 */
export function simTransportPluginFor(hub: SimHub | (() => SimHub)): NexusPlugin<SimTransport> {
  return definePlugin({
    id: "sim",
    provides: ["transport"],
    create(ctx): SimTransport {
      const h = typeof hub === "function" ? hub() : hub;
      const peerId = ctx.options.peerId ?? ctx.host.moniker ?? `sim-${randomBytes(6).toString("hex")}`;
      if (typeof peerId !== "string" || peerId.length === 0) throw new PluginError("PLUGIN_CREATE_FAILED", "pluginOptions.sim.peerId must be a non-empty string", { plugin: ctx.id });
      if (h.has(peerId)) {
        throw new PluginError("PLUGIN_CREATE_FAILED", `sim peer id "${peerId}" is already attached to this hub`, { plugin: ctx.id });
      }
      return h.attach(peerId, { topicLimits: nodeTopicLimits(ctx.host.maxBlockBytes ?? 16 * 1024 * 1024) });
    },
  });
}

/**
 * The in-process transport (tests, the mesh simulator): `"transport": "sim"`. Every node of the
 * process using it joins one hub (defaultSimHub), whose link model decides latency and loss.
 */
export const simTransportPlugin: NexusPlugin<SimTransport> = simTransportPluginFor(defaultSimHub);
