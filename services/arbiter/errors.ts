import { defineErrors } from "../../runtime/errors.ts";

/** The arbiter agent's error codes (append only); docs/arbiter.md lists them with their fixes. */
export const ARBITER_ERRORS = {
  ARBITER_CONFIG_INVALID: 1, // the config file is missing, unreadable, or a field is wrong
  ARBITER_KEY: 2, // the arbiter key cannot be found or unlocked
  ARBITER_JOURNAL: 3, // the journal cannot be read or written
  ARBITER_WRONG_CHAIN: 4, // the node runs another chain than the config's
  ARBITER_NODE_UNREACHABLE: 5, // the node's JSON-RPC or WebSocket cannot be reached at start
  ARBITER_DECIDER: 6, // the configured decider cannot be created
} as const;
export type ArbiterErrorCode = keyof typeof ARBITER_ERRORS;

export class ArbiterError extends defineErrors("arbiter", ARBITER_ERRORS) {}
