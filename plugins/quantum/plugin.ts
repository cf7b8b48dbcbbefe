import { definePlugin, type NexusPlugin, type SignatureSchemeProvider } from "../../runtime/plugins/plugin.ts";
import type { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { defaultBackendName, getBackend } from "./backends/index.ts";
import type { BackendName } from "./backends/types.ts";
import { QuantumCryptoError } from "./errors.ts";
import { createHybridKem, type HybridKem } from "./kem/hybrid-kem.ts";
import { createHybridScheme } from "./schemes/hybrid.ts";
import { createMlDsa65Scheme } from "./schemes/ml-dsa-65.ts";

/** What the quantum plugin's create returns: a "signature-schemes" provider, plus its KEM. */
export interface QuantumProvider extends SignatureSchemeProvider {
  readonly backend: BackendName;
  /** X-Wing (X25519 + ML-KEM-768) on the same backend ("kem" capability). */
  readonly hybridKem: HybridKem;
}

/** Options the node config gives the plugin (pluginOptions.quantum, or config.quantum as backend). */
export interface QuantumPluginOptions {
  /** "node" (native node:crypto) or "noble" (pure JS); default: native when this Node has it. */
  readonly backend?: BackendName;
}

function parseBackend(v: unknown): BackendName {
  if (v === undefined) return defaultBackendName();
  if (v === "node" || v === "noble") return v;
  throw new QuantumCryptoError("CRYPTO_UNSUPPORTED", `quantum plugin option backend must be "node" or "noble", got ${JSON.stringify(v)}`);
}

/**
 * The provider on one backend: registers "ml-dsa-65" and "hybrid-ed25519-ml-dsa-65" (stable wire
 * ids). Its `portable` ref lets verification workers re-create it from this module.
 */
export function quantumSchemeProvider(backend: BackendName = defaultBackendName()): QuantumProvider {
  const b = getBackend(backend);
  const mlDsa65 = createMlDsa65Scheme(b);
  const hybrid = createHybridScheme(b);
  let kem: HybridKem | undefined;
  return {
    backend,
    register(registry: SchemeRegistry): void {
      registry.register(mlDsa65);
      registry.register(hybrid);
    },
    portable: { module: import.meta.url, export: "quantumPlugin", options: { backend } },
    get hybridKem(): HybridKem {
      return (kem ??= createHybridKem(b));
    },
  };
}

/**
 * The quantum plugin: selected by config.quantum (unless "off") or plugins: ["quantum"], with
 * pluginOptions.quantum.backend. Creating it only builds scheme objects (no I/O), so worker
 * threads create it too.
 */
export const quantumPlugin: NexusPlugin<QuantumProvider> = definePlugin({
  id: "quantum",
  provides: ["signature-schemes", "kem", "key-source"],
  create: (ctx) => quantumSchemeProvider(parseBackend(ctx.options.backend)),
});
