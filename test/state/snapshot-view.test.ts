import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { openAuthenticatedStore } from "../../runtime/state/lmdb-store.ts";
import { SnapshotWriter } from "../../runtime/state/snapshot/index.ts";
import { bytes, hex } from "./reference-tree.ts";

/** A snapshot reads the state pinned at one height while later blocks commit (the node's snapshotter). */
describe("state store: snapshotView pins the committed state", () => {
  const cases: { name: string; open(): { store: TreeStore; close(): Promise<void> } }[] = [
    { name: "memory", open: () => ({ store: openMemoryAuthenticatedStore(), close: async () => undefined }) },
    {
      name: "lmdb (journaled commits pending when the view is taken)",
      open: () => {
        const dir = mkdtempSync(join(tmpdir(), "nexus-view-"));
        const db = open({ path: dir });
        // Journal every commit and never apply in the background: the view must apply them first.
        const store = openAuthenticatedStore(db, { directApplyMaxEntries: 0, directApplyBudgetMs: 0, autoApply: false, maxPendingHeights: 100, maxPendingEntries: 10_000_000 });
        return {
          store,
          close: async () => {
            await store.close();
            await db.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the view holds height 2's values after heights 3 and 4 change, add and delete keys`, async () => {
      const { store, close } = c.open();
      try {
        store.stage(Array.from({ length: 3000 }, (_, i) => [bytes(`k/${i}`), bytes(`a${i}`)] as const)).commit(1);
        store.stage(Array.from({ length: 500 }, (_, i) => [bytes(`k/${i * 2}`), bytes(`b${i}`)] as const)).commit(2);
        const expected = new Map([...store.iterate(new Uint8Array(0), undefined)].map(([k, v]) => [hex(k), hex(v)]));
        const root2 = store.root;
        const view = store.snapshotView();
        expect(view.height).to.equal(2);
        expect(view.keys).to.equal(3000);
        expect(hex(view.root)).to.equal(hex(root2));
        store.stage([...Array.from({ length: 200 }, (_, i) => [bytes(`k/${i}`), bytes(`c${i}`)] as const), [bytes("k/2999"), null], [bytes("new"), bytes("x")]]).commit(3);
        store.stage([[bytes("k/5"), null]]).commit(4);
        // Into the main tables while the view is open: lmdb's read transaction must not see them.
        store.applyPending();
        const seen = new Map<string, string>();
        for (const [k, v] of view.entries) seen.set(hex(k), hex(v));
        view.close();
        expect(seen.size).to.equal(expected.size);
        for (const [k, v] of expected) expect(seen.get(k), k).to.equal(v);
        // And the pinned entries hash to height 2's root (what the snapshot writer checks).
        const dir = mkdtempSync(join(tmpdir(), "nexus-view-snap-"));
        try {
          const w = new SnapshotWriter(join(dir, "2"), { height: 2, root: root2, expectedKeys: seen.size });
          for (const [k, v] of expected) w.add(Buffer.from(k, "hex"), Buffer.from(v, "hex"));
          await w.finish();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        expect(store.height).to.equal(4);
        expect(store.get(bytes("k/5"))).to.equal(undefined);
      } finally {
        await close();
      }
    });
  }
});
