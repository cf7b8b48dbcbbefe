import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { openAuthenticatedStore, type LmdbStateOptions } from "../../runtime/state/lmdb-store.ts";
import type { Changeset } from "../../runtime/state/types.ts";
import { bytes } from "./reference-tree.ts";
import { KEYS, expectDrainedSame, expectSame, propertyRuns } from "./store-compare.ts";

/** lmdb options as the node opens its state file; the applier thread opens the same file with them. */
const LMDB = { overlappingSync: false, noMetaSync: true };

type Op = { kind: "commit"; changes: Array<[number, Uint8Array | null]> } | { kind: "take" } | { kind: "drain" } | { kind: "reopen" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("commit" as const), changes: fc.array(fc.tuple(fc.nat(KEYS.length - 1), fc.option(fc.uint8Array({ maxLength: 4 }), { freq: 3 })), { maxLength: 25 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("take" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drain" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reopen" as const) }) },
);

function journalRowCount(db: RootDatabase): number {
  return [...db.openDB<Buffer, Buffer>({ name: "state.journal", keyEncoding: "binary", encoding: "binary" }).getKeys({})].length;
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("state/lmdb journal applied in a thread of its own (applyThread)", function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-apply-thread-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function openStore(path: string, opts: LmdbStateOptions = {}): { root: RootDatabase; store: TreeStore } {
    const root = open({ path, ...LMDB });
    return { root, store: openAuthenticatedStore(root, { ...opts, applyThread: { path, lmdb: LMDB, ...opts.applyThread } }) };
  }

  it("matches the in-memory store under random commits, waits at the bound, drains and reopens mid-apply (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 14 }),
        fc.record({ chunk: fc.integer({ min: 1, max: 40 }), heights: fc.integer({ min: 1, max: 4 }), entries: fc.integer({ min: 1, max: 400 }), direct: fc.integer({ min: 0, max: 60 }), reads: fc.constantFrom(0, 1, 3, 1000) }),
        async (ops, cfg) => {
          const path = mkdtempSync(join(dir, "run-"));
          const opts: LmdbStateOptions = { applyChunkEntries: cfg.chunk, maxPendingHeights: cfg.heights, maxPendingEntries: cfg.entries, journalChunkBytes: 1024, directApplyMaxEntries: cfg.direct, readCacheEntries: cfg.reads };
          let { root, store } = openStore(path, opts);
          const ref = openMemoryAuthenticatedStore();
          try {
            for (const [i, op] of ops.entries()) {
              if (op.kind === "commit") {
                const uniq = new Map<number, Uint8Array | null>(op.changes);
                const changes: Changeset = [...uniq].map(([k, v]) => [KEYS[k]!, v] as const);
                store.stage(changes).commit(ref.height + 1);
                ref.stage(changes).commit(ref.height + 1);
                // The bound holds right after a commit: it waited for the thread when it had to.
                expect(store.pending().heights).to.be.at.most(cfg.heights);
              } else if (op.kind === "take") {
                // Let the thread run, then take what it finished (a zero budget never blocks).
                await new Promise((r) => setTimeout(r, 5));
                store.applyPending({ budgetMs: 0 });
              } else if (op.kind === "drain") {
                store.applyPending();
                expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
                expect(journalRowCount(root)).to.equal(0);
              } else {
                // Closed while the thread may be inside a height: the journal keeps what it did not finish.
                await store.close();
                await root.close();
                ({ root, store } = openStore(path, opts));
              }
              expectSame(store, ref, `after op ${i} (${op.kind})`);
            }
            expectDrainedSame(store, ref);
          } finally {
            await store.close();
            await root.close();
          }
        },
      ),
      propertyRuns(25),
    );
  });

  it("applies journaled heights in the background and deletes their journal rows, with no call from the caller", async () => {
    const path = join(dir, "bg");
    const { root, store } = openStore(path, { directApplyMaxEntries: 0, maxPendingHeights: 100, maxPendingEntries: 1e9 });
    const ref = openMemoryAuthenticatedStore();
    try {
      for (let h = 1; h <= 5; h++) {
        const changes: Changeset = Array.from({ length: 200 }, (_, i) => [bytes(`k${i}`), bytes(`v${h}.${i}`)] as const);
        store.stage(changes).commit(h);
        ref.stage(changes).commit(h);
      }
      expect(store.pending().heights).to.be.greaterThan(0);
      await until(() => store.pending().heights === 0, "the thread to apply five heights");
      expect(journalRowCount(root)).to.equal(0);
      expectSame(store, ref, "after the background apply");
    } finally {
      await store.close();
      await root.close();
    }
  });

  it("applies a height in transactions of 2 000 entries by default, in the thread and on the main thread", async () => {
    const lastTxn = (root: RootDatabase): number => (root.getStats() as { lastTxnId: number }).lastTxnId;
    // One height of 25 000 flat changes and its node writes: 13+ transactions of 2 000.
    const changes: Changeset = Array.from({ length: 25_000 }, (_, i) => [bytes(`key-${i}`), bytes(`v${i}`)] as const);
    for (const threaded of [true, false]) {
      const path = join(dir, threaded ? "thread" : "main");
      const root = open({ path, ...LMDB });
      const store = threaded
        ? openAuthenticatedStore(root, { directApplyMaxEntries: 0, applyThread: { path, lmdb: LMDB } })
        : openAuthenticatedStore(root, { directApplyMaxEntries: 0, autoApply: false });
      try {
        store.stage(changes).commit(1);
        const entries = store.pending().entries;
        expect(entries).to.be.greaterThan(25_000);
        const before = lastTxn(root);
        store.applyPending();
        expect(store.pending().entries).to.equal(0);
        expect(lastTxn(root) - before, threaded ? "thread" : "main thread").to.equal(Math.ceil(entries / 2_000));
      } finally {
        await store.close();
        await root.close();
      }
    }
  });

  it("a failed apply fails the next commit with STATE_APPLY_FAILED; reopened, the journal applies what was committed", async () => {
    const path = join(dir, "fail");
    const opts: LmdbStateOptions = { directApplyMaxEntries: 0, applyChunkEntries: 10, maxPendingHeights: 100, maxPendingEntries: 1e9 };
    let { root, store } = openStore(path, { ...opts, applyThread: { path, failAtHeight: 2 } });
    const ref = openMemoryAuthenticatedStore();
    const commit = (h: number): void => {
      const changes: Changeset = Array.from({ length: 50 }, (_, i) => [bytes(`k${i}`), bytes(`v${h}.${i}`)] as const);
      store.stage(changes).commit(h);
      ref.stage(changes).commit(h);
    };
    try {
      commit(1);
      commit(2);
      commit(3);
      await until(() => {
        try {
          store.applyPending({ budgetMs: 0 });
          return false;
        } catch (e) {
          return (e as { code?: string }).code === "STATE_APPLY_FAILED";
        }
      }, "the thread's failure to surface");
      const next: Changeset = [[bytes("x"), bytes("y")]];
      expect(() => store.stage(next).commit(4)).to.throw(/applier thread failed \(height 2: test hook/).with.property("code", "STATE_APPLY_FAILED");
      // Reads still answer from the overlay: nothing committed is lost while the node halts.
      expectSame(store, ref, "after the failure");
      await store.close();
      await root.close();
      ({ root, store } = openStore(path, opts));
      expectSame(store, ref, "reopened");
      store.applyPending();
      expect(journalRowCount(root)).to.equal(0);
      expectSame(store, ref, "reopened and drained");
    } finally {
      await store.close();
      await root.close();
    }
  });
});
