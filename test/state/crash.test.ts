import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { open } from "lmdb";
import { openMemoryAuthenticatedStore } from "../../runtime/state/authenticated-store.ts";
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

async function reopenAndCheck(dir: string, height: number, roots: string[]): Promise<void> {
  const db = open({ path: dir });
  const side = db.openDB<Buffer, Buffer>({ name: "side", keyEncoding: "binary", encoding: "binary" });
  const store = openAuthenticatedStore(db);
  try {
    expect(store.height).to.equal(height);
    expect(Buffer.from(store.root).toString("hex")).to.equal(roots[height]);
    // The caller's writes made in the same commit are there exactly for committed heights.
    for (let h = 1; h <= height + 1; h++) {
      expect(side.get(Buffer.from(`block/${h}`))?.toString()).to.equal(h <= height ? `body ${h}` : undefined);
    }
    // Values and proofs agree with the root.
    for (let i = 0; i < 1000; i += 37) {
      const key = Buffer.from(`acct/${i}`);
      const { value, proof } = store.prove(key);
      expect(verifyStateProof(store.root, key, value, proof)).to.equal(true);
    }
    // And the store keeps working: the next block commits on top.
    store.stage(crashBlock(height + 1)).commit(height + 1);
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
      const db = open({ path: dir });
      const store = openAuthenticatedStore(db);
      expect(store.height).to.equal(height);
      expect(Buffer.from(store.root).toString("hex")).to.equal(roots[height]);
      await store.close();
      await db.close();
    }
  });
});
