import { readFileSync } from "node:fs";
import { nobleBackend, nodeBackend } from "../../plugins/quantum/backends/index.ts";
import type { PqBackend } from "../../plugins/quantum/backends/types.ts";

export const BACKENDS: readonly PqBackend[] = [nodeBackend, nobleBackend];

export interface WycheproofTest {
  tcId: number;
  comment?: string;
  flags?: string[];
  result: "valid" | "invalid" | "acceptable";
  [k: string]: unknown;
}
export interface WycheproofGroup {
  tests: WycheproofTest[];
  [k: string]: unknown;
}

export function loadVectors(file: string): { groups: WycheproofGroup[]; count: number } {
  const url = new URL(`../vectors/wycheproof/${file}`, import.meta.url);
  const json = JSON.parse(readFileSync(url, "utf8")) as { testGroups: WycheproofGroup[] };
  return { groups: json.testGroups, count: json.testGroups.reduce((n, g) => n + g.tests.length, 0) };
}

export function hex(s: unknown): Uint8Array {
  if (typeof s !== "string") throw new TypeError("expected a hex string");
  return new Uint8Array(Buffer.from(s, "hex"));
}

export { toHex } from "../../runtime/crypto/hash.ts";

export function label(t: WycheproofTest): string {
  return `tcId ${t.tcId} (${t.result}${t.flags?.length ? `, ${t.flags.join(",")}` : ""}${t.comment ? `: ${t.comment}` : ""})`;
}

/** Runs fn and returns the error's code, or undefined when it did not throw. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped: ${(e as Error).message}`;
  }
}
