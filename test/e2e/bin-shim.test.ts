import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, freePort, waitFor } from "../helpers/spawn-node.ts";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";

/** The installed `nexus` command (bin/nexus.js) must work from any directory, workers included. */
describe("e2e: the nexus bin from another working directory", function () {
  this.timeout(90_000);

  it("starts a dev chain whose verification workers load, and sends a transfer", async () => {
    const home = mkdtempSync(join(tmpdir(), "nexus-bin-"));
    const cwd = mkdtempSync(join(tmpdir(), "nexus-cwd-"));
    const port = await freePort();
    const bin = join(REPO, "bin/nexus.js");
    const env: NodeJS.ProcessEnv = { ...process.env, NEXUS_HOME: home };
    delete env.TSX_TSCONFIG_PATH; // as for a user's shell
    const node = spawn(process.execPath, [bin, "start", "--dev", "--rpc-port", String(port), "--block-time", "200"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    node.stdout.on("data", (d: Buffer) => (log += d));
    node.stderr.on("data", (d: Buffer) => (log += d));
    try {
      const client = new NexusClient(`http://127.0.0.1:${port}`);
      await waitFor("RPC", async () => (await client.status()).chainId);
      const bob = new Keyring(join(home, "keys")).show("bob").address;
      const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const p = spawn(process.execPath, [bin, "tx", "bank", "send", "alice", bob, "1NXT", "--dev", "--node", client.url, "--json"], { cwd, env });
        let stdout = "";
        p.stdout.on("data", (d: Buffer) => (stdout += d));
        p.on("close", (code) => resolve({ code, stdout }));
      });
      expect(out.code, log).to.equal(0);
      expect((JSON.parse(out.stdout) as { code: number }).code).to.equal(0);
      expect(log).to.not.match(/ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX|decorators only work/);
    } finally {
      node.kill("SIGTERM");
      await new Promise((r) => node.once("exit", r));
      rmSync(home, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
