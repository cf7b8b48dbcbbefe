import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import { RpcClientError } from "../../runtime/rpc/client.ts";
import { runCli, startNodeProcess, waitFor, type NodeProcess } from "../helpers/spawn-node.ts";

/**
 * A dev node process whose state.lmdb is damaged under one account's balance (one flipped
 * bit, as a bad sector does): reads of it are refused, the first block that needs it halts the
 * node instead of committing a result built on it, `exitOnHalt` makes the process exit 1 for a
 * supervisor, and `nexus verify-data` names the record. Invariants are off (the non-dev
 * default), so the transfer's own read meets the damage.
 */
describe("e2e: damaged data in a running node's home: refused, halted, exit for a supervisor, verify-data", function () {
  this.timeout(180_000);
  let home: string;
  let node: NodeProcess | undefined;
  let bob: string;
  let key: string;

  const setConfig = (patch: Record<string, unknown>): void => {
    const file = join(home, "config.json");
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, "utf8")) as object), ...patch }, null, 2));
  };
  const send = (url: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    runCli(["tx", "bank", "send", "alice", bob, "1NXT", "--dev", "--node", url, "--no-wait", "--json"], { NEXUS_HOME: home });

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "nexus-damage-"));
    node = await startNodeProcess(home, { blockTimeMs: 250 });
    bob = new Keyring(join(home, "keys")).show("bob").address;
    await waitFor("height 2", async () => ((await node!.client.status()).height >= 2 ? true : undefined));
    key = (await node.client.proveBalance(bob, "nxt")).key;
    expect(await node.stop()).to.equal(0);
    node = undefined;
    setConfig({ checkInvariants: false });
    const db = open({ path: join(home, "data", "state.lmdb"), overlappingSync: false });
    const flat = db.openDB<Buffer, Buffer>({ name: "state.flat", keyEncoding: "binary", encoding: "binary" });
    const raw = Buffer.from(flat.get(Buffer.from(key, "hex"))!);
    raw[1] = raw[1]! ^ 0x20;
    flat.putSync(Buffer.from(key, "hex"), raw);
    await db.close();
  });
  after(async () => {
    await node?.kill();
    rmSync(home, { recursive: true, force: true });
  });

  it("reading the record is refused with STATE_CORRUPT; the block that needs it halts the node: status says why, transactions are refused", async () => {
    node = await startNodeProcess(home, { blockTimeMs: 250 });
    const read = await node.client.getBalance(bob, "nxt").catch((e: unknown) => e);
    expect(read).to.be.instanceOf(RpcClientError).with.property("codeName", "STATE_CORRUPT");
    expect((read as Error).message).to.include(`the record under key ${key} in table flat fails its checksum`);
    const sent = await send(node.url);
    expect(sent.code, sent.stderr).to.equal(0);
    const { hash } = JSON.parse(sent.stdout) as { hash: string };
    const halted = await waitFor("the halt", async () => (await node!.client.status()).halted);
    expect(halted.reason).to.include("fails its checksum");
    // Nothing was committed on the damage, and nothing is committed after it.
    expect((await node.client.getTx(hash)).status).to.not.equal("committed");
    const h = (await node.client.status()).height;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await node.client.status()).height).to.equal(h);
    expect(node.log()).to.include("halting the node");
    const refused = await send(node.url);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.include("NODE_HALTED");
    expect(await node.stop(), "a halted node exits non-zero even when stopped by a signal").to.equal(1);
    expect(node.log()).to.include("stopped cleanly");
    node = undefined;
  });

  it("with exitOnHalt the process exits 1 at the halt (a supervisor restarts it); verify-data names the damaged record", async () => {
    setConfig({ exitOnHalt: true });
    const proc = await startNodeProcess(home, { blockTimeMs: 250 });
    node = proc;
    const exited = new Promise<number | null>((resolve) => proc.proc.once("exit", (code) => resolve(code)));
    expect((await send(proc.url)).code).to.equal(0);
    expect(await exited).to.equal(1);
    node = undefined;
    expect(proc.log()).to.include("exiting: the node halted and exitOnHalt is set");
    const v = await runCli(["--home", home, "verify-data"]);
    expect(v.code).to.equal(1);
    expect(v.stdout).to.include(`damaged  table state.flat: the record under key ${key} fails its checksum`);
    expect(v.stdout).to.match(/blocks\.lmdb {2}OK/);
  });
});
