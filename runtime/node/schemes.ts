import { SchemeRegistry } from "../crypto/signature-scheme.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { createPortable } from "../plugins/loader.ts";
import type { PortablePluginRef, SignatureSchemeProvider } from "../plugins/plugin.ts";

/**
 * The node's signature schemes: the runtime's Ed25519 always, then each "signature-schemes"
 * plugin's (the quantum plugin's ML-DSA-65 and hybrid schemes when the config selects it).
 * The runtime names no plugin: the composition root passes the providers it loaded.
 */
export function buildSchemeRegistry(providers: readonly SignatureSchemeProvider[] = []): SchemeRegistry {
  const reg = new SchemeRegistry().register(ed25519);
  for (const p of providers) p.register(reg);
  return reg;
}

/**
 * The same registry rebuilt from plain data (verification worker threads): each provider is
 * re-created from its plugin's module URL and options.
 */
export async function buildSchemeRegistryFromRefs(refs: readonly PortablePluginRef[]): Promise<SchemeRegistry> {
  const providers: SignatureSchemeProvider[] = [];
  for (const r of refs) providers.push(await createPortable<SignatureSchemeProvider>(r));
  return buildSchemeRegistry(providers);
}
