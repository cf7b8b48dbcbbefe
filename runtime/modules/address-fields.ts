import { decodeAddress } from "../crypto/address.ts";
import { ADDRESS_PATTERN } from "./schemas.ts";

interface SchemaNode {
  type?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/**
 * Every address field of a message, found once from its schema (string properties with the
 * address pattern, at any depth, through arrays). The pattern admits strings whose bech32m
 * checksum or length is wrong; checkTx decodes each one, so such a message is refused before
 * it costs a fee instead of failing inside its handler.
 */
export function addressFieldChecker(schema: unknown): (value: unknown) => string | null {
  const paths: (string | number)[][] = [];
  const walk = (node: SchemaNode | undefined, path: (string | number)[]): void => {
    if (!node || typeof node !== "object") return;
    if (node.type === "string" && node.pattern === ADDRESS_PATTERN) paths.push(path);
    for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, [...path, k]);
    if (node.items) walk(node.items, [...path, -1]);
  };
  walk(schema as SchemaNode, []);
  if (paths.length === 0) return () => null;
  return (value) => {
    for (const path of paths) {
      const problem = checkAt(value, path, 0, "");
      if (problem) return problem;
    }
    return null;
  };
}

function checkAt(v: unknown, path: readonly (string | number)[], i: number, where: string): string | null {
  if (v === undefined || v === null) return null; // optional and absent: the schema judged it
  if (i === path.length) {
    if (typeof v !== "string") return null;
    try {
      decodeAddress(v);
      return null;
    } catch (e) {
      return `${where || "value"}: ${(e as Error).message}`;
    }
  }
  const step = path[i]!;
  if (step === -1) {
    if (!Array.isArray(v)) return null;
    for (let j = 0; j < v.length; j++) {
      const p = checkAt(v[j], path, i + 1, `${where}[${j}]`);
      if (p) return p;
    }
    return null;
  }
  return checkAt((v as Record<string, unknown>)[step as string], path, i + 1, where ? `${where}.${step}` : String(step));
}
