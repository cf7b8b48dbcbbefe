import { expect } from "chai";
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, runCli } from "../helpers/spawn-node.ts";

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
