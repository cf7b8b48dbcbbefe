import { QuantumCryptoError } from "../errors.ts";
import { nobleBackend } from "./noble.ts";
import { nodeBackend, nodeHasNativePq } from "./node.ts";
import type { BackendName, PqBackend } from "./types.ts";

export type { BackendName, PqBackend } from "./types.ts";
export { nodeBackend, nodeHasNativePq } from "./node.ts";
export { nobleBackend } from "./noble.ts";

/** The backend by name; "node" fails clearly when this Node has no native ML-DSA/ML-KEM. */
export function getBackend(name: BackendName): PqBackend {
  if (name === "noble") return nobleBackend;
  if (name === "node") {
    if (!nodeHasNativePq()) {
      throw new QuantumCryptoError("CRYPTO_UNSUPPORTED", `node:crypto in Node ${process.versions.node} has no ML-DSA-65/ML-KEM-768; use backend "noble" or Node 24+`);
    }
    return nodeBackend;
  }
  throw new QuantumCryptoError("CRYPTO_UNSUPPORTED", `unknown quantum backend "${String(name)}": expected "node" or "noble"`);
}

/** "node" when native post-quantum crypto is available (faster), else "noble". */
export function defaultBackendName(): BackendName {
  return nodeHasNativePq() ? "node" : "noble";
}
