// Moved to runtime/p2p/transport.ts; this re-export keeps the engine's imports working until the integrator removes it.
export * from "../../p2p/transport.ts";
