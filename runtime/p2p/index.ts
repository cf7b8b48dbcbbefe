/**
 * The p2p layer's contract: the NodeTransport interface the consensus engine uses, and what
 * every transport plugin shares (topics and their limits, errors). Transports themselves are
 * plugins (plugins/transports/<id>/); the runtime never imports one.
 */
export * from "./transport.ts";
export * from "./topics.ts";
export { NetworkError, type NetworkErrorCode } from "./errors.ts";
