// Guards the rule "every revert path has a test that checks its reason":
// each custom error declared in contracts/ (test helpers excluded) must be
// asserted by name through expectRevert somewhere in test/contracts/. Also
// checks that expectRevert itself fails on a wrong reason or no revert.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { connect, expectRevert } from "./helpers.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(ext)) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

describe("revert-path coverage", function () {
  it("every custom error in contracts/ is asserted by a test", async () => {
    const declared = new Map<string, string>();
    for (const file of await filesUnder(path.join(ROOT, "contracts"), ".sol")) {
      if (file.includes(`${path.sep}contracts${path.sep}test${path.sep}`)) continue;
      const source = await readFile(file, "utf8");
      for (const m of source.matchAll(/^\s*error\s+(\w+)\s*\(/gm)) declared.set(m[1], path.relative(ROOT, file));
    }
    assert.ok(declared.size > 30, `found only ${declared.size} custom errors`);
    let tests = "";
    for (const file of await filesUnder(path.join(ROOT, "test/contracts"), ".test.ts")) {
      if (!file.endsWith("revert-coverage.test.ts")) tests += await readFile(file, "utf8");
    }
    // An assertion looks like expectRevert(<call>, "Name" ...), possibly over several lines.
    const asserted = new Set([...tests.matchAll(/expectRevert\([\s\S]*?,\s*"([A-Z]\w*)"/g)].map((m) => m[1]));
    const missing = [...declared].filter(([name]) => !asserted.has(name)).map(([n, f]) => `${n} (${f})`);
    assert.deepEqual(missing, [], `custom errors without a revert test: ${missing.join(", ")}`);
  });

  it("expectRevert rejects a wrong reason and a call that does not revert", async () => {
    const { viem } = await connect();
    const router = await viem.deployContract("NexusDEXRouter", [
      (await viem.deployContract("NexusDEXFactory", ["0x0000000000000000000000000000000000000001"])).address,
    ]);
    await expectRevert(router.read.quote([0n, 1n, 1n]), "InsufficientAmount");
    await assert.rejects(expectRevert(router.read.quote([0n, 1n, 1n]), "InsufficientLiquidity"), /not InsufficientLiquidity/);
    await assert.rejects(expectRevert(router.read.quote([1n, 1n, 1n]), "InsufficientAmount"), /succeeded/);
  });
});
