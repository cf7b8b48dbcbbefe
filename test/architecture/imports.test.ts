import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { importCycles, importEdges, sourceFiles, type ImportEdge } from "./import-graph.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE_DIRS = ["runtime", "modules", "plugins", "chains", "bridges", "services", "examples", "bench", "scripts", "test"];
/** What the framework may never depend on: a chain, its modules, plugins, bridges and services. */
const OUTSIDE_RUNTIME = /^(modules|plugins|chains|bridges|services|examples)\//;

describe("architecture: import rules", () => {
  const files = sourceFiles(ROOT, SOURCE_DIRS);
  const edges = importEdges(ROOT, files);

  it("finds the project's imports (the rule below has something to check)", () => {
    expect(files.filter((f) => f.startsWith("runtime/")).length).to.be.greaterThan(50);
    expect(edges.some((e) => e.from === "chains/nexus/chain.ts" && e.to === "modules/bank/index.ts")).to.equal(true);
  });

  it("runtime/ imports nothing from modules/, plugins/, chains/, bridges/, services/ or examples/", () => {
    const bad = edges.filter((e: ImportEdge) => e.from.startsWith("runtime/") && OUTSIDE_RUNTIME.test(e.to)).map((e) => `${e.from} → ${e.to}`);
    expect(bad, "the runtime is the framework: a chain binds modules and plugins in chains/<name>/").to.deep.equal([]);
  });

  it("modules, plugins and bridges import no chain", () => {
    const bad = edges.filter((e) => /^(modules|plugins|bridges|services)\//.test(e.from) && e.to.startsWith("chains/")).map((e) => `${e.from} → ${e.to}`);
    expect(bad).to.deep.equal([]);
  });

  it("no import cycle among the project's source files (type-only imports aside)", () => {
    expect(importCycles(edges).map((c) => c.join(" ⇄ "))).to.deep.equal([]);
  });

  it("the cycle finder finds a cycle when there is one", () => {
    const e = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });
    expect(importCycles([e("a.ts", "b.ts"), e("b.ts", "c.ts"), e("c.ts", "a.ts"), e("c.ts", "d.ts")])).to.deep.equal([["a.ts", "b.ts", "c.ts"]]);
    expect(importCycles([e("a.ts", "b.ts"), e("b.ts", "a.ts", true)])).to.deep.equal([]);
  });
});
