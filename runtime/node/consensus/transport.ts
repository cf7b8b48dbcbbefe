export * from "../../p2p/transport.ts";
