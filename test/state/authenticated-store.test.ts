import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { openAuthenticatedStore } from "../../runtime/state/lmdb-store.ts";
import { Branch } from "../../runtime/state/branch.ts";
import { EMPTY_ROOT } from "../../runtime/state/proof-format.ts";
import type { Changeset } from "../../runtime/state/types.ts";
import { bytes, hex, referenceRoot } from "./reference-tree.ts";

type Entry = readonly [Uint8Array, Uint8Array];

function kvs(n: number, tag = "v", from = 0): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i < from + n; i++) out.push([bytes(`acct/${i}`), bytes(`${tag}${i}`)]);
  return out;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const a = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

interface Harness {
  name: string;
  open(): TreeStore;
  reopen?(): Promise<TreeStore>;
  cleanup(): Promise<void>;
  root?: () => RootDatabase;
}

function lmdbHarness(): Harness {
  let dir = "";
  let db: RootDatabase | undefined;
  const h: Harness = {
    name: "lmdb",
    open() {
      dir = mkdtempSync(join(tmpdir(), "nexus-state-"));
      db = open({ path: dir });
      return openAuthenticatedStore(db);
    },
    async reopen() {
      await db!.close();
      db = open({ path: dir });
      return openAuthenticatedStore(db);
    },
    async cleanup() {
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
    root: () => db!,
  };
  return h;
}

function memoryHarness(): Harness {
  return { name: "memory", open: () => openMemoryAuthenticatedStore(), cleanup: async () => {} };
}

for (const make of [memoryHarness, lmdbHarness]) {
  describe(`state/AuthenticatedStore (${make().name})`, () => {
    let h: Harness;
    let store: TreeStore;
    beforeEach(() => {
      h = make();
      store = h.open();
    });
    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    it("starts empty at height 0 with the empty root", () => {
      expect(store.height).to.equal(0);
      expect(hex(store.root)).to.equal(hex(EMPTY_ROOT));
      expect(store.get(bytes("x"))).to.equal(undefined);
    });

    it("matches the from-scratch reference root and node count after every block", () => {
      const model = new Map<string, Entry>();
      let height = 0;
      for (let blk = 0; blk < 6; blk++) {
        const changes: Array<readonly [Uint8Array, Uint8Array | null]> = [];
        for (let i = 0; i < 300; i++) {
          const k = bytes(`k${(blk * 7919 + i * 31) % 700}`);
          if ((blk + i) % 4 === 0) {
            changes.push([k, null]);
            model.delete(hex(k));
          } else {
            const v = bytes(`b${blk}i${i}`);
            changes.push([k, v]);
            model.set(hex(k), [k, v]);
          }
        }
        const uniq = new Map(changes.map((c) => [hex(c[0]), c]));
        const staged = store.stage([...uniq.values()]);
        const ref = referenceRoot(model.values());
        expect(hex(staged.root)).to.equal(hex(ref.root));
        staged.commit(++height);
        expect(hex(store.root)).to.equal(hex(ref.root));
        expect(store.nodeCount()).to.equal(ref.nodes);
      }
      for (const [, [k, v]] of model) expect(hex(store.get(k)!)).to.equal(hex(v));
    });

    it("gives the same root for any insertion order and any block split", () => {
      const entries = kvs(500);
      const other = openMemoryAuthenticatedStore();
      store.stage(shuffled(entries, 1)).commit(1);
      const order2 = shuffled(entries, 99);
      other.stage(order2.slice(0, 123)).commit(1);
      other.stage(order2.slice(123, 400)).commit(2);
      other.stage(order2.slice(400)).commit(3);
      expect(hex(store.root)).to.equal(hex(other.root));
      expect(hex(store.root)).to.equal(hex(referenceRoot(entries).root));
    });

    it("returns to the earlier root when inserted keys are deleted again", () => {
      store.stage(kvs(200)).commit(1);
      const before = hex(store.root);
      const nodes = store.nodeCount();
      store.stage(kvs(150, "n", 200)).commit(2);
      store.stage(kvs(50, "x", 100)).commit(3); // overwrite some old keys too
      store.stage(kvs(150, "n", 200).map(([k]) => [k, null] as const)).commit(4);
      store.stage(kvs(50, "v", 100)).commit(5);
      expect(hex(store.root)).to.equal(before);
      expect(store.nodeCount()).to.equal(nodes);
      store.stage(kvs(200).map(([k]) => [k, null] as const)).commit(6);
      expect(hex(store.root)).to.equal(hex(EMPTY_ROOT));
      expect(store.nodeCount()).to.equal(0);
    });

    it("stages without persisting; re-staging is fine; a stale stage cannot commit", () => {
      store.stage(kvs(10)).commit(1);
      const r1 = hex(store.root);
      const a = store.stage([[bytes("p"), bytes("1")]]);
      const b = store.stage([[bytes("p"), bytes("2")]]);
      expect(hex(store.root)).to.equal(r1);
      expect(store.get(bytes("p"))).to.equal(undefined);
      expect(hex(a.root)).to.not.equal(hex(b.root));
      b.commit(2);
      expect(hex(store.root)).to.equal(hex(b.root));
      expect(() => a.commit(2)).to.throw().with.property("code", "STATE_STALE_STAGE");
      expect(() => b.commit(3)).to.throw().with.property("code", "STATE_STALE_STAGE");
      const c = store.stage([[bytes("q"), bytes("3")]]);
      expect(() => c.commit(2)).to.throw().with.property("code", "STATE_BAD_HEIGHT");
      c.commit(3);
      expect(hex(store.get(bytes("p"))!)).to.equal(hex(bytes("2")));
      expect(store.height).to.equal(3);
    });

    it("rejects empty, oversized and duplicate keys", () => {
      expect(() => store.stage([[new Uint8Array(0), bytes("v")]])).to.throw().with.property("code", "STATE_INVALID_KEY");
      expect(() => store.stage([[new Uint8Array(1979), bytes("v")]])).to.throw().with.property("code", "STATE_INVALID_KEY");
      expect(() => store.stage([[bytes("a"), bytes("1")], [bytes("a"), null]])).to.throw().with.property("code", "STATE_DUPLICATE_KEY");
    });

    it("stores empty values and iterates the flat table in byte order both ways", () => {
      const keys = [[1], [1, 0], [2], [2, 255], [3], [255]].map((k) => new Uint8Array(k));
      store.stage(keys.map((k) => [k, k[0] === 3 ? new Uint8Array(0) : k] as const)).commit(1);
      expect(store.get(new Uint8Array([3]))!.length).to.equal(0);
      const ks = (s: number[], e: number[] | undefined, reverse: boolean, limit?: number): string[] =>
        [...store.iterate(new Uint8Array(s), e && new Uint8Array(e), { reverse, limit })].map(([k]) => hex(k));
      expect(ks([], undefined, false)).to.deep.equal(["01", "0100", "02", "02ff", "03", "ff"]);
      expect(ks([1, 0], [3], false)).to.deep.equal(["0100", "02", "02ff"]);
      expect(ks([1, 0], [3], true)).to.deep.equal(["02ff", "02", "0100"]);
      expect(ks([1], [2], true)).to.deep.equal(["0100", "01"]);
      expect(ks([], undefined, true, 2)).to.deep.equal(["ff", "03"]);
      expect(ks([2], undefined, false, 1)).to.deep.equal(["02"]);
    });

    it("serves as the parent of a block branch whose changes it then commits", () => {
      store.stage(kvs(5)).commit(1);
      const block = new Branch(store);
      const tx = block.branch();
      tx.set(bytes("acct/1"), bytes("changed"));
      tx.delete(bytes("acct/2"));
      tx.write();
      expect([...block.iterate(bytes("acct/"), bytes("acct0"))].length).to.equal(4);
      store.stage(block.changes()).commit(2);
      expect(hex(store.get(bytes("acct/1"))!)).to.equal(hex(bytes("changed")));
      expect(store.get(bytes("acct/2"))).to.equal(undefined);
    });

  });
}

describe("state/AuthenticatedStore (memory) property", () => {
    it("keeps roots equal to the reference under random blocks (property)", () => {
      const key = fc.integer({ min: 0, max: 40 }).map((i) => bytes(`k${i}`));
      const change = fc.tuple(key, fc.option(fc.uint8Array({ maxLength: 3 }), { freq: 3 }));
      fc.assert(
        fc.property(fc.array(fc.array(change, { maxLength: 12 }), { maxLength: 6 }), (blocks) => {
          const s = openMemoryAuthenticatedStore();
          const model = new Map<string, Entry>();
          blocks.forEach((blk, i) => {
            const uniq = new Map<string, readonly [Uint8Array, Uint8Array | null]>();
            for (const c of blk) uniq.set(hex(c[0]), c);
            for (const [k, [kb, v]] of uniq) {
              if (v === null) model.delete(k);
              else model.set(k, [kb, v]);
            }
            s.stage([...uniq.values()] as Changeset).commit(i + 1);
            expect(hex(s.root)).to.equal(hex(referenceRoot(model.values()).root));
          });
        }),
        { numRuns: 200 },
      );
    });
});

describe("state/AuthenticatedStore (lmdb) persistence", () => {
  let h: Harness;
  let store: TreeStore;
  beforeEach(() => {
    h = lmdbHarness();
    store = h.open();
  });
  afterEach(async () => {
    await store.close();
    await h.cleanup();
  });

  it("reopens with the same height, root and state", async () => {
    store.stage(kvs(300)).commit(1);
    store.stage(kvs(20, "w", 290)).commit(2);
    const root = hex(store.root);
    const nodes = store.nodeCount();
    store = await h.reopen!();
    expect(store.height).to.equal(2);
    expect(hex(store.root)).to.equal(root);
    expect(store.nodeCount()).to.equal(nodes);
    expect(hex(store.get(bytes("acct/295"))!)).to.equal(hex(bytes("w295")));
    store.stage([[bytes("acct/0"), null]]).commit(3);
    const mem = openMemoryAuthenticatedStore();
    mem.stage([...kvs(290), ...kvs(20, "w", 290)].filter(([k]) => hex(k) !== hex(bytes("acct/0")))).commit(1);
    expect(hex(store.root)).to.equal(hex(mem.root));
  });

  it("persists nothing when alsoWrite throws, and stays usable", async () => {
    const blocks = h.root!().openDB<Buffer, Buffer>({ name: "blocks", keyEncoding: "binary", encoding: "binary" });
    store.stage(kvs(50)).commit(1, () => blocks.putSync(Buffer.from("b1"), Buffer.from("block1")));
    const root1 = hex(store.root);
    const nodes1 = store.nodeCount();
    const staged = store.stage([...kvs(30, "new", 40), [bytes("acct/3"), null]]);
    expect(() =>
      staged.commit(2, () => {
        blocks.putSync(Buffer.from("b2"), Buffer.from("block2"));
        throw new Error("disk full (simulated)");
      }),
    ).to.throw("disk full");
    expect(store.height).to.equal(1);
    expect(hex(store.root)).to.equal(root1);
    expect(store.nodeCount()).to.equal(nodes1);
    expect(hex(store.get(bytes("acct/3"))!)).to.equal(hex(bytes("v3")));
    expect(store.get(bytes("acct/60"))).to.equal(undefined);
    expect(blocks.get(Buffer.from("b2"))).to.equal(undefined);
    // The cache was not polluted: a fresh stage of the same changes gives the same root, and proofs hold.
    const again = store.stage([...kvs(30, "new", 40), [bytes("acct/3"), null]]);
    expect(hex(again.root)).to.equal(hex(staged.root));
    again.commit(2, () => blocks.putSync(Buffer.from("b2"), Buffer.from("block2")));
    expect(hex(blocks.get(Buffer.from("b2"))!)).to.equal(hex(Buffer.from("block2")));
    store = await h.reopen!();
    expect(store.height).to.equal(2);
    expect(hex(store.root)).to.equal(hex(again.root));
  });
});
