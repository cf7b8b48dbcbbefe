import { expect } from "chai";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import { sha256 } from "../../runtime/crypto/hash.ts";
import { EMPTY_ROOT, STATE_PROOF_FORMAT, type StateProofV1 } from "../../runtime/state/proof-format.ts";
import { bytes } from "./reference-tree.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at proofs freely
function clone(x: unknown): any {
  return JSON.parse(JSON.stringify(x));
}

/** Flip one hex digit of a 64-char hash string (so one byte changes). */
function flipByte(h: string, byte: number): string {
  const i = byte * 2 + 1;
  const d = parseInt(h[i]!, 16) ^ 1;
  return h.slice(0, i) + d.toString(16) + h.slice(i + 1);
}

describe("state/proofs", () => {
  let store: TreeStore;
  before(() => {
    store = openMemoryAuthenticatedStore();
    const changes: Array<readonly [Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < 3000; i++) changes.push([bytes(`acct/${i}`), bytes(`balance-${i * 7}`)]);
    store.stage(changes).commit(1);
  });

  it("verifies inclusion proofs for present keys and exclusion proofs for absent keys", () => {
    for (let i = 0; i < 3000; i += 97) {
      const key = bytes(`acct/${i}`);
      const { value, proof } = store.prove(key);
      expect(proof.format).to.equal(STATE_PROOF_FORMAT);
      expect(Buffer.from(value!).toString()).to.equal(`balance-${i * 7}`);
      expect(verifyStateProof(store.root, key, value, proof)).to.equal(true);
      // JSON round trip: the proof travels over RPC as is.
      expect(verifyStateProof(store.root, key, value, JSON.parse(JSON.stringify(proof)))).to.equal(true);
    }
    let emptySlots = 0;
    let otherLeaf = 0;
    for (let i = 0; i < 300; i++) {
      const key = bytes(`missing/${i}`);
      const { value, proof } = store.prove(key);
      expect(value).to.equal(undefined);
      expect(verifyStateProof(store.root, key, undefined, proof)).to.equal(true);
      if ((proof as StateProofV1).leaf === null) emptySlots++;
      else otherLeaf++;
    }
    expect(emptySlots).to.be.greaterThan(0);
    expect(otherLeaf).to.be.greaterThan(0);
  });

  it("works for the empty tree and a single-key tree", () => {
    const s = openMemoryAuthenticatedStore();
    const p0 = s.prove(bytes("a"));
    expect(verifyStateProof(EMPTY_ROOT, bytes("a"), undefined, p0.proof)).to.equal(true);
    expect(verifyStateProof(EMPTY_ROOT, bytes("a"), bytes("x"), p0.proof)).to.equal(false);
    s.stage([[bytes("a"), bytes("1")]]).commit(1);
    const p1 = s.prove(bytes("a"));
    expect(verifyStateProof(s.root, bytes("a"), bytes("1"), p1.proof)).to.equal(true);
    const p2 = s.prove(bytes("b"));
    expect(verifyStateProof(s.root, bytes("b"), undefined, p2.proof)).to.equal(true);
    expect(verifyStateProof(s.root, bytes("a"), undefined, p1.proof)).to.equal(false);
  });

  it("rejects a proof with any byte of any sibling flipped", () => {
    for (const k of ["acct/5", "missing/1", "missing/2"]) {
      const key = bytes(k);
      const { value, proof } = store.prove(key);
      const p = proof as StateProofV1;
      let checked = 0;
      p.levels.forEach((level, d) =>
        level.forEach((sib, i) => {
          if (sib === null) return;
          for (let byte = 0; byte < 32; byte++) {
            const t = clone(p) as { levels: Array<Array<string | null>> };
            t.levels[d]![i] = flipByte(sib, byte);
            expect(verifyStateProof(store.root, key, value, t), `level ${d} child ${i} byte ${byte}`).to.equal(false);
            checked++;
          }
        }),
      );
      expect(checked).to.be.greaterThan(32 * 15);
    }
  });

  it("rejects a wrong value, wrong key, wrong root, and a tampered leaf", () => {
    const key = bytes("acct/42");
    const { value, proof } = store.prove(key);
    expect(verifyStateProof(store.root, key, bytes("balance-0"), proof)).to.equal(false);
    expect(verifyStateProof(store.root, key, undefined, proof)).to.equal(false);
    expect(verifyStateProof(store.root, bytes("acct/43"), value, proof)).to.equal(false);
    const other = openMemoryAuthenticatedStore();
    other.stage([[key, value!]]).commit(1);
    expect(verifyStateProof(other.root, key, value, proof)).to.equal(false);
    const root = store.root;
    for (let byte = 0; byte < 32; byte++) {
      const r = root.slice();
      r[byte]! ^= 0x80;
      expect(verifyStateProof(r, key, value, proof)).to.equal(false);
    }
    const p = proof as StateProofV1;
    for (const field of ["keyHash", "valueHash"] as const) {
      const t = clone(p) as { leaf: Record<string, string> };
      t.leaf[field] = flipByte(t.leaf[field]!, 0);
      expect(verifyStateProof(store.root, key, value, t)).to.equal(false);
    }
    // An exclusion proof cannot be turned into an inclusion proof or reused for another key.
    const miss = store.prove(bytes("missing/7"));
    expect(verifyStateProof(store.root, bytes("missing/7"), bytes(""), miss.proof)).to.equal(false);
    expect(verifyStateProof(store.root, bytes("acct/1"), undefined, miss.proof)).to.equal(false);
    // Dropping or adding a level breaks it.
    const short = clone(p) as { levels: unknown[] };
    short.levels.pop();
    expect(verifyStateProof(store.root, key, value, short)).to.equal(false);
    const long = clone(p) as { levels: unknown[] };
    long.levels.push(Array(16).fill(null));
    expect(verifyStateProof(store.root, key, value, long)).to.equal(false);
  });

  it("returns false, never throws, on malformed proofs and arguments", () => {
    const key = bytes("acct/42");
    const { value, proof } = store.prove(key);
    const p = proof as StateProofV1;
    const junk: unknown[] = [
      null,
      undefined,
      0,
      "proof",
      [],
      {},
      { format: "other", levels: p.levels, leaf: p.leaf },
      { ...p, format: undefined },
      { ...p, extra: 1 },
      { ...p, levels: "x" },
      { ...p, levels: [null] },
      { ...p, levels: [Array(15).fill(null)] },
      { ...p, levels: p.levels.map((l) => l.map((s) => (s === null ? null : s.toUpperCase()))) },
      { ...p, levels: p.levels.map((l) => l.map((s) => (s === null ? null : s.slice(2)))) },
      { ...p, levels: p.levels.map((l) => l.map((s) => (s === null ? null : 42))) },
      { ...p, levels: p.levels.map((l) => l.map((s) => (s === null ? "00".repeat(32) : s))) },
      { ...p, levels: Array(65).fill(Array(16).fill(null)) },
      { ...p, leaf: undefined },
      { ...p, leaf: {} },
      { ...p, leaf: { ...p.leaf, extra: "1" } },
      { ...p, leaf: { keyHash: p.leaf!.keyHash } },
      { ...p, leaf: "x" },
      Object.create(null),
      new Proxy({}, { get: () => { throw new Error("hostile"); }, ownKeys: () => { throw new Error("hostile"); } }),
    ];
    for (const j of junk) expect(verifyStateProof(store.root, key, value, j)).to.equal(false);
    expect(verifyStateProof(new Uint8Array(31), key, value, proof)).to.equal(false);
    expect(verifyStateProof(null as unknown as Uint8Array, key, value, proof)).to.equal(false);
    expect(verifyStateProof(store.root, "acct/42" as unknown as Uint8Array, value, proof)).to.equal(false);
    expect(verifyStateProof(store.root, key, "v" as unknown as Uint8Array, proof)).to.equal(false);
  });

  it("rejects hashes with extra digits, a leaf with a malformed hash, a 17-entry level, and an exclusion leaf off the key's path (mutation-test gaps)", () => {
    const key = bytes("acct/42");
    const { value, proof } = store.prove(key);
    const p = proof as StateProofV1;
    const lvl = p.levels.findIndex((l) => l.some((x) => x !== null));
    const at = p.levels[lvl]!.findIndex((x) => x !== null);
    // A sibling or leaf hash is exactly 64 lowercase digits: one more digit, either end, is refused
    // (parsing only the first 64 would accept a second spelling of the same proof).
    for (const edit of [(h: string) => `${h}0`, (h: string) => `0${h}`]) {
      const t = clone(p) as { levels: (string | null)[][]; leaf: Record<string, string> };
      t.levels[lvl]![at] = edit(t.levels[lvl]![at]!);
      expect(verifyStateProof(store.root, key, value, t)).to.equal(false);
      const u = clone(p) as { leaf: Record<string, string> };
      u.leaf.valueHash = edit(u.leaf.valueHash!);
      expect(verifyStateProof(store.root, key, value, u)).to.equal(false);
    }
    // Both leaf fields present, one not a hash.
    for (const bad of ["zz", "", 7]) {
      expect(verifyStateProof(store.root, key, value, { ...p, leaf: { keyHash: p.leaf!.keyHash, valueHash: bad } })).to.equal(false);
      expect(verifyStateProof(store.root, key, value, { ...p, leaf: { keyHash: bad, valueHash: p.leaf!.valueHash } })).to.equal(false);
    }
    // A level of 17 entries (16 real ones and one more).
    const long = clone(p) as { levels: unknown[][] };
    long.levels[0]!.push(null);
    expect(verifyStateProof(store.root, key, value, long)).to.equal(false);
    // An exclusion proof ending at another key's leaf: that leaf must share the missing key's path.
    let missing: { key: Uint8Array; proof: StateProofV1 } | undefined;
    for (let i = 0; !missing; i++) {
      const k = bytes(`missing/${i}`);
      const pr = store.prove(k).proof as StateProofV1;
      if (pr.leaf !== null && pr.levels.length > 0) missing = { key: k, proof: pr };
    }
    expect(verifyStateProof(store.root, missing.key, undefined, missing.proof)).to.equal(true);
    const off = clone(missing.proof) as { leaf: Record<string, string> };
    const first = parseInt(off.leaf.keyHash![0]!, 16);
    off.leaf.keyHash = ((first + 1) % 16).toString(16) + off.leaf.keyHash!.slice(1);
    expect(verifyStateProof(store.root, missing.key, undefined, off)).to.equal(false);
  });

  it("one spelling per proof: the key's own slot of a level is null, an empty slot is null and nothing else", () => {
    const key = bytes("acct/42");
    const { value, proof } = store.prove(key);
    const p = proof as StateProofV1;
    const keyHash = Buffer.from(sha256(key)).toString("hex");
    const d = p.levels.length - 1;
    const own = parseInt(keyHash[d]!, 16);
    const empty = p.levels[d]!.findIndex((x, i) => x === null && i !== own);
    expect(empty).to.be.at.least(0);
    const sibling = p.levels[d]!.find((x) => x !== null)!;
    const at = (slot: number, entry: unknown) => {
      const t = clone(p) as { levels: unknown[][] };
      t.levels[d]![slot] = entry;
      return verifyStateProof(store.root, key, value, t);
    };
    expect(at(own, null)).to.equal(true);
    // The walk puts its own node there whatever the entry says: any entry is a second spelling.
    for (const entry of [sibling, "00".repeat(32), "zz"]) expect(at(own, entry)).to.equal(false);
    // An empty slot holding something that is not a hash would be read as empty.
    for (const entry of ["zz", "", 7, {}]) expect(at(empty, entry)).to.equal(false);
  });

  it("proves against the latest root after updates and deletions", () => {
    const s = openMemoryAuthenticatedStore();
    s.stage([
      [bytes("a"), bytes("1")],
      [bytes("b"), bytes("2")],
    ]).commit(1);
    const old = s.prove(bytes("a"));
    const oldRoot = s.root;
    s.stage([[bytes("b"), null]]).commit(2);
    const now = s.prove(bytes("a"));
    expect(verifyStateProof(s.root, bytes("a"), bytes("1"), now.proof)).to.equal(true);
    expect(verifyStateProof(s.root, bytes("a"), bytes("1"), old.proof)).to.equal(false);
    expect(verifyStateProof(oldRoot, bytes("a"), bytes("1"), old.proof)).to.equal(true);
    expect(verifyStateProof(s.root, bytes("b"), undefined, s.prove(bytes("b")).proof)).to.equal(true);
  });
});
