import { expect } from "chai";
import { readFileSync } from "node:fs";
import { NODE_HEAP_FLAGS, missingHeapFlags } from "../../runtime/node/heap-flags.ts";

const repoFile = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");

describe("node V8 heap flags", () => {
  it("every way of launching a node passes the same flags", () => {
    const scripts = (JSON.parse(repoFile("package.json")) as { scripts: Record<string, string> }).scripts;
    for (const name of ["start", "nexus", "devnet"]) expect(scripts[name], `npm run ${name}`).to.contain(`node ${NODE_HEAP_FLAGS.join(" ")} --import tsx`);
    expect(repoFile("bin/nexus.js").split("\n")[0]).to.equal(`#!/usr/bin/env -S node ${NODE_HEAP_FLAGS.join(" ")}`);
  });

  it("names the flags a process lacks, from its arguments or NODE_OPTIONS", () => {
    expect(missingHeapFlags([...NODE_HEAP_FLAGS], "")).to.deep.equal([]);
    expect(missingHeapFlags([], "")).to.deep.equal([...NODE_HEAP_FLAGS]);
    expect(missingHeapFlags(["--max-old-space-size=4096"], "--max_semi_space_size=8")).to.deep.equal([]);
    expect(missingHeapFlags(["--import", "tsx"], "--max-old-space-size=2048")).to.deep.equal([NODE_HEAP_FLAGS[0]]);
  });
});
