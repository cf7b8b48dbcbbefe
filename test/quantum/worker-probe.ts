// Worker-thread entry for schemes.test.ts: imports the plugin fresh and registers its schemes there.
import { parentPort } from "node:worker_threads";
import { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { registerQuantumSchemes } from "../../plugins/quantum/index.ts";
parentPort!.on("message", (m: { backend: "node" | "noble"; publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }) => {
  const r = registerQuantumSchemes(new SchemeRegistry(), { backend: m.backend });
  parentPort!.postMessage({ ids: r.ids(), ok: r.get("hybrid-ed25519-ml-dsa-65").verify(m.publicKey, m.message, m.signature) });
});
