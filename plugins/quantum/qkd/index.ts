export * from "./key-source.ts";
export * from "./etsi-014-client.ts";
/** SIMULATION ONLY (BB84 and a simulated ETSI 014 KME pair): for tests and devnets, not real QKD. */
export { runBb84, binaryEntropy, toeplitzHash, BB84_DEFAULTS, type Bb84Options, type Bb84ChannelOptions, type Bb84Result } from "./sim/bb84.ts";
export { SimRng } from "./sim/rng.ts";
export { startSimulatedQkdLink, type SimulatedQkdLink, type SimulatedQkdLinkOptions, type SimulatedKme, type Bb84RoundSummary } from "./sim/kme-server.ts";
