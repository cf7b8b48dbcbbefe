import { EMPTY_ROOT, HASH_BYTES, INTERNAL_PREFIX, LEAF_PREFIX, nibbleAt } from "./proof-format.ts";
import { ROOT_PATH, childOffset, childPath, internalHeader, nodeHash, pathDepth, type NodeReader } from "./tree.ts";

export interface TreeCheckReport {
  nodes: number;
  leaves: number;
  /** What is wrong, one sentence each (at most `maxProblems`). */
  problems: string[];
}

const LEAF_BYTES = 1 + 2 * HASH_BYTES;
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const pathHex = (p: string): string => Buffer.from(p, "latin1").toString("hex");

/**
 * Walk every node of the tree under `root` and check it the way a proof would: each child's
 * encoding hashes to the hash its parent lists, leaves sit where their key hash leads, and no
 * node is missing. For `nexus verify-data`; reads each node once.
 */
export function checkTree(read: NodeReader, root: Uint8Array, opts: { maxProblems?: number; onProgress?: (nodes: number) => void } = {}): TreeCheckReport {
  const max = opts.maxProblems ?? 20;
  const report: TreeCheckReport = { nodes: 0, leaves: 0, problems: [] };
  const problem = (s: string): void => {
    if (report.problems.length < max) report.problems.push(s);
  };
  const top = read(ROOT_PATH);
  if (top === undefined) {
    if (Buffer.compare(root, EMPTY_ROOT) !== 0) problem(`the root node is missing but the recorded root is ${hex(root)}`);
    return report;
  }
  if (Buffer.compare(nodeHash(top), root) !== 0) problem(`the root node hashes to ${hex(nodeHash(top))}, not the recorded root ${hex(root)}`);
  const stack: Array<[string, Uint8Array]> = [[ROOT_PATH, top]];
  while (stack.length > 0) {
    const [path, enc] = stack.pop()!;
    if (++report.nodes % 100_000 === 0) opts.onProgress?.(report.nodes);
    const depth = pathDepth(path);
    if (enc[0] === LEAF_PREFIX) {
      report.leaves++;
      if (enc.length !== LEAF_BYTES) {
        problem(`leaf at path ${pathHex(path)} has ${enc.length} bytes, not ${LEAF_BYTES}`);
        continue;
      }
      // Its key hash must lead to this path: the nibbles above it are the path's.
      const keyHash = enc.subarray(1, 1 + HASH_BYTES);
      if (pathAt(keyHash, depth) !== path) problem(`leaf at path ${pathHex(path)} holds key hash ${hex(keyHash)}, which belongs elsewhere`);
      continue;
    }
    if (enc[0] !== INTERNAL_PREFIX) {
      problem(`node at path ${pathHex(path)} has unknown type byte ${enc[0]}`);
      continue;
    }
    let header: { bitmap: number; leafmap: number };
    try {
      header = internalHeader(enc, path);
    } catch (e) {
      problem((e as Error).message);
      continue;
    }
    for (let nib = 15; nib >= 0; nib--) {
      if ((header.bitmap & (1 << nib)) === 0) continue;
      const cp = childPath(path, nib);
      const child = read(cp);
      if (child === undefined) {
        problem(`node at path ${pathHex(cp)} is missing (its parent lists it)`);
        continue;
      }
      const o = childOffset(header.bitmap, nib);
      if (Buffer.compare(nodeHash(child), enc.subarray(o, o + HASH_BYTES)) !== 0) {
        problem(`node at path ${pathHex(cp)} does not hash to the hash its parent lists`);
        continue;
      }
      if (((header.leafmap >> nib) & 1) === 1 !== (child[0] === LEAF_PREFIX)) problem(`node at path ${pathHex(cp)}: its parent's leaf map says otherwise`);
      stack.push([cp, child]);
    }
  }
  return report;
}

/** Path key of the node at `depth` on keyHash's path (built with childPath, as the walk does). */
function pathAt(keyHash: Uint8Array, depth: number): string {
  let p = ROOT_PATH;
  for (let d = 0; d < depth; d++) p = childPath(p, nibbleAt(keyHash, d));
  return p;
}
