import { SchemeRegistry } from "../crypto/signature-scheme.ts";
import { ed25519 } from "../crypto/ed25519.ts";

export type QuantumBackend = "node" | "noble" | "off";

/**
 * The node's signature schemes: Ed25519 always, the quantum plugin's schemes unless turned
 * off. Also called inside each verification worker, so it must stay side-effect free.
 */
export async function buildSchemeRegistry(quantum: QuantumBackend = "node"): Promise<SchemeRegistry> {
  const reg = new SchemeRegistry().register(ed25519);
  if (quantum !== "off") {
    const q = (await import("../../plugins/quantum/index.ts")) as {
      registerQuantumSchemes?: (r: SchemeRegistry, o: { backend: "node" | "noble" }) => void;
    };
    q.registerQuantumSchemes?.(reg, { backend: quantum });
  }
  return reg;
}
