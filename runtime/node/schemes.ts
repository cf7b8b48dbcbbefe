import { SchemeRegistry } from "../crypto/signature-scheme.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { registerQuantumSchemes } from "../../plugins/quantum/index.ts";

export type QuantumBackend = "node" | "noble" | "off";

/**
 * The node's signature schemes: Ed25519 always, the quantum plugin's ML-DSA-65 and hybrid
 * schemes unless turned off. Also called inside each verification worker, so it stays free of
 * side effects.
 */
export function buildSchemeRegistry(quantum: QuantumBackend = "node"): SchemeRegistry {
  const reg = new SchemeRegistry().register(ed25519);
  if (quantum !== "off") registerQuantumSchemes(reg, { backend: quantum });
  return reg;
}
