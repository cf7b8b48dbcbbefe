import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { openAuthenticatedStore } from "../../runtime/state/lmdb-store.ts";
import { StateError } from "../../runtime/state/errors.ts";
import { EMPTY_ROOT } from "../../runtime/state/proof-format.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import { SnapshotWriter, verifyChunk, verifyManifest, type SnapshotEntry } from "../../runtime/state/snapshot/index.ts";
import { bytes, hex, referenceRoot } from "./reference-tree.ts";

type Entry = readonly [Uint8Array, Uint8Array];

function kvs(n: number, tag = "v"): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) out.push([bytes(`acct/${i}`), bytes(`${tag}${i}`)]);
  return out;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(StateError);
    return (e as StateError).code;
  }
  throw new Error("did not throw");
}

/** The verified chunks of a snapshot of `entries` at `height`, written and read back through the files. */
async function snapshotChunks(entries: readonly Entry[], height: number, parent: string): Promise<{ root: Uint8Array; chunks: SnapshotEntry[][] }> {
  const dir = mkdtempSync(join(parent, "s-"));
  const source = openMemoryAuthenticatedStore();
  source.stage(entries).commit(height);
  const w = new SnapshotWriter(join(dir, String(height)), { height, root: source.root, expectedKeys: entries.length });
  for (const [k, v] of source.iterate(Uint8Array.of(0), undefined)) w.add(k, v);
  await w.finish();
  const m = verifyManifest(readFileSync(join(dir, String(height), "manifest.json")), source.root, height);
  const chunks: SnapshotEntry[][] = [];
  m.slots.forEach((s, i) => {
    if (s !== null) chunks.push(verifyChunk(m, i, readFileSync(join(dir, String(height), `chunk-${i}.bin`))));
  });
  return { root: source.root, chunks };
}

interface Harness {
  name: string;
  open(): TreeStore;
  reopen?(): Promise<TreeStore>;
  cleanup(): Promise<void>;
}

function lmdbHarness(): Harness {
  let dir = "";
  let db: RootDatabase | undefined;
  return {
    name: "lmdb",
    open() {
      dir = mkdtempSync(join(tmpdir(), "nexus-import-"));
      db = open({ path: dir, overlappingSync: false });
      // Small enough that a 9 000-key import flushes every few chunks and reads the held nodes in between.
      return openAuthenticatedStore(db, { importFlushEntries: 2500 });
    },
    async reopen() {
      await db!.close();
      db = open({ path: dir, overlappingSync: false });
      return openAuthenticatedStore(db, { importFlushEntries: 2500 });
    },
    async cleanup() {
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function memoryHarness(): Harness {
  return { name: "memory", open: () => openMemoryAuthenticatedStore(), cleanup: async () => {} };
}

let files = "";
before(() => {
  files = mkdtempSync(join(tmpdir(), "nexus-import-snap-"));
});
after(() => rmSync(files, { recursive: true, force: true }));

for (const make of [memoryHarness, lmdbHarness]) {
  describe(`state/snapshot import (${make().name})`, () => {
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

    for (const n of [0, 1, 2, 40, 9000]) {
      it(`importing every chunk of ${n} keys reproduces the root; the store then commits at height+1`, async () => {
        const entries = kvs(n);
        const { root, chunks } = await snapshotChunks(entries, 100 + n, files);
        expect(store.importing).to.equal(false);
        store.beginImport();
        expect(store.importing).to.equal(true);
        // Any order of chunks gives the same tree.
        for (const c of [...chunks].reverse()) store.importBatch(c);
        expect(store.initialised).to.equal(false);
        // Reads during an import see everything imported so far.
        if (n > 0) expect(hex(store.get(entries[n - 1]![0])!)).to.equal(hex(entries[n - 1]![1]));
        store.finishImport(100 + n, root);
        expect(store.importing).to.equal(false);
        expect(store.initialised).to.equal(true);
        expect(store.height).to.equal(100 + n);
        expect(hex(store.root)).to.equal(hex(root));
        expect(store.nodeCount()).to.equal(referenceRoot(entries).nodes);
        for (const [k, v] of entries.slice(0, 50)) {
          expect(hex(store.get(k)!)).to.equal(hex(v));
          expect(verifyStateProof(root, k, v, store.prove(k).proof)).to.equal(true);
        }
        expect([...store.iterate(Uint8Array.of(0), undefined)].length).to.equal(n);
        // Normal operation continues: the next commit is at height + 1, never at height.
        expect(code(() => store.stage([[bytes("x"), bytes("y")]]).commit(100 + n))).to.equal("STATE_BAD_HEIGHT");
        const more = [[bytes("acct/0"), bytes("changed")], [bytes("new/key"), bytes("1")]] as const;
        store.stage(more).commit(101 + n);
        const model = new Map(entries.map(([k, v]) => [hex(k), [k, v] as Entry]));
        for (const [k, v] of more) model.set(hex(k), [k, v]);
        expect(hex(store.root)).to.equal(hex(referenceRoot(model.values()).root));
        if (h.reopen) {
          store = await h.reopen();
          expect(store.importing).to.equal(false);
          expect(store.height).to.equal(101 + n);
          expect(hex(store.root)).to.equal(hex(referenceRoot(model.values()).root));
        }
      });
    }

    it("finishImport with a wrong root refuses and leaves the store importing and uncommitted", async () => {
      const { root, chunks } = await snapshotChunks(kvs(300), 7, files);
      store.beginImport();
      for (const c of chunks.slice(1)) store.importBatch(c); // one chunk missing
      expect(code(() => store.finishImport(7, root))).to.equal("STATE_IMPORT");
      expect(store.importing).to.equal(true);
      expect(store.initialised).to.equal(false);
      store.importBatch(chunks[0]!);
      expect(code(() => store.finishImport(7, EMPTY_ROOT))).to.equal("STATE_IMPORT");
      store.finishImport(7, root);
      expect(store.height).to.equal(7);
    });

    it("is refused on a store that has committed, twice, out of order, and blocks commits while importing", async () => {
      expect(code(() => store.importBatch([[bytes("a"), bytes("b")]]))).to.equal("STATE_IMPORT");
      expect(code(() => store.finishImport(1, EMPTY_ROOT))).to.equal("STATE_IMPORT");
      store.beginImport();
      expect(code(() => store.beginImport())).to.equal("STATE_IMPORT");
      expect(code(() => store.stage([[bytes("a"), bytes("b")]]))).to.equal("STATE_IMPORT");
      expect(code(() => store.importBatch([[bytes(""), bytes("b")]]))).to.equal("STATE_INVALID_KEY");
      store.abortImport();
      store.stage([[bytes("a"), bytes("b")]]).commit(0);
      expect(code(() => store.beginImport())).to.equal("STATE_IMPORT");
      expect(code(() => store.abortImport())).to.equal("STATE_IMPORT");
      expect(hex(store.get(bytes("a"))!)).to.equal(hex(bytes("b")));
    });

    it("abortImport empties the store, which can import again", async () => {
      const { root, chunks } = await snapshotChunks(kvs(200), 3, files);
      store.beginImport();
      store.importBatch(chunks[0]!);
      store.abortImport();
      expect(store.importing).to.equal(false);
      expect(hex(store.root)).to.equal(hex(EMPTY_ROOT));
      expect(store.nodeCount()).to.equal(0);
      expect([...store.iterate(Uint8Array.of(0), undefined)]).to.deep.equal([]);
      store.beginImport();
      for (const c of chunks) store.importBatch(c);
      store.finishImport(3, root);
      expect(hex(store.root)).to.equal(hex(root));
    });

    if (make().name === "lmdb") {
      it("a half-imported store shows importing=true when reopened, not initialised; abort and redo works", async () => {
        const { root, chunks } = await snapshotChunks(kvs(9000), 11, files);
        expect(chunks.length).to.equal(16);
        store.beginImport();
        for (const c of chunks.slice(0, 6)) store.importBatch(c);
        store = await h.reopen!();
        expect(store.importing).to.equal(true);
        expect(store.initialised).to.equal(false);
        expect(hex(store.root)).to.not.equal(hex(EMPTY_ROOT)); // part of it was written
        expect(store.nodeCount()).to.be.greaterThan(0);
        expect(code(() => store.stage([]))).to.equal("STATE_IMPORT");
        store.abortImport();
        store = await h.reopen!();
        expect(store.importing).to.equal(false);
        expect(hex(store.root)).to.equal(hex(EMPTY_ROOT));
        store.beginImport();
        store = await h.reopen!(); // marker written before any data: still visible with no chunk in
        expect(store.importing).to.equal(true);
        for (const c of chunks) store.importBatch(c);
        store.finishImport(11, root);
        store = await h.reopen!();
        expect(store.importing).to.equal(false);
        expect(store.height).to.equal(11);
        expect(hex(store.root)).to.equal(hex(root));
        expect(store.checkTree().problems).to.deep.equal([]);
      });
    }
  });
}
