import { parentPort, workerData } from "node:worker_threads";
import type { SignatureScheme } from "../crypto/signature-scheme.ts";
import type { PortablePluginRef } from "../plugins/plugin.ts";
import { buildSchemeRegistryFromRefs } from "./schemes.ts";
import { forEachPacked, packedCount } from "./verify-pack.ts";

/**
 * One verification worker: receives packed batches of checks (verify-pack.ts), answers with a
 * byte per check. Its scheme registry is rebuilt from the main thread's scheme plugins (module
 * URL + options), so both threads accept exactly the same schemes.
 */
const registry = await buildSchemeRegistryFromRefs((workerData as { schemes: PortablePluginRef[] }).schemes);

parentPort!.on("message", (m: { id: number; schemes: string[]; checks: ArrayBuffer }) => {
  // An unknown scheme (or NOT_BYTES, past the end) finds no entry: invalid, as before packing.
  const table: (SignatureScheme | undefined)[] = m.schemes.map((id) => (registry.has(id) ? registry.get(id) : undefined));
  const out = new Uint8Array(packedCount(m.checks));
  forEachPacked(m.checks, (s, pk, msg, sig, i) => {
    try {
      out[i] = table[s]?.verify(pk, msg, sig) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  });
  parentPort!.postMessage({ id: m.id, results: out }, [out.buffer]);
});
parentPort!.postMessage({ ready: true });
