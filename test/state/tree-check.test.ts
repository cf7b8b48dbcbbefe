import { expect } from "chai";
import { openMemoryAuthenticatedStore } from "../../runtime/state/authenticated-store.ts";
import { checkTree } from "../../runtime/state/tree-check.ts";
import { ROOT_PATH, childPath, nodeHash, proveKey, sha256, type NodeReader } from "../../runtime/state/tree.ts";
import { bytes } from "./reference-tree.ts";

/** The committed tree of a memory store as a path → encoding map, to damage at will. */
function treeOf(n: number): { nodes: Map<string, Uint8Array>; root: Uint8Array; leaves: number } {
  const store = openMemoryAuthenticatedStore();
  store.stage(Array.from({ length: n }, (_, i) => [bytes(`acct/${i}`), bytes(`v${i}`)] as const)).commit(1);
  const nodes = new Map<string, Uint8Array>();
  // Every node, by walking each key's path (what proveKey reads).
  for (let i = 0; i < n; i++) proveKey((p) => {
    const enc = (store as unknown as { backend: { readNode: NodeReader } }).backend.readNode(p);
    if (enc) nodes.set(p, enc);
    return enc;
  }, sha256(bytes(`acct/${i}`)));
  return { nodes, root: store.root, leaves: n };
}

describe("state/tree-check: every node's hash up to the root", () => {
  it("a healthy tree: node and leaf counts, no problems; an empty one with the empty root", () => {
    const { nodes, root } = treeOf(300);
    const r = checkTree((p) => nodes.get(p), root);
    expect(r.problems).to.deep.equal([]);
    expect(r.leaves).to.equal(300);
    expect(r.nodes).to.equal(nodes.size);
    expect(checkTree(() => undefined, openMemoryAuthenticatedStore().root)).to.deep.equal({ nodes: 0, leaves: 0, problems: [] });
    expect(checkTree(() => undefined, root).problems[0]).to.include("the root node is missing");
  });

  it("reports progress once per 100 000 nodes walked, with the count so far", () => {
    const store = openMemoryAuthenticatedStore();
    store.stage(Array.from({ length: 90_000 }, (_, i) => [bytes(`acct/${i}`), bytes("v")] as const)).commit(1);
    const read = (store as unknown as { backend: { readNode: NodeReader } }).backend.readNode;
    const seen: number[] = [];
    const r = checkTree(read, store.root, { onProgress: (n) => seen.push(n) });
    expect(r.problems).to.deep.equal([]);
    expect(r.nodes).to.be.within(100_000, 199_999);
    expect(seen).to.deep.equal([100_000]);
  });

  it("names a missing node, a node whose hash its parent does not list, a leaf under the wrong path, and a wrong root", () => {
    const { nodes, root } = treeOf(300);
    const paths = [...nodes.keys()].filter((p) => p !== ROOT_PATH);
    const leafPaths = paths.filter((p) => nodes.get(p)![0] === 0x00);
    const missing = new Map(nodes);
    missing.delete(leafPaths[0]!);
    expect(checkTree((p) => missing.get(p), root).problems).to.deep.equal([`node at path ${Buffer.from(leafPaths[0]!, "latin1").toString("hex")} is missing (its parent lists it)`]);
    const changed = new Map(nodes);
    const enc = Uint8Array.from(nodes.get(leafPaths[1]!)!);
    enc[64] = enc[64]! ^ 1;
    changed.set(leafPaths[1]!, enc);
    expect(checkTree((p) => changed.get(p), root).problems[0]).to.include("does not hash to the hash its parent lists");
    // Two leaves swapped: neither hashes to what its parent lists.
    const [a, b] = leafPaths;
    const swapped = new Map(nodes);
    swapped.set(a!, nodes.get(b!)!);
    swapped.set(b!, nodes.get(a!)!);
    expect(checkTree((p) => swapped.get(p), root).problems).to.have.length(2);
    expect(checkTree((p) => swapped.get(p), root, { maxProblems: 1 }).problems, "the cap on sentences").to.have.length(1);
    expect(checkTree((p) => nodes.get(p), sha256(bytes("another root"))).problems[0]).to.include("not the recorded root");
  });

  it("a consistently rehashed tree with a leaf under another nibble: the hashes agree, the leaf's position does not", () => {
    const { nodes } = treeOf(2);
    const top = nodes.get(ROOT_PATH)!;
    expect(top[0]).to.equal(0x01); // two keys: an internal root over two leaves
    const bitmap = (top[1]! << 8) | top[2]!;
    const nibs = [...Array(16).keys()].filter((i) => (bitmap >> i) & 1);
    expect(nibs).to.have.length(2);
    const free = [...Array(16).keys()].find((i) => !nibs.includes(i))!;
    // Move the first leaf to a free nibble and rebuild the root over it.
    const leafA = nodes.get(childPath(ROOT_PATH, nibs[0]!))!;
    const leafB = nodes.get(childPath(ROOT_PATH, nibs[1]!))!;
    const kids = [[free, leafA], [nibs[1]!, leafB]].sort((x, y) => (x[0] as number) - (y[0] as number)) as [number, Uint8Array][];
    const map = kids.reduce((m, [n]) => m | (1 << n), 0);
    const enc = Buffer.concat([Buffer.from([0x01, map >> 8, map & 0xff]), ...kids.map(([, l]) => Buffer.from(nodeHash(l))), Buffer.from([map >> 8, map & 0xff])]);
    const forged = new Map<string, Uint8Array>([[ROOT_PATH, enc], [childPath(ROOT_PATH, free), leafA], [childPath(ROOT_PATH, nibs[1]!), leafB]]);
    const r = checkTree((p) => forged.get(p), nodeHash(enc));
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]).to.match(/^leaf at path [0-9a-f]+ holds key hash [0-9a-f]{64}, which belongs elsewhere$/);
  });

  // Gaps found by the data-integrity mutation run (docs/mutation.md): each malformed node in its
  // own words. The root's hash is taken from the damaged encoding, so only the node check can tell.
  it("a leaf of the wrong length, an unknown node type, a bad internal header, a leaf map that disagrees", () => {
    const only = (enc: Uint8Array): string[] => checkTree((p) => (p === ROOT_PATH ? enc : undefined), nodeHash(enc)).problems;
    const leaf = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 7), Buffer.from([1])]);
    expect(only(leaf)).to.deep.equal(["leaf at path 00 has 66 bytes, not 65"]);
    const odd = Buffer.concat([Buffer.from([0x07]), Buffer.alloc(40, 1)]);
    expect(only(odd)).to.deep.equal(["node at path 00 has unknown type byte 7"]);
    const empty = Buffer.from([0x01, 0x00, 0x00, 0x00, 0x00]); // an internal node without children
    expect(only(empty)).to.deep.equal(["state tree node at path 00: bad internal node encoding"]);
    // The leaf map is not hashed: flip it on the root of a two-leaf tree and only the map check sees it.
    const { nodes, root } = treeOf(2);
    const top = Uint8Array.from(nodes.get(ROOT_PATH)!);
    top[top.length - 1] = 0;
    top[top.length - 2] = 0;
    const r = checkTree((p) => (p === ROOT_PATH ? top : nodes.get(p)), root);
    expect(r.problems).to.have.length(2);
    expect(r.problems.every((p) => /^node at path [0-9a-f]+: its parent's leaf map says otherwise$/.test(p))).to.equal(true);
  });
});
