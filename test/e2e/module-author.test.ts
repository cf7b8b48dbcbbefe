import { expect } from "chai";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, runCli, startNodeProcess, waitFor, type NodeProcess } from "../helpers/spawn-node.ts";

/**
 * docs/modules.md, "Test it, then try it on a dev chain", step by step as a module author
 * follows it: new-module, the two-line edit of the chain, a dev chain, the generated tx and
 * query commands. The chain is edited in a copy of chains/nexus (chains/e2e-tmp-*, git-
 * ignored) so the checkout stays as it is; the module is scaffolded beside modules/.
 */
describe("e2e: a module author's path (docs/modules.md)", function () {
  this.timeout(180_000);
  const tag = `e2e-tmp-${process.pid}`;
  const chainDir = join(REPO, "chains", tag);
  const moduleDir = join(REPO, "modules", `${tag}-notes`);
  const home = mkdtempSync(join(tmpdir(), "nexus-module-author-"));
  let node: NodeProcess | undefined;

  after(async () => {
    await node?.stop();
    for (const d of [chainDir, moduleDir, home]) rmSync(d, { recursive: true, force: true });
  });

  it("the page lists the commands this test runs", () => {
    const doc = readFileSync(join(REPO, "docs/modules.md"), "utf8");
    for (const cmd of [
      "npm run -s nexus -- new-module notes",
      "npm run test:one -- modules/notes/notes-module.test.ts",
      "import { notesModule } from \"../../modules/notes/index.ts\";",
      "const modules: ChainModule[] = [bankModule, stakingModule, notesModule];",
      "npm run -s nexus -- init --dev",
      "npm run -s nexus -- start --dev &",
      "npm run -s nexus -- tx notes change --from alice --dev --step 5",
      "npm run -s nexus -- query notes count --address $ALICE",
    ]) {
      expect(doc, cmd).to.include(cmd);
    }
  });

  it("new-module, the chain edit, a dev chain, then tx notes change and query notes count", async () => {
    // 1. Create the folder (at modules/<tag>-notes instead of modules/notes).
    const made = await runCli(["new-module", "notes", "--dir", moduleDir]);
    expect(made.code, made.stderr).to.equal(0);
    expect(made.stdout).to.include(`import { notesModule } from "../../modules/${tag}-notes/index.ts"`);

    // 2. The chain edit, on a copy of chains/nexus.
    cpSync(join(REPO, "chains/nexus"), chainDir, { recursive: true });
    const chainFile = join(chainDir, "chain.ts");
    const before = readFileSync(chainFile, "utf8");
    const list = "const modules: ChainModule[] = [bankModule, stakingModule];";
    expect(before, "chains/nexus/chain.ts still has the line the docs tell authors to edit").to.include(list);
    writeFileSync(
      chainFile,
      `import { notesModule } from "../../modules/${tag}-notes/index.ts";\n` + before.replace(list, "const modules: ChainModule[] = [bankModule, stakingModule, notesModule];"),
    );
    const entry = join(chainDir, "main.ts");

    // 3. The module's own tests, copied from the example, pass under the new name.
    const own = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn("npm", ["run", "-s", "test:one", "--", join(moduleDir, "notes-module.test.ts")], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr.on("data", (d: Buffer) => (out += d.toString()));
      p.on("close", (code) => resolve({ code, out }));
    });
    expect(own.code, own.out).to.equal(0);
    expect(own.out).to.match(/[1-9][0-9]* passing/);

    // 4. A dev chain with the module.
    const init = await runCli(["--home", home, "init", "--dev"], {}, entry);
    expect(init.code, init.stderr).to.equal(0);
    const genesis = JSON.parse(readFileSync(join(home, "genesis.json"), "utf8")) as { modules: Record<string, unknown> };
    expect(genesis.modules).to.have.property("notes");
    node = await startNodeProcess(home, { entry });
    const alice = (await runCli(["--home", home, "keys", "show", "alice", "--address"], {}, entry)).stdout.trim();
    expect(alice).to.match(/^nxs1/);

    const tx = await runCli(["--home", home, "tx", "notes", "change", "--from", "alice", "--dev", "--step", "5", "--node", node.url, "--json"], {}, entry);
    expect(tx.code, tx.stderr + tx.stdout).to.equal(0);
    expect((JSON.parse(tx.stdout) as { code: number }).code).to.equal(0);

    const q = await waitFor("notes/count of alice", async () => {
      const r = await runCli(["--home", home, "query", "notes", "count", "--address", alice, "--node", node!.url], {}, entry);
      return r.code === 0 ? (JSON.parse(r.stdout) as { count: string }) : undefined;
    });
    expect(q).to.deep.equal({ address: alice, count: "5" });

    // A flag failing the message's schema is refused before anything is signed.
    const bad = await runCli(["--home", home, "tx", "notes", "change", "--from", "alice", "--dev", "--step", "zero", "--node", node.url], {}, entry);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/--step must match pattern/);
  });
});
