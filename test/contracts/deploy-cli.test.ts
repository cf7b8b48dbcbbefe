// `npx hardhat nexus deploy` as a deployer meets it: bad keys named, an unreachable RPC said so,
// a network without parameters told what to create. Each case is a real CLI run.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../helpers/spawn-node.ts";
import { createPublicClient, http } from "viem";

const ROOT = path.resolve(import.meta.dirname, "../..");
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // Hardhat's test key #1

describe("nexus deploy on the command line", function () {
  let home: string;
  before(async () => {
    // No keystore of this machine's user: configuration variables come from the environment only.
    home = await mkdtemp(path.join(tmpdir(), "nexus-deploy-cli-"));
  });
  after(() => rm(home, { recursive: true, force: true }));

  function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NEXUS_EVM_")));
    const child = spawn("npx", ["hardhat", ...args], {
      cwd: ROOT,
      env: { ...clean, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
  }

  it("names a short or malformed key, and a missing one, without printing it", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const short = await run(["nexus", "deploy", "--network", "rpc"], { NEXUS_EVM_RPC_URL: url, NEXUS_EVM_PRIVATE_KEY: "0xabcd12" });
    assert.equal(short.code, 1, short.out);
    assert.match(short.out, /NEXUS_EVM_PRIVATE_KEY is not a private key: expected 32 bytes as 64 hex digits \(0x optional\), got 6 hex digits \(3 bytes\) \[DEPLOY_KEY_MALFORMED\]/);
    assert.doesNotMatch(short.out, /abcd12/);
    const missing = await run(["nexus", "deploy", "--network", "rpc"], { NEXUS_EVM_RPC_URL: url });
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.out, /NEXUS_EVM_PRIVATE_KEY is not set: store the deployer's private key with `npx hardhat keystore set NEXUS_EVM_PRIVATE_KEY`/);
  });

  it("says what to create when a network has no parameters, and which RPC it cannot reach", async () => {
    const port = await freePort();
    const env = { NEXUS_EVM_RPC_URL: `http://127.0.0.1:${port}`, NEXUS_EVM_PRIVATE_KEY: KEY };
    const noParams = await run(["nexus", "deploy", "--network", "rpc"], env);
    assert.equal(noParams.code, 1, noParams.out);
    assert.match(noParams.out, /copy ignition\/parameters\/example\.json5 to ignition\/parameters\/rpc\.json5 and fill in the validators/);
    const down = await run(["nexus", "deploy", "--network", "rpc", "--parameters", "ignition/parameters/localhost.json5"], env);
    assert.equal(down.code, 1, down.out);
    assert.match(down.out, new RegExp(`cannot reach the EVM node at 127\\.0\\.0\\.1:${port}.*NEXUS_EVM_RPC_URL\\) \\[DEPLOY_RPC_UNREACHABLE\\]`));
    assert.ok(down.out.length < 2_000, `a short message, not ${down.out.length} characters`);
  });

  it("resumes a deploy killed midway (SIGKILL) without deploying anything twice", async function () {
    this.timeout(120_000);
    const port = await freePort();
    const node: ChildProcess = spawn("npx", ["hardhat", "node", "--port", String(port)], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let nodeOut = "";
    node.stdout!.on("data", (d) => (nodeOut += d));
    const id = `killed-${port}`;
    const env = { NEXUS_EVM_LOCAL_URL: `http://127.0.0.1:${port}` };
    try {
      while (!nodeOut.includes("Started HTTP")) await new Promise((r) => setTimeout(r, 200));
      // Killed as soon as the bridge is deployed, mid-way through the factory's step.
      const first = spawn("npx", ["hardhat", "nexus", "deploy", "--network", "localhost", "--deployment-id", id], {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      await new Promise<void>((resolve) => {
        first.stdout!.on("data", (d) => {
          out += d;
          if (out.includes("NexusBridge#NexusBridge: success")) {
            process.kill(-first.pid!, "SIGKILL");
            resolve();
          }
        });
        first.on("close", () => resolve());
      });
      assert.match(out, /NexusBridge#NexusBridge: success/);
      assert.doesNotMatch(out, /Done:/);
      const again = await run(["nexus", "deploy", "--network", "localhost", "--deployment-id", id], env);
      assert.equal(again.code, 0, again.out);
      assert.match(again.out, /Done: \d+ Ignition step\(s\) run/);
      const client = createPublicClient({ transport: http(env.NEXUS_EVM_LOCAL_URL) });
      // Three contracts and two settings calls, each sent once over both runs.
      assert.equal(await client.getTransactionCount({ address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" }), 5);
      const third = await run(["nexus", "deploy", "--network", "localhost", "--deployment-id", id], env);
      assert.match(third.out, /Nothing to do/);
    } finally {
      process.kill(-node.pid!, "SIGKILL");
      await rm(path.join(ROOT, "deployments", `${id}.json`), { force: true });
      await rm(path.join(ROOT, "ignition/deployments", id), { recursive: true, force: true });
    }
  });
});
