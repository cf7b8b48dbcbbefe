import type { NexusPlugin } from "../runtime/plugins/plugin.ts";
import { quantumPlugin } from "./quantum/plugin.ts";
import { libp2pTransportPlugin } from "./transports/libp2p/plugin.ts";
import { simTransportPlugin } from "./transports/sim/plugin.ts";

export { quantumPlugin, libp2pTransportPlugin, simTransportPlugin };

/**
 * The plugins this repository ships, for a composition root to make available to the loader
 * (the node's config selects among them). Light to import: libp2p loads only when its plugin
 * is created.
 */
export function bundledPlugins(): NexusPlugin[] {
  return [quantumPlugin, libp2pTransportPlugin, simTransportPlugin] as NexusPlugin[];
}
