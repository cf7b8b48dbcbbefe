import { expect } from "chai";
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { CLI, freePort, REPO, runCli, waitFor } from "../helpers/spawn-node.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";

/** `nexus devnet` says "started" only when every validator serves RPC; one that cannot start ends it with the reason. */
describe("e2e: nexus devnet with a validator that cannot start", function () {
  this.timeout(180_000);
  let busy: Server | undefined;
  const dir = mkdtempSync(join(tmpdir(), "nexus-devnet-cli-"));
  after(() => {
    busy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 1 naming the validator and its port, and stops the others", async () => {
    const rpc = await freePort();
    // Validator 1's RPC port (rpc + 1) is taken by someone else.
    busy = createServer();
    await new Promise<void>((r, j) => {
      busy!.once("error", j);
      busy!.listen(rpc + 1, "127.0.0.1", () => r());
    });
    const p2p = await freePort();
    const r = await runCli(["devnet", "--validators", "2", "--dir", dir, "--rpc-port", String(rpc), "--p2p-port", String(p2p), "--block-time", "300"]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.contain("validator 1 exited during start-up");
    expect(r.stderr).to.contain(`RPC port ${rpc + 1} on 127.0.0.1 is in use`);
    expect(r.stdout).to.not.contain("all serving RPC");
    // Validator 0 was stopped with it: its RPC port is free again.
    await new Promise((res) => setTimeout(res, 2000));
    const again = createServer();
    await new Promise<void>((res, j) => {
      again.once("error", j);
      again.listen(rpc, "127.0.0.1", () => res());
    });
    again.close();
  });
});

/**
 * `nexus --home H devnet`: its directory under the home, free ports where the defaults are
 * taken, and `devnet status|restart|stop` from another terminal while it runs.
 */
describe("e2e: nexus devnet under --home, controlled while it runs", function () {
  this.timeout(240_000);
  const home = mkdtempSync(join(tmpdir(), "nexus-devnet-home-"));
  const dir = join(home, "devnet");
  let devnet: ChildProcess | undefined;
  let out = "";
  let squat: Server | undefined;
  after(async () => {
    squat?.close();
    if (devnet && devnet.exitCode === null) {
      devnet.kill("SIGKILL");
      await new Promise((r) => devnet!.once("exit", r));
    }
    rmSync(home, { recursive: true, force: true });
  });
  const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(["--home", home, "devnet", ...args]);
  const status = async (): Promise<{ index: number; state: string; pid?: number; rpcUrl: string; restarts: number }[]> => {
    const r = await cli("status", "--json");
    expect(r.code, r.stderr).to.equal(0);
    return (JSON.parse(r.stdout) as { validators: { index: number; state: string; pid?: number; rpcUrl: string; restarts: number }[] }).validators;
  };
  const height = async (url: string): Promise<number> => (await new NexusClient(url, { timeoutMs: 3000 }).status()).height;

  it("says no devnet runs there before one does", async () => {
    const r = await cli("status");
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`no devnet is running from ${dir}`);
  });

  it("starts in <home>/devnet, moving off a default port someone else holds", async () => {
    // Hold the default RPC port of validator 0 (if another program already does, the same holds).
    squat = createServer();
    await new Promise<void>((r) => {
      squat!.once("error", () => r());
      squat!.listen(7700, "127.0.0.1", () => r());
    });
    devnet = spawn(process.execPath, ["--import", "tsx", CLI, "--home", home, "devnet", "--validators", "2", "--block-time", "300"], { cwd: REPO, env: { ...process.env, NEXUS_DEVNET: "" }, stdio: ["ignore", "pipe", "pipe"] });
    devnet.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    devnet.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor("the devnet to serve", async () => (out.includes("all serving RPC") ? true : devnet!.exitCode !== null ? Promise.reject(new Error(out)) : undefined), 120_000);
    expect(out).to.contain(`Generated a devnet of 2 validators in ${dir}`);
    expect(out).to.contain("RPC port 7700 is in use: using ");
    const vs = await status();
    expect(vs.map((v) => v.state)).to.deep.equal(["running", "running"]);
    expect(vs[0]!.rpcUrl).to.not.equal("http://127.0.0.1:7700");
    expect(await height(vs[0]!.rpcUrl)).to.be.greaterThan(0);
  });

  it("refuses a second devnet (and a --reset) on the running one's directory", async () => {
    for (const extra of [[], ["--reset"]]) {
      const r = await cli("--validators", "2", ...extra);
      expect(r.code, r.stdout).to.equal(1);
      expect(r.stderr).to.contain(`a devnet is already running from ${dir}`);
    }
    expect((await status()).map((v) => v.state)).to.deep.equal(["running", "running"]);
  });

  it("restarts validator 1 as a new process, and the chain goes on", async () => {
    const before = await status();
    const h0 = await height(before[1]!.rpcUrl);
    const r = await cli("restart", "1");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/validator 1 {2}running {2}pid \d+ .* restarts 1/);
    const after = await status();
    expect(after[1]!.pid).to.be.a("number").and.not.equal(before[1]!.pid);
    expect(after[0]!.pid).to.equal(before[0]!.pid);
    // Both validators are needed to commit (one band, two equal powers): blocks after the
    // restart prove the new process rejoined consensus.
    await waitFor("blocks after the restart", async () => ((await height(after[1]!.rpcUrl)) > h0 + 3 ? true : undefined), 60_000);
  });

  it("stops validator 0 (the chain halts), then restart brings it back", async () => {
    const r = await cli("stop", "0");
    expect(r.code, r.stderr).to.equal(0);
    const vs = await status();
    expect(vs[0]!.state).to.equal("stopped");
    expect(vs[0]!.pid).to.equal(undefined);
    // Its process is gone and nothing reported it as a crash.
    expect(out).to.not.contain("validator 0 exited");
    const bad = await cli("restart", "2");
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain("index must be a validator of this devnet: 0..1");
    const h = await height(vs[1]!.rpcUrl);
    const back = await cli("restart", "0");
    expect(back.code, back.stderr).to.equal(0);
    await waitFor("blocks after validator 0 is back", async () => ((await height(vs[1]!.rpcUrl)) > h + 3 ? true : undefined), 60_000);
  });

  it("stops everything on SIGINT and releases the directory", async () => {
    const exited = new Promise<number | null>((r) => devnet!.once("exit", (code) => r(code)));
    devnet!.kill("SIGINT");
    expect(await exited).to.equal(0);
    expect(out).to.contain("All validators stopped.");
    const r = await cli("status");
    expect(r.stderr).to.contain(`no devnet is running from ${dir}`);
  });
});
