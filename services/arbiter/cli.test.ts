import { expect } from "chai";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliContext } from "../../runtime/cli/extension.ts";
import { arbiterCliExtension } from "./cli.ts";
import { defaultArbiterConfig, defaultConfigYaml, loadArbiterConfig, resolveArbiterConfig, wsUrlOf } from "./config.ts";
import { Journal } from "./journal.ts";

async function rejects(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  return expect.fail("expected an error");
}

function capture(f: () => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  return f().then(
    () => ((process.stdout.write = write), out.join("")),
    (e: unknown) => {
      process.stdout.write = write;
      throw e;
    },
  );
}

describe("nexus arbiter: config, CLI, journal", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arbiter-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("init-config writes commented YAML (0600) that loads back to every default; a second run needs --force", async () => {
    const ext = arbiterCliExtension({ handleSignals: false });
    expect(ext.parent).to.equal("root");
    const path = join(dir, "arbiter.yaml");
    const out = await capture(() => ext.build({} as CliContext).exitOverride().parseAsync(["init-config", path], { from: "user" }));
    expect(out).to.include(`nexus arbiter start --config ${path}`);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const text = readFileSync(path, "utf8");
    expect(text).to.include("# ").and.include("NEXUS_ARBITER_LLM_API_KEY");
    const cfg = await loadArbiterConfig(path);
    expect(cfg).to.deep.equal(defaultArbiterConfig());
    const e = await rejects(ext.build({} as CliContext).exitOverride().parseAsync(["init-config", path], { from: "user" }));
    expect(e.message).to.include("--force");
    await capture(() => ext.build({} as CliContext).exitOverride().parseAsync(["init-config", path, "--force"], { from: "user" }));
    const json = join(dir, "arbiter.json");
    await capture(() => ext.build({} as CliContext).exitOverride().parseAsync(["init-config", json], { from: "user" }));
    expect(await loadArbiterConfig(json)).to.deep.equal(defaultArbiterConfig());
  });

  it("--help names the commands and the config option", () => {
    const cmd = arbiterCliExtension({ handleSignals: false }).build({} as CliContext);
    expect(cmd.helpInformation()).to.include("start").and.include("init-config");
    const start = cmd.commands.find((c) => c.name() === "start")!;
    expect(start.helpInformation()).to.include("--config <file>").and.include("--passphrase-file").and.include("--node <url>");
  });

  it("a partial YAML file overrides only what it names; relative paths are relative to the file", async () => {
    const path = join(dir, "a.yaml");
    writeFileSync(path, "node:\n  rpcUrl: https://node.example:7700\nhome: ./home\nevidence:\n  fileRoots: [docs]\ndecider:\n  id: llm\n  options: { model: m }\n");
    const cfg = await loadArbiterConfig(path);
    expect(cfg.node).to.deep.include({ rpcUrl: "https://node.example:7700", pollIntervalMs: 30_000 });
    expect(wsUrlOf(cfg)).to.equal("wss://node.example:7700/ws");
    expect(cfg.home).to.equal(join(dir, "home"));
    expect(cfg.evidence.fileRoots).to.deep.equal([join(dir, "docs")]);
    expect(cfg.evidence.maxBytes).to.equal(1_048_576);
    expect(cfg.decider).to.deep.equal({ id: "llm", options: { model: "m" } });
    expect(wsUrlOf(resolveArbiterConfig({ node: { wsUrl: "ws://h:1/x" } }))).to.equal("ws://h:1/x");
    writeFileSync(path, "# only comments\n");
    expect(await loadArbiterConfig(path)).to.deep.equal(defaultArbiterConfig());
  });

  it("config errors say what is wrong and how to fix it", async () => {
    const missing = await rejects(loadArbiterConfig(join(dir, "none.yaml")));
    expect(missing.code).to.equal("ARBITER_CONFIG_INVALID");
    expect(missing.message).to.include("nexus arbiter init-config");
    const p = join(dir, "bad.yaml");
    writeFileSync(p, "node: [unclosed\n");
    expect((await rejects(loadArbiterConfig(p))).message).to.include("not valid YAML");
    writeFileSync(p, "nodes:\n  rpcUrl: x\n");
    expect((await rejects(loadArbiterConfig(p))).message).to.include('unknown field "nodes"').and.include("docs/arbiter.md");
    writeFileSync(p, "evidence:\n  maxBytes: lots\n");
    expect((await rejects(loadArbiterConfig(p))).message).to.include("config/evidence/maxBytes must be integer");
    writeFileSync(p, "node:\n  rpcUrl: 127.0.0.1:7700\n");
    expect((await rejects(loadArbiterConfig(p))).message).to.include("http://127.0.0.1:7700");
    writeFileSync(p, "- a list\n");
    expect((await rejects(loadArbiterConfig(p))).message).to.include("mapping");
    const j = join(dir, "bad.json");
    writeFileSync(j, "{");
    expect((await rejects(loadArbiterConfig(j))).message).to.include("not valid JSON");
    expect(defaultConfigYaml()).to.include("rpcUrl:");
  });

  it("the journal keeps rulings across a reopen and skips a line torn by a crash", () => {
    const path = join(dir, "j", "journal.jsonl");
    const j = Journal.open(path);
    const ruling = { decision: "dismiss" as const, confidence: 1000, rationale: "r", rationaleHash: "00".repeat(32), decider: "rules" };
    j.append({ t: "decided", key: "1:1", caseId: 1, round: 1, at: 0, ruling, evidence: [] });
    j.append({ t: "sending", key: "1:1", txHash: "ab".repeat(32) });
    j.append({ t: "decided", key: "2:1", caseId: 2, round: 1, at: 0, ruling, evidence: [] });
    j.append({ t: "done", key: "2:1", txHash: "cd".repeat(32), result: "submitted" });
    j.append({ t: "skipped", key: "3:2", caseId: 3, round: 2, reason: "deadline-passed" });
    j.close();
    appendFileSync(path, '{"t":"done","key":"1:1"');
    const k = Journal.open(path);
    expect(k.skippedLines).to.equal(1);
    expect(k.pending().map((r) => r.key)).to.deep.equal(["1:1"]);
    expect(k.get("1:1")).to.include({ state: "decided", txHash: "ab".repeat(32) });
    expect(k.get("2:1")).to.include({ state: "done", result: "submitted" });
    expect(k.get("3:2")).to.include({ state: "skipped", reason: "deadline-passed" });
    k.append({ t: "failed", key: "1:1", code: "X_Y", message: "m" });
    k.close();
    expect(Journal.open(path).pending()).to.have.length(0);
  });
});
