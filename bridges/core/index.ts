/** bridges/core: the shared core of the validator watcher and the relayer (docs/bridges.md). */
export type { ObservedTransfer, SourceWatcher, OutboundTransfer, DestinationSignature, DestinationStatus, DestinationSubmitter, DestinationSigner } from "./types.ts";
export { registerFamily, unregisterFamily, registeredFamilies, familyFactory, type FamilyFactory, type FamilyContext, type FamilyChain, type BridgeRole } from "./families.ts";
export { CheckpointStore, WORK_KINDS, type WorkKind, type WorkItem, type DoneRecord, type ChainSummary } from "./checkpoints.ts";
export { bridgeConfigSchema, defaultBridgeConfig, resolveBridgeConfig, loadBridgeConfig, writeDefaultConfig, defaultConfigYaml, familyOptions, bridgePaths, type BridgeConfig, type ChainConfig, type LoadedBridgeConfig } from "./config.ts";
export { NexusBridge, TxSender, toOutboundTransfer, countingSignatures, nexusSignatureFormat, type BridgeRpc } from "./nexus.ts";
export { BridgeMetrics } from "./metrics.ts";
export { backoffDelay, type BackoffPolicy } from "./backoff.ts";
export { BridgeService, createBridgeLogger, loadOperatorKey, type BridgeDeps, type BridgeHooks } from "./service.ts";
export { BridgeWatcher, WATCHER_WAKE_EVENTS } from "./watcher.ts";
export { BridgeRelayer, RELAYER_WAKE_EVENTS } from "./relayer.ts";
export { watcherCli, relayerCli, watcherCliExtension, relayerCliExtension, bridgeCliExtension, bridgeStatus, formatStatus } from "./cli.ts";
export { BridgeCoreError, BRIDGE_CORE_ERRORS } from "./errors.ts";
