import { expect } from "chai";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, REPO, freePort, runCli, startNodeProcess, waitFor, type NodeProcess } from "../helpers/spawn-node.ts";
import { NODE_HEAP_FLAGS } from "../../runtime/node/heap-flags.ts";

/** `nexus start` as a process that is expected to fail: its exit code and output, or a timeout (a hang). */
function startExpectingExit(home: string, args: string[], timeoutMs = 90_000): Promise<{ code: number | null; out: string; hung: boolean }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", CLI, "--home", home, "start", ...args], { cwd: REPO, env: { ...process.env, NEXUS_HOME: home }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      resolve({ code: null, out, hung: true });
    }, timeoutMs);
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, hung: false });
    });
  });
}

describe("nexus start: one node per home, and a failed start exits with the reason", function () {
  this.timeout(240_000);
  const homes: string[] = [];
  const newHome = (): string => {
    const h = mkdtempSync(join(tmpdir(), "nexus-start-safety-"));
    homes.push(h);
    return h;
  };
  let first: NodeProcess | undefined;
  const others: NodeProcess[] = [];
  after(async () => {
    await first?.stop();
    for (const n of others) if (n.proc.exitCode === null) await n.stop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it("a second node on a running node's home is refused, naming the pid; the first keeps committing", async () => {
    const home = newHome();
    first = await startNodeProcess(home);
    const second = await startExpectingExit(home, ["--dev", "--rpc-port", String(await freePort())]);
    expect(second.hung, second.out).to.equal(false);
    expect(second.code).to.equal(1);
    expect(second.out).to.contain(`another node (pid ${first.proc.pid}) is running on ${home}`);
    const h = (await first.client.status()).height;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await first.client.status()).height).to.be.greaterThan(h);
  });

  it("an RPC port in use ends the start with a hint about --rpc-port, not a hang; the home is free again", async () => {
    const busy: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => busy.listen(port, "127.0.0.1", () => r()));
    try {
      const home = newHome();
      const r = await startExpectingExit(home, ["--dev", "--rpc-port", String(port)]);
      expect(r.hung, r.out).to.equal(false);
      expect(r.code).to.equal(1);
      expect(r.out).to.contain(`RPC port ${port} on 127.0.0.1 is in use`);
      expect(r.out).to.contain("--rpc-port");
      expect(existsSync(join(home, "node.lock")), "the lock is released on a failed start").to.equal(false);
    } finally {
      busy.close();
    }
  });

  it("an rpc.host that is not this machine's ends the start with the setting named", async () => {
    const home = newHome();
    expect((await runCli(["--home", home, "init", "--dev"])).code).to.equal(0);
    const cfg = JSON.parse(readFileSync(join(home, "config.json"), "utf8")) as { rpc: Record<string, unknown> };
    cfg.rpc.host = "no-such-host.invalid";
    writeFileSync(join(home, "config.json"), JSON.stringify(cfg));
    const r = await startExpectingExit(home, []);
    expect(r.hung, r.out).to.equal(false);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain('rpc.host "no-such-host.invalid"');
  });

  it("a home with chain data but no genesis.json is not initialised again over it", async () => {
    const home = newHome();
    const node = await startNodeProcess(home);
    others.push(node);
    await waitFor("a first block", async () => ((await node.client.status()).height > 0 ? true : undefined), 60_000);
    await node.stop();
    const key = readFileSync(join(home, "validator-key.json"), "utf8");
    renameSync(join(home, "genesis.json"), join(home, "genesis.json.bak"));
    const r = await startExpectingExit(home, ["--dev", "--rpc-port", String(await freePort())]);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain("holds chain data");
    expect(r.out).to.contain("restore genesis.json");
    expect(existsSync(join(home, "genesis.json")), "no new genesis was written").to.equal(false);
    expect(readFileSync(join(home, "validator-key.json"), "utf8")).to.equal(key);
    // Restored, it starts and resumes.
    renameSync(join(home, "genesis.json.bak"), join(home, "genesis.json"));
    const again = await startNodeProcess(home);
    others.push(again);
    expect((await again.client.status()).height).to.be.greaterThan(0);
    await again.stop();
  });
});
