// The local developer flow end to end, as a developer runs it: `hardhat nexus dev` starts a node,
// deploys the suite and mints test WNXT through validator-signed mints; the viem example adds
// liquidity and swaps against it; `nexus mint-test-wnxt` mints more.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { freePort } from "../helpers/spawn-node.ts";
import { createPublicClient, http, parseAbi } from "viem";

const ROOT = path.resolve(import.meta.dirname, "../..");

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

describe("local developer flow (nexus dev, the viem example, mint-test-wnxt)", function () {
  this.timeout(180_000);
  let dev: ChildProcess;
  let port: number;
  let out = "";
  let id: string;

  before(async () => {
    port = await freePort();
    id = `devflow-test-${port}`;
    dev = spawn("npx", ["hardhat", "nexus", "dev", "--port", String(port), "--deployment-id", id, "--accounts", "3", "--mint", "5000"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    dev.stdout!.on("data", (d) => (out += d));
    dev.stderr!.on("data", (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes("Ctrl-C stops the node")) {
          clearInterval(timer);
          resolve();
        } else if (dev.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`nexus dev exited: ${out}`));
        }
      }, 200);
    });
  });
  after(async () => {
    if (dev.pid !== undefined) process.kill(-dev.pid, "SIGINT");
    await rm(path.join(ROOT, "deployments", `${id}.json`), { force: true });
    await rm(path.join(ROOT, "ignition/deployments", id), { recursive: true, force: true });
  });

  it("deploys the suite and gives the dev accounts test WNXT", () => {
    assert.match(out, /NexusDEX#setFeeToSetter: success/);
    assert.match(out, /#2 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC {2}5000 WNXT/);
    assert.match(out, new RegExp(`Ready: a local EVM chain at http://127\\.0\\.0\\.1:${port}`));
  });

  it("runs the viem example: liquidity, then a swap at the quoted price", async () => {
    const r = await run("npx", ["tsx", "examples/evm-app/swap.ts", "--rpc", `http://127.0.0.1:${port}`, "--deployment", `deployments/${id}.json`]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /: 5000 WNXT; example token at 0x/);
    assert.match(r.out, /added liquidity: 1000 WNXT \+ 2000 EXUSD in pair 0x[0-9a-fA-F]{40}/);
    // 10 in against 1000/2000 with the 0.3 % fee: v2's getAmountOut, and what was quoted.
    const inWithFee = 10n * 10n ** 8n * 997n;
    const expected = (inWithFee * 2000n * 10n ** 18n) / (1000n * 10n ** 8n * 1000n + inWithFee);
    const m = /swapped 10 WNXT for ([0-9.]+) EXUSD \(quoted ([0-9.]+),/.exec(r.out);
    assert.ok(m, r.out);
    assert.equal(m[1], m[2]);
    const [whole, frac = ""] = m[1]!.split(".");
    assert.equal(BigInt(whole!) * 10n ** 18n + BigInt(frac.padEnd(18, "0")), expected);
  });

  it("mints more test WNXT with mint-test-wnxt", async () => {
    const to = "0x000000000000000000000000000000000000dEaD";
    const r = await run(
      "npx",
      ["hardhat", "nexus", "mint-test-wnxt", "--network", "localhost", "--deployment-id", id, "--to", to, "--amount", "7"],
      { NEXUS_EVM_LOCAL_URL: `http://127.0.0.1:${port}` },
    );
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Minted 7 WNXT to 0x000000000000000000000000000000000000dEaD/);
    const record = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(path.join(ROOT, "deployments", `${id}.json`), "utf8")));
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    const balance = await client.readContract({
      address: record.contracts.WNXT.address,
      abi: parseAbi(["function balanceOf(address) view returns (uint256)"]),
      functionName: "balanceOf",
      args: [to],
    });
    assert.equal(balance, 7n * 10n ** 8n);
  });
});
