// Is the code at an address the contract a deployment recorded there? The runtime code must equal
// the artifact's deployed bytecode, byte for byte, except where the compiler left room for
// immutables (set by the constructor: the bridge's WNXT address, a pair's tokens).
import type { Hex } from "viem";

export interface RuntimeArtifact {
  deployedBytecode: string;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

export type CodeMatch = "match" | "empty" | "different";

export function compareCode(onChain: Hex | undefined, artifact: RuntimeArtifact): CodeMatch {
  if (onChain === undefined || onChain === "0x") return "empty";
  const want = artifact.deployedBytecode.replace(/^0x/, "").toLowerCase();
  const have = onChain.replace(/^0x/, "").toLowerCase();
  if (want.length !== have.length) return "different";
  const masked: [number, number][] = [];
  for (const refs of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of refs) masked.push([start * 2, (start + length) * 2]);
  }
  masked.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [from, to] of masked) {
    if (want.slice(at, from) !== have.slice(at, from)) return "different";
    at = Math.max(at, to);
  }
  return want.slice(at) === have.slice(at) ? "match" : "different";
}
