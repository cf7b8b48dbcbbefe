import { defineErrors } from "../../runtime/errors.ts";

/** Error codes of the watcher and relayer (append only); docs/bridges.md lists them with their fixes. */
export const BRIDGE_CORE_ERRORS = {
  BRIDGECORE_CONFIG_INVALID: 1, // the config file is missing, unreadable, or a field is wrong
  BRIDGECORE_KEY: 2, // the validator's operator key cannot be found or unlocked
  BRIDGECORE_STORE: 3, // the checkpoint store cannot be opened, read or written
  BRIDGECORE_WRONG_CHAIN: 4, // the node runs another chain than the config (or the store) says
  BRIDGECORE_NODE_UNREACHABLE: 5, // NexusOS's JSON-RPC cannot be reached at start
  BRIDGECORE_UNKNOWN_FAMILY: 6, // a chain's family has no registered factory
  BRIDGECORE_FAMILY: 7, // a family's factory refused its options or returned what the role cannot use
  BRIDGECORE_UNKNOWN_CHAIN: 8, // a configured chain is not (or no longer) a bridged chain of NexusOS
  BRIDGECORE_BAD_OBSERVATION: 9, // a SourceWatcher returned a transfer that is not of its chain or out of its range
} as const;
export type BridgeCoreErrorCode = keyof typeof BRIDGE_CORE_ERRORS;

export class BridgeCoreError extends defineErrors("bridgecore", BRIDGE_CORE_ERRORS) {}
