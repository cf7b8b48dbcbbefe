import { parentPort, workerData } from "node:worker_threads";
import { buildSchemeRegistry, type QuantumBackend } from "./schemes.ts";

/** One verification worker: receives batches of checks, answers with a byte per check. */
const schemes = buildSchemeRegistry((workerData as { quantum: QuantumBackend }).quantum);

type Check = [scheme: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array];

parentPort!.on("message", (m: { id: number; checks: Check[] }) => {
  const out = new Uint8Array(m.checks.length);
  m.checks.forEach(([scheme, pk, msg, sig], i) => {
    try {
      out[i] = schemes.get(scheme).verify(pk, msg, sig) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  });
  parentPort!.postMessage({ id: m.id, results: out }, [out.buffer]);
});
parentPort!.postMessage({ ready: true });
