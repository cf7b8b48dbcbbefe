import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);
}

describe("consensus layering", () => {
  it("runtime/consensus imports no module and not the node: the engine sees the node only through its ports", () => {
    const bad: string[] = [];
    for (const f of tsFiles(join(REPO, "runtime/consensus"))) {
      for (const spec of imports(f)) {
        const target = relative(REPO, join(f, "..", spec));
        if (target.startsWith("modules/") || target === "runtime/node/node.ts" || target.startsWith("chains/") || target.startsWith("plugins/")) bad.push(`${relative(REPO, f)} → ${target}`);
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it("the consensus chain module needs staking only through its expected keepers", () => {
    const bad = tsFiles(join(REPO, "modules/consensus")).flatMap((f) => imports(f).filter((s) => s.includes("modules/staking") || s.startsWith("../staking")).map((s) => `${relative(REPO, f)} → ${s}`));
    expect(bad).to.deep.equal([]);
  });
});
