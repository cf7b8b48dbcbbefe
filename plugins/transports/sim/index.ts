/**
 * The sim transport plugin: an in-process network hub (SimHub) with a link model per message
 * (latency and loss per link; a perfect link by default), partitions and nodes taken down.
 * It passes the same conformance suite as libp2p (test/p2p/transport-conformance.test.ts).
 */
export { SimHub, SimTransport } from "./sim-transport.ts";
export { perfectLink, type LinkDecision, type LinkModel, type LinkTraffic } from "./link-model.ts";
export { defaultSimHub, simTransportPlugin, simTransportPluginFor } from "./plugin.ts";
