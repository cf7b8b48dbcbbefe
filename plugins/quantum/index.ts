/**
 * Quantum-safe crypto plugin: ML-DSA-65 and hybrid Ed25519+ML-DSA-65 signature schemes,
 * the X-Wing (X25519+ML-KEM-768) hybrid KEM with a sealed-box helper, and QKD key sources.
 * Importing this module only defines things; nothing runs until a function is called, so
 * worker threads can import it and call `registerQuantumSchemes` themselves. The node loads it
 * as a plugin (`quantumPlugin`, plugin.ts) providing "signature-schemes".
 */
import type { SchemeRegistry, SignatureScheme } from "../../runtime/crypto/signature-scheme.ts";
import { defaultBackendName, getBackend } from "./backends/index.ts";
import type { BackendName } from "./backends/types.ts";
import { createHybridKem, type HybridKem } from "./kem/hybrid-kem.ts";
import { createEd25519Scheme } from "./schemes/ed25519.ts";
import { createHybridScheme } from "./schemes/hybrid.ts";
import { createMlDsa65Scheme } from "./schemes/ml-dsa-65.ts";

export type { BackendName, PqBackend } from "./backends/types.ts";
export { getBackend, defaultBackendName, nodeBackend, nobleBackend, nodeHasNativePq } from "./backends/index.ts";
export { QuantumCryptoError, type QuantumErrorCode } from "./errors.ts";
export { createMlDsa65Scheme, ML_DSA_65_ID } from "./schemes/ml-dsa-65.ts";
export { createEd25519Scheme, ED25519_ID } from "./schemes/ed25519.ts";
export {
  createHybridScheme,
  hybridComponentMessage,
  splitHybridPublicKey,
  splitHybridSignature,
  HYBRID_ID,
  HYBRID_PUBLIC_KEY_BYTES,
  HYBRID_SIGNATURE_BYTES,
} from "./schemes/hybrid.ts";
export * from "./kem/hybrid-kem.ts";
export * from "./qkd/index.ts";

export interface QuantumSchemeOptions {
  /** "node" (native node:crypto, faster) or "noble" (pure JS); every node of a network may differ. */
  backend: BackendName;
  /** Also register this backend's Ed25519 when the registry has none yet (default false). */
  ed25519?: boolean;
}

export interface QuantumSchemes {
  readonly ed25519: SignatureScheme;
  readonly mlDsa65: SignatureScheme;
  readonly hybrid: SignatureScheme;
}

/** The three schemes on one backend, without registering them. */
export function createQuantumSchemes(backend: BackendName): QuantumSchemes {
  const b = getBackend(backend);
  return { ed25519: createEd25519Scheme(b), mlDsa65: createMlDsa65Scheme(b), hybrid: createHybridScheme(b) };
}

/** Registers "ml-dsa-65" and "hybrid-ed25519-ml-dsa-65" (stable wire ids) on `registry`. */
export function registerQuantumSchemes(registry: SchemeRegistry, opts: QuantumSchemeOptions): SchemeRegistry {
  const s = createQuantumSchemes(opts.backend);
  if (opts.ed25519 && !registry.has(s.ed25519.id)) registry.register(s.ed25519);
  registry.register(s.mlDsa65);
  registry.register(s.hybrid);
  return registry;
}

/** The hybrid KEM on the chosen backend (default: native when available). */
export function hybridKemFor(backend: BackendName = defaultBackendName()): HybridKem {
  return createHybridKem(getBackend(backend));
}

export { quantumPlugin, quantumSchemeProvider, type QuantumProvider, type QuantumPluginOptions } from "./plugin.ts";

let defaultKem: HybridKem | undefined;
const kemDefault = (): HybridKem => (defaultKem ??= hybridKemFor());
/** The hybrid KEM on the default backend, created on first use (not at import). */
export const hybridKem: HybridKem = {
  id: "x-wing-x25519-ml-kem-768",
  get backend(): string {
    return kemDefault().backend;
  },
  generate: (seed) => kemDefault().generate(seed),
  encapsulate: (pk, eseed) => kemDefault().encapsulate(pk, eseed),
  decapsulate: (sk, ct) => kemDefault().decapsulate(sk, ct),
  seal: (pk, pt, aad) => kemDefault().seal(pk, pt, aad),
  open: (sk, sealed, aad) => kemDefault().open(sk, sealed, aad),
};
