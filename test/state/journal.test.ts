import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, type RootDatabase } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import { openAuthenticatedStore, type LmdbStateOptions } from "../../runtime/state/lmdb-store.ts";
import type { Changeset } from "../../runtime/state/types.ts";
import { bytes, hex } from "./reference-tree.ts";
import { KEYS, expectDrainedSame, expectSame, propertyRuns } from "./store-compare.ts";
import { decodeJournal, encodeJournal } from "../../runtime/state/journal.ts";
import { sha256, updateTree, type NodeWrites } from "../../runtime/state/tree.ts";

type Op =
  | { kind: "commit"; changes: Array<[number, Uint8Array | null]> }
  | { kind: "apply"; maxEntries: number }
  | { kind: "reopen" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("commit" as const), changes: fc.array(fc.tuple(fc.nat(KEYS.length - 1), fc.option(fc.uint8Array({ maxLength: 4 }), { freq: 3 })), { maxLength: 25 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("apply" as const), maxEntries: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reopen" as const) }) },
);


type Staging = { stage(changes: Changeset): { commit(height: number): void } };

/** Commit `n` changes at height `h` to the store under test and to the in-memory reference. */
function committer(store: Staging, ref: Staging): (h: number, n: number) => void {
  return (h, n) => {
    const changes: Changeset = Array.from({ length: n }, (_, i) => [bytes(`k${h}.${i}`), bytes(`v${h}`)] as const);
    store.stage(changes).commit(h);
    ref.stage(changes).commit(h);
  };
}

/** Rows in the state journal table. */
function journalRows(db: RootDatabase): () => number {
  const journal = db.openDB<Buffer, Buffer>({ name: "state.journal", keyEncoding: "binary", encoding: "binary" });
  return () => [...journal.getKeys({})].length;
}

describe("state/lmdb journal: overlay, applier and replay", function () {
  this.timeout(120_000);
  let dir: string;
  let db: RootDatabase | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-journal-"));
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("matches the in-memory store under random commits, partial applies and reopens (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.record({ chunk: fc.integer({ min: 1, max: 40 }), heights: fc.integer({ min: 1, max: 6 }), entries: fc.integer({ min: 1, max: 400 }), direct: fc.integer({ min: 0, max: 120 }), reads: fc.constantFrom(0, 1, 3, 1000) }),
        async (ops, cfg) => {
          const path = mkdtempSync(join(dir, "run-"));
          const opts: LmdbStateOptions = {
            autoApply: false,
            applyChunkEntries: cfg.chunk,
            maxPendingHeights: cfg.heights,
            maxPendingEntries: cfg.entries,
            journalChunkBytes: 1024,
            directApplyMaxEntries: cfg.direct,
            // 0: no read cache; 1-3: generations turn over within a run.
            readCacheEntries: cfg.reads,
          };
          let root = open({ path, overlappingSync: false });
          let store = openAuthenticatedStore(root, opts);
          const ref = openMemoryAuthenticatedStore();
          try {
            for (const [i, op] of ops.entries()) {
              if (op.kind === "commit") {
                const uniq = new Map<number, Uint8Array | null>(op.changes);
                const changes: Changeset = [...uniq].map(([k, v]) => [KEYS[k]!, v] as const);
                const staged = store.stage(changes);
                expect(hex(staged.root)).to.equal(hex(ref.stage(changes).root));
                staged.commit(ref.height + 1);
                ref.stage(changes).commit(ref.height + 1);
                const p = store.pending();
                expect(p.heights).to.be.at.most(cfg.heights);
              } else if (op.kind === "apply") {
                store.applyPending({ maxEntries: op.maxEntries });
              } else {
                // No drain on close: whatever is pending (maybe a partly applied height) is replayed.
                await store.close();
                await root.close();
                root = open({ path, overlappingSync: false });
                store = openAuthenticatedStore(root, opts);
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
      propertyRuns(200),
    );
  });

  it("applies in the background after a commit, one chunk per event-loop turn", async () => {
    db = open({ path: dir, overlappingSync: false });
    const store = openAuthenticatedStore(db, { applyChunkEntries: 50, directApplyMaxEntries: 0 });
    const ref = openMemoryAuthenticatedStore();
    const changes: Changeset = Array.from({ length: 200 }, (_, i) => [bytes(`k${i}`), bytes(`v${i}`)] as const);
    store.stage(changes).commit(1);
    ref.stage(changes).commit(1);
    expect(store.pending().heights).to.equal(1);
    const entries0 = store.pending().entries;
    await new Promise((r) => setImmediate(r));
    expect(store.pending().entries).to.be.below(entries0); // some progress, not all at once
    for (let i = 0; i < 100 && store.pending().heights > 0; i++) await new Promise((r) => setImmediate(r));
    expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
    expect(hex(store.root)).to.equal(hex(ref.root));
    await store.close();
  });

  it("bounds the journal: a commit first applies what exceeds maxPendingHeights / maxPendingEntries", async () => {
    db = open({ path: dir, overlappingSync: false });
    const store = openAuthenticatedStore(db, { autoApply: false, maxPendingHeights: 3, maxPendingEntries: 1e9, directApplyMaxEntries: 0 });
    for (let h = 1; h <= 10; h++) {
      store.stage([[bytes(`k${h}`), bytes(`v${h}`)]]).commit(h);
      expect(store.pending().heights).to.equal(Math.min(h, 3));
    }
    await store.close();
    const small = openAuthenticatedStore(db, { autoApply: false, maxPendingHeights: 100, maxPendingEntries: 500, directApplyMaxEntries: 0 });
    for (let h = 11; h <= 20; h++) {
      small.stage(Array.from({ length: 100 }, (_, i) => [bytes(`k${h}.${i}`), bytes("x")] as const)).commit(h);
      expect(small.pending().entries).to.be.at.most(500);
    }
    expect(small.pending().heights).to.be.below(10);
    await small.close();
  });

  it("a small commit with nothing pending goes straight to the main tables; a big one, or one behind pending heights, is journaled", async () => {
    db = open({ path: dir, overlappingSync: false });
    const rows = journalRows(db);
    const store = openAuthenticatedStore(db, { autoApply: false, directApplyMaxEntries: 40, directApplyBudgetMs: 0 });
    const ref = openMemoryAuthenticatedStore();
    const commit = committer(store, ref);
    commit(1, 3); // a few changes and their nodes: under 40 entries
    expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
    expect(rows()).to.equal(0);
    commit(2, 60); // over 40: journaled (in rows of journalChunkBytes)
    expect(store.pending().heights).to.equal(1);
    expect(rows()).to.be.greaterThan(0);
    commit(3, 1); // small, but height 2 is pending: journaled behind it, in order
    expect(store.pending().heights).to.equal(2);
    store.applyPending();
    expect(rows()).to.equal(0);
    commit(4, 2);
    expect(store.pending().heights).to.equal(0);
    expect(hex(store.root)).to.equal(hex(ref.root));
    await store.close();
    // Reopened: the direct commits are in the main tables, with the right meta record.
    const again = openAuthenticatedStore(db, { autoApply: false });
    expect(again.height).to.equal(4);
    expect(hex(again.root)).to.equal(hex(ref.root));
    for (const k of ["k1.0", "k2.59", "k3.0", "k4.1"]) expect(hex(again.get(bytes(k))!)).to.equal(hex(ref.get(bytes(k))!));
    await again.close();
  });

  it("a big commit goes straight in while the measured apply speed fits the budget, and is journaled once applying gets slow", async () => {
    db = open({ path: dir, overlappingSync: false });
    const rows = journalRows(db);
    // Each clock read advances `step` ms, so a timed write of n entries measures step/n ms per entry.
    let now = 0;
    let step = 1;
    const store = openAuthenticatedStore(db, { autoApply: false, directApplyMaxEntries: 40, directApplyBudgetMs: 20, clock: () => (now += step) });
    const ref = openMemoryAuthenticatedStore();
    const commit = committer(store, ref);
    commit(1, 100); // over 40 entries and no speed measured yet: journaled
    expect(store.pending().heights).to.equal(1);
    store.applyPending(); // measured: ~1 ms for a few hundred entries
    commit(2, 100); // fast applier: straight in
    expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
    expect(rows()).to.equal(0);
    step = 10_000; // the next timed write is very slow
    commit(3, 100);
    expect(store.pending().heights).to.equal(0);
    commit(4, 100); // now the measured speed says ~seconds: journaled
    expect(store.pending().heights).to.equal(1);
    expect(rows()).to.be.greaterThan(0);
    store.applyPending();
    expect(hex(store.root)).to.equal(hex(ref.root));
    await store.close();
    const again = openAuthenticatedStore(db, { autoApply: false });
    expect(again.height).to.equal(4);
    expect(hex(again.root)).to.equal(hex(ref.root));
    await again.close();
  });

  it("pending heights that are cheap to apply are applied at the next commit, which then goes straight in", async () => {
    db = open({ path: dir, overlappingSync: false });
    const rows = journalRows(db);
    let now = 0;
    const store = openAuthenticatedStore(db, { autoApply: false, directApplyMaxEntries: 40, directApplyBudgetMs: 20, clock: () => (now += 1) });
    const ref = openMemoryAuthenticatedStore();
    const commit = committer(store, ref);
    commit(1, 100); // no apply speed known yet: journaled
    commit(2, 100); // behind it: journaled
    expect(store.pending().heights).to.equal(2);
    store.applyPending({ maxEntries: 100 }); // part of height 1, timed: fast
    expect(store.pending().heights).to.equal(2);
    commit(3, 100); // the rest is cheap: applied now, and height 3 goes straight in
    expect(store.pending()).to.deep.equal({ heights: 0, entries: 0 });
    expect(rows()).to.equal(0);
    expect(hex(store.root)).to.equal(hex(ref.root));
    await store.close();
    const again = openAuthenticatedStore(db, { autoApply: false });
    expect(again.height).to.equal(3);
    expect(hex(again.root)).to.equal(hex(ref.root));
    for (const k of ["k1.0", "k2.99", "k3.50"]) expect(hex(again.get(bytes(k))!)).to.equal(hex(ref.get(bytes(k))!));
    await again.close();
  });

  it("a budgeted applyPending stops early and reports what is left", async () => {
    db = open({ path: dir, overlappingSync: false });
    const store = openAuthenticatedStore(db, { autoApply: false, applyChunkEntries: 10, directApplyMaxEntries: 0 });
    store.stage(Array.from({ length: 100 }, (_, i) => [bytes(`k${i}`), bytes(`v${i}`)] as const)).commit(1);
    const before = store.pending().entries;
    const r = store.applyPending({ maxEntries: 25 });
    expect(r.applied).to.equal(25);
    expect(r.entries).to.equal(before - 25);
    expect(r.heights).to.equal(1);
    expect(store.applyPending({ budgetMs: 1e6 }).heights).to.equal(0);
    await store.close();
  });

  it("journals internal nodes without their child hashes, and rebuilds them over a base that is partly applied", () => {
    const tc = (i: number, v: string | null): { keyHash: Uint8Array; valueHash: Uint8Array | null } => ({ keyHash: sha256(bytes(`k${i}`)), valueHash: v === null ? null : sha256(bytes(v)) });
    const sorted = <T extends { keyHash: Uint8Array }>(xs: T[]): T[] => xs.sort((a, b) => Buffer.compare(a.keyHash, b.keyHash));
    const tree = new Map<string, Uint8Array>();
    const applyWrites = (w: NodeWrites, only?: (i: number) => boolean): void => {
      let i = 0;
      for (const [p, e] of w) {
        if (only === undefined || only(i++)) {
          if (e === null) tree.delete(p);
          else tree.set(p, e.slice());
        }
      }
    };
    applyWrites(updateTree((p) => tree.get(p), sorted(Array.from({ length: 3000 }, (_, i) => tc(i, `v${i}`)))).writes);
    const next = sorted([...Array.from({ length: 40 }, (_, i) => tc(i * 61, `w${i}`)), ...Array.from({ length: 10 }, (_, i) => tc(5000 + i, "new")), tc(7, null)]);
    const { root, writes } = updateTree((p) => tree.get(p), next);
    const delta = encodeJournal({ height: 5, root, changes: [] as Changeset, nodes: writes });
    let full = 0;
    for (const e of writes.values()) full += e?.length ?? 0;
    expect(delta.length).to.be.below(full / 2);
    const same = (nodes: NodeWrites): void => {
      expect(nodes.size).to.equal(writes.size);
      for (const [p, e] of writes) expect(nodes.get(p) === null ? null : hex(nodes.get(p)!), hex(Buffer.from(p, "latin1"))).to.equal(e === null ? null : hex(e));
    };
    same(decodeJournal(delta, (p) => tree.get(p)).nodes);
    // A crash after part of this height reached the tree: the copied children are the same.
    applyWrites(writes, (i) => i % 3 === 0);
    same(decodeJournal(delta, (p) => tree.get(p)).nodes);
    applyWrites(writes);
    same(decodeJournal(delta, (p) => tree.get(p)).nodes);
  });

  it("rejects a record whose rebuilt tree does not hash to its root", () => {
    const tree = new Map<string, Uint8Array>();
    const { root, writes } = updateTree((p) => tree.get(p), [{ keyHash: sha256(bytes("a")), valueHash: sha256(bytes("1")) }, { keyHash: sha256(bytes("b")), valueHash: sha256(bytes("2")) }].sort((x, y) => Buffer.compare(x.keyHash, y.keyHash)));
    const wrongRoot = new Uint8Array(root);
    wrongRoot[0]! ^= 1;
    const rec = encodeJournal({ height: 1, root: wrongRoot, changes: [], nodes: writes });
    expect(() => decodeJournal(Buffer.from(rec), () => undefined)).to.throw().with.property("code", "STATE_CORRUPT");
    expect(hex(decodeJournal(Buffer.from(encodeJournal({ height: 1, root, changes: [], nodes: writes })), () => undefined).root)).to.equal(hex(root));
  });
});
