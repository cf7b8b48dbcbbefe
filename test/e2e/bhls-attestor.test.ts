import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, REPO, freePort, runCli, startNodeProcess, waitFor, type NodeProcess } from "../helpers/spawn-node.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";

/**
 * The walkthrough of docs/bhls.md as processes: a dev chain, the attestor service with the
 * console provider (`nexus attestor start`), a phone verified by code, the citizen registered
 * by the attestor's PICO transaction, then a claim of 1 150 NXT split by category.
 */
describe("e2e: becoming a citizen on the dev chain through the attestor service, then claiming", function () {
  this.timeout(180_000);
  let home: string;
  let node: NodeProcess;
  let attestor: ChildProcess | undefined;
  let attestorLog = "";

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "nexus-e2e-bhls-"));
    node = await startNodeProcess(home, { blockTimeMs: 300 });
  });
  after(async () => {
    attestor?.kill("SIGTERM");
    if (node) await node.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it("verifies a phone with the console provider, registers the citizen on chain, and pays a claim labelled by category", async () => {
    const env = { NEXUS_HOME: home };
    const config = join(home, "attestor.json");
    const init = await runCli(["attestor", "init-config", config], env);
    expect(init.code, init.stderr).to.equal(0);
    const port = await freePort();
    const c = JSON.parse(readFileSync(config, "utf8")) as Record<string, any>;
    c.node.rpcUrl = node.url;
    c.listen.port = port;
    c.dev = true; // the dev key "attestor" unlocks with the dev passphrase
    writeFileSync(config, JSON.stringify(c, null, 2));
    attestor = spawn(process.execPath, ["--import", "tsx", CLI, "--home", home, "attestor", "start", "--config", config], { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    attestor.stdout!.on("data", (d: Buffer) => (attestorLog += d.toString()));
    attestor.stderr!.on("data", (d: Buffer) => (attestorLog += d.toString()));
    const api = `http://127.0.0.1:${port}`;
    await waitFor("the attestor's API", async () => ((await fetch(`${api}/v1/status`)).ok ? true : undefined), 60_000);

    const alice = new Keyring(join(home, "keys")).show("alice").address;
    const phone = "+14155550123";
    const started = (await (await fetch(`${api}/v1/verifications`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone, address: alice }) })).json()) as { id: string; status: string };
    expect(started.status).to.equal("pending");
    // The console provider prints the code to the attestor's log (development only).
    const code = await waitFor("the code in the attestor's log", async () => /\b(\d{6})\b/.exec(attestorLog.split("\n").filter((l) => /code/i.test(l)).join("\n"))?.[1], 10_000);
    const wrong = await fetch(`${api}/v1/verifications/${started.id}/check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: code === "000000" ? "111111" : "000000" }) });
    expect(wrong.status).to.equal(422);
    const checked = (await (await fetch(`${api}/v1/verifications/${started.id}/check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) })).json()) as { status: string; result: string; attestation: { citizen: string; phoneHash: string } };
    expect(checked).to.include({ status: "approved", result: "registered" });
    expect(checked.attestation.citizen).to.equal(alice);

    // On chain: the citizen, with the salted hash only; nowhere the number.
    const citizen = (await node.client.query("bhls/citizen", { address: alice })) as { phoneHash: string };
    expect(citizen.phoneHash).to.equal(checked.attestation.phoneHash);
    expect(attestorLog).to.not.contain(phone.slice(1));

    const claim = await runCli(["tx", "bhls", "claim", "--from", "alice", "--dev", "--node", node.url, "--json"], env);
    expect(claim.code, claim.stderr + claim.stdout).to.equal(0);
    const r = JSON.parse(claim.stdout) as { codeName: string; events: { type: string; attributes: Record<string, string> }[] };
    expect(r.codeName).to.equal("OK");
    const paid = r.events.find((e) => e.type === "bhls.claim")!.attributes;
    const NXT = 100_000_000n;
    expect(BigInt(paid.amount!)).to.equal(1150n * NXT);
    expect([paid.food, paid.water, paid.housing, paid.energy, paid.healthcare, paid.connectivity, paid.recycling].map((x) => BigInt(x!))).to.deep.equal([250n, 50n, 400n, 150n, 200n, 75n, 25n].map((x) => x * NXT));
    const again = await runCli(["tx", "bhls", "claim", "--from", "alice", "--dev", "--node", node.url, "--json"], env);
    expect((JSON.parse(again.stdout) as { codeName: string }).codeName).to.equal("BHLS_ALREADY_CLAIMED");
    // A claim naming its epoch is nonce-free (the CLI signs it with nonce 0, not the account's 2):
    // the node refuses it at admission, before it costs a fee.
    const { epoch } = (await node.client.query("bhls/epoch", {})) as { epoch: number };
    const named = await runCli(["tx", "bhls", "claim", "--from", "alice", "--dev", "--epoch", String(epoch), "--node", node.url, "--json"], env);
    expect(named.code).to.not.equal(0);
    expect(named.stderr + named.stdout).to.contain(`${alice} has claimed in epoch ${epoch}`);
  });
});
