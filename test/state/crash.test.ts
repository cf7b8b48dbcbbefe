import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { open, type RootDatabase } from "lmdb";
import { openMemoryAuthenticatedStore, type TreeStore } from "../../runtime/state/authenticated-store.ts";
import type { KVReader } from "../../runtime/state/types.ts";
import { openAuthenticatedStore } from "../../runtime/state/lmdb-store.ts";
import { verifyStateProof } from "../../runtime/state/proof-verify.ts";
import { crashBlock } from "./fixtures/crash-blocks.ts";

const child = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "crash-child.ts");

function runChild(dir: string, blocks: number, mode: string): { signal: NodeJS.Signals | null; stdout: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", child, dir, String(blocks), mode], { encoding: "utf8", timeout: 60_000 });
  return { signal: r.signal, stdout: r.stdout };
}

/** Roots after each height, from the in-memory store (same tree, no lmdb). */
function expectedRoots(blocks: number): string[] {
  const mem = openMemoryAuthenticatedStore();
  const roots = [Buffer.from(mem.root).toString("hex")];
  for (let h = 1; h <= blocks; h++) {
    mem.stage(crashBlock(h)).commit(h);
    roots.push(Buffer.from(mem.root).toString("hex"));
  }
  return roots;
}

/** The in-memory reference store after `height` blocks. */
function referenceAt(height: number): TreeStore {
  const mem = openMemoryAuthenticatedStore();
  for (let h = 1; h <= height; h++) mem.stage(crashBlock(h)).commit(h);
  return mem;
}

const hexOf = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString("hex"));
const entries = (r: KVReader, reverse = false): string[] =>
  [...r.iterate(Buffer.from("acct/"), Buffer.from("acct0"), { reverse })].map(([k, v]) => `${hexOf(k)}=${hexOf(v)}`);

function openRoot(dir: string): RootDatabase {
  return open({ path: dir, overlappingSync: false });
}

async function reopenAndCheck(dir: string, height: number, roots: string[]): Promise<void> {
  const db = openRoot(dir);
  const side = db.openDB<Buffer, Buffer>({ name: "side", keyEncoding: "binary", encoding: "binary" });
  const store = openAuthenticatedStore(db, { autoApply: false });
  try {
    expect(store.height).to.equal(height);
    expect(Buffer.from(store.root).toString("hex")).to.equal(roots[height]);
    // The caller's writes made in the same commit are there exactly for committed heights.
    for (let h = 1; h <= height + 1; h++) {
      expect(side.get(Buffer.from(`block/${h}`))?.toString()).to.equal(h <= height ? `body ${h}` : undefined);
    }
    // Every value, the iteration order and proofs agree with the reference, before and
    // after the journal left by the crash is applied.
    const ref = referenceAt(height);
    for (const phase of ["replayed", "applied"]) {
      if (phase === "applied") store.applyPending();
      for (let i = 0; i < 1000; i++) {
        const key = Buffer.from(`acct/${i}`);
        expect(hexOf(store.get(key)), `${phase} acct/${i}`).to.equal(hexOf(ref.get(key)));
      }
      expect(entries(store)).to.deep.equal(entries(ref));
      expect(entries(store, true)).to.deep.equal(entries(ref, true));
      for (let i = 0; i < 1000; i += 37) {
        const key = Buffer.from(`acct/${i}`);
        const { value, proof } = store.prove(key);
        expect(verifyStateProof(store.root, key, value, proof)).to.equal(true);
      }
    }
    expect(store.pending().heights).to.equal(0);
    // And the store keeps working: the next block commits on top.
    store.stage(crashBlock(height + 1)).commit(height + 1, () => side.putSync(Buffer.from(`block/${height + 1}`), Buffer.from(`body ${height + 1}`)));
    expect(Buffer.from(store.root).toString("hex")).to.equal(roots[height + 1]);
  } finally {
    await store.close();
    await db.close();
  }
}

describe("state/lmdb crash semantics (child process killed with SIGKILL)", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-state-crash-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a kill inside the commit transaction leaves the previous height, root and side writes, nothing of the new one", async () => {
    const roots = expectedRoots(5);
    const r = runChild(dir, 4, "in-commit");
    expect(r.signal).to.equal("SIGKILL");
    await reopenAndCheck(dir, 3, roots);
  });

  it("a kill right after commit returns keeps that commit (process crash, same boot)", async () => {
    const roots = expectedRoots(5);
    const r = runChild(dir, 4, "after-commit");
    expect(r.signal).to.equal("SIGKILL");
    expect(r.stdout).to.contain(`committed 4 ${roots[4]}`);
    await reopenAndCheck(dir, 4, roots);
  });

  it("repeated kills, alternating inside and right after commit, never leave a torn state", async () => {
    const roots = expectedRoots(12);
    let height = 0;
    for (let round = 0; round < 4; round++) {
      const target = height + 2;
      const mode = round % 2 === 0 ? "in-commit" : "after-commit";
      expect(runChild(dir, target, mode).signal).to.equal("SIGKILL");
      height = mode === "in-commit" ? target - 1 : target;
      const db = openRoot(dir);
      const store = openAuthenticatedStore(db);
      expect(store.height).to.equal(height);
      expect(Buffer.from(store.root).toString("hex")).to.equal(roots[height]);
      await store.close();
      await db.close();
    }
  });

  // The applier: blocks 1..6 are committed (journal only), then the applier runs in
  // 100-entry transactions (each block is ~300 flat changes + ~900 node writes) and dies.
  const applyKills: Array<[string, string]> = [
    ["apply:1:in-txn", "inside the first applier transaction"],
    ["apply:3:committed", "between two chunks of a height (height partly applied)"],
    ["apply:13:in-txn", "inside a height's final chunk, before its journal record is deleted"],
    ["apply:13:committed", "right after a height's final chunk (journal record deleted)"],
    ["apply:40:committed", "after several heights were applied"],
  ];
  for (const [mode, where] of applyKills) {
    it(`a kill ${where} (${mode}) keeps exactly the committed state`, async () => {
      const roots = expectedRoots(7);
      const r = runChild(dir, 6, mode);
      expect(r.signal).to.equal("SIGKILL");
      expect(r.stdout).to.match(/killed at/);
      await reopenAndCheck(dir, 6, roots);
    });
  }

  it("kills while the applier thread works (applyThread) keep exactly the committed state", async () => {
    const roots = expectedRoots(40);
    let height = 0;
    const pending: number[] = [];
    for (const ms of [0, 1, 3, 8, 20]) {
      const target = height + 4;
      const r = runChild(dir, target, `thread:${ms}`);
      expect(r.signal, r.stdout).to.equal("SIGKILL");
      pending.push(Number(/killed with (\d+) heights pending/.exec(r.stdout)?.[1]));
      height = target;
      await reopenAndCheck(dir, height, roots);
      height++; // reopenAndCheck committed one more block
    }
    // The kills landed while the thread still had work (not only after it finished).
    expect(pending.some((n) => n > 0), `pending heights at the kills: ${pending.join(", ")}`).to.equal(true);
  });

  it("repeated kills at random points of commit and apply never lose or tear a commit", async () => {
    const roots = expectedRoots(40);
    let height = 0;
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 6; round++) {
      const target = height + 2 + rand(3);
      const pick = rand(4);
      const mode = pick === 0 ? "in-commit" : pick === 1 ? "after-commit" : `apply:${1 + rand(30)}:${pick === 2 ? "in-txn" : "committed"}`;
      const r = runChild(dir, target, mode);
      // An apply kill point past the end of the backlog is never reached: the child finishes.
      if (r.signal !== "SIGKILL") expect(r.stdout, mode).to.contain("done");
      height = mode === "in-commit" ? target - 1 : target;
      await reopenAndCheck(dir, height, roots);
      height++; // reopenAndCheck committed one more block
    }
  });
});
