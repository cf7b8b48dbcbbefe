import type { SchemeRegistry } from "../crypto/signature-scheme.ts";
import type { SigCheck } from "../tx/sign.ts";

/** Verifies signature checks; the node's implementation spreads them over worker threads. */
export interface SigVerifier {
  verify(checks: readonly SigCheck[]): Promise<boolean[]>;
  close(): Promise<void>;
  /** Signature checks waiting or being verified (for metrics); absent where nothing queues. */
  queueDepth?(): number;
}

/** Same-thread verifier: for tests, tools, and machines where workers are not wanted. */
export class InlineVerifier implements SigVerifier {
  constructor(private readonly schemes: SchemeRegistry) {}

  async verify(checks: readonly SigCheck[]): Promise<boolean[]> {
    return checks.map((c) => this.schemes.get(c.scheme).verify(c.publicKey, c.message, c.signature));
  }

  async close(): Promise<void> {}
}
