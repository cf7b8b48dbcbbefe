import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CLI, REPO, runCli, startNodeProcess, waitFor, type NodeProcess } from "../helpers/spawn-node.ts";
import { DEV_PASSPHRASE, Keyring } from "../../runtime/crypto/keystore.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import type { ArbitrationCase } from "../../plugins/arbiters/decider.ts";
import { OpenAiFake } from "../fixtures/openai-fake.ts";

/**
 * The arbiter agent as a process against a dev chain: `nexus arbiter init-config`, then
 * `nexus arbiter start` with the rule engine; alice files a dispute against bob with one
 * file:// evidence document; the agent on the panel rules on it and its MsgSubmitRuling is on
 * chain, with the rationale hash of the journaled rationale.
 *
 * The dev genesis registers the dev key "arbiter" as the chain's one arbiter (panels of one).
 */
describe("e2e: the arbiter agent rules on a dispute filed on the dev chain", function () {
  this.timeout(180_000);
  let home: string;
  let node: NodeProcess;
  let agent: ChildProcess | undefined;
  let agentLog = "";

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "nexus-e2e-arbiter-"));
    node = await startNodeProcess(home, { blockTimeMs: 300 });
  });
  after(async () => {
    agent?.kill("SIGTERM");
    if (node) await node.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** alice files a dispute against bob with one file:// plaintiff document; returns the case id. */
  async function fileDispute(evidenceDir: string, statement: string): Promise<number> {
    const kr = new Keyring(join(home, "keys"));
    const alice = kr.loadSigner("alice", DEV_PASSPHRASE);
    const doc = Buffer.from(JSON.stringify({ side: "plaintiff", credibility: 0.9, support: 0.95, statement }));
    const docPath = join(evidenceDir, `${createHash("sha256").update(doc).digest("hex").slice(0, 12)}.json`);
    writeFileSync(docPath, doc);
    const evidence = [{ hash: createHash("sha256").update(doc).digest("hex"), uri: pathToFileURL(docPath).href, party: "plaintiff" }];
    const status = await node.client.status();
    const account = await node.client.getAccount(kr.show("alice").address);
    const tx = buildTx({
      chainId: status.chainId,
      signer: alice,
      nonce: BigInt(account.nonce),
      msgs: [
        {
          typeUrl: "/arbitration.v1.MsgFileDispute",
          value: { plaintiff: kr.show("alice").address, defendant: kr.show("bob").address, kind: "community_conflict", title: "e2e dispute", summaryHash: "ab".repeat(32), evidence, bond: "10000000000", remedy: [] },
        },
      ],
    });
    await node.client.sendTx(tx.bytes);
    const receipt = await node.client.waitForTx(tx.hashHex, { timeoutMs: 30_000 });
    expect(receipt.codeName, receipt.log).to.equal("OK");
    return Number(receipt.events.find((e) => e.type === "arbitration.dispute_filed")!.attributes.caseId);
  }

  function startAgent(config: string, env: Record<string, string>): void {
    agentLog = "";
    agent = spawn(process.execPath, ["--import", "tsx", CLI, "--home", home, "arbiter", "start", "--config", config], { cwd: REPO, env: { ...process.env, NEXUS_HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    agent.stdout!.on("data", (d: Buffer) => (agentLog += d.toString()));
    agent.stderr!.on("data", (d: Buffer) => (agentLog += d.toString()));
  }

  async function stopAgent(): Promise<void> {
    const a = agent;
    agent = undefined;
    if (!a || a.exitCode !== null) return;
    const exited = new Promise((r) => a.once("exit", r));
    a.kill("SIGTERM");
    await exited;
  }

  async function rulingOf(caseId: number): Promise<{ decision: string; confidence: number; rationaleHash: string }> {
    const arbiter = new Keyring(join(home, "keys")).show("arbiter").address;
    return waitFor(
      "the agent's ruling on chain",
      async () => {
        const c = await node.client.query<ArbitrationCase>("arbitration/case", { caseId });
        return c.rulings.find((r) => r.arbiter === arbiter);
      },
      60_000,
    );
  }

  it("files a dispute with evidence; the agent fetches and verifies it, decides with the rule engine and submits a signed ruling", async () => {
    const config = join(home, "arbiter.yaml");
    const init = await runCli(["arbiter", "init-config", config], { NEXUS_HOME: home });
    expect(init.code, init.stderr).to.equal(0);
    const evidenceDir = join(home, "evidence");
    mkdirSync(evidenceDir, { recursive: true });
    writeFileSync(
      config,
      [`node:`, `  rpcUrl: ${JSON.stringify(node.url)}`, `  pollIntervalMs: 1000`, `evidence:`, `  fileRoots: [${JSON.stringify(evidenceDir)}]`, `dev: true`, `logFormat: json`].join("\n") + "\n",
    );
    startAgent(config, {});
    await waitFor("the agent to start", async () => (agentLog.includes("arbiter agent started") ? true : undefined), 60_000);
    const caseId = await fileDispute(evidenceDir, "the datacenter's incident report covers the whole downtime");
    const ruled = await rulingOf(caseId);
    expect(ruled).to.include({ decision: "plaintiff", confidence: 975 }); // S_plaintiff 0.95, gap 0.95: 500 + 475
    // The ruling can be on chain a moment before the agent has read its receipt and logged it.
    await waitFor("the agent's log of its ruling", async () => (agentLog.includes("ruling submitted") ? true : undefined), 30_000);
    expect(agentLog).to.include('"decider":"rules"');
    await stopAgent();
  });

  // The LLM decider against a local fake of the OpenAI Chat Completions API (labelled as a fake:
  // test/fixtures/openai-fake.ts), or a real endpoint when NEXUS_ARBITER_LLM_URL (+ _MODEL,
  // _API_KEY) is set; then only the ruling's presence is checked, not its content.
  it("restarted with the LLM decider: a malformed model reply is retried, and the model's ruling goes on chain", async () => {
    const real = process.env.NEXUS_ARBITER_LLM_URL;
    const fake = new OpenAiFake();
    try {
      if (!real) {
        await fake.start();
        fake.script({ content: "this is not JSON" }, { ruling: { decision: "modify", confidence: 820, rationale: "the report covers most, not all, of the downtime" } });
      }
      const evidenceDir = join(home, "evidence");
      const config = join(home, "arbiter-llm.yaml");
      writeFileSync(
        config,
        [
          `node:`,
          `  rpcUrl: ${JSON.stringify(node.url)}`,
          `  pollIntervalMs: 1000`,
          `decider:`,
          `  id: llm`,
          `  options:`,
          ...(real ? [] : [`    baseUrl: ${JSON.stringify(fake.baseUrl)}`, `    model: fake-arbiter-1`, `    backoffMs: 50`]),
          `evidence:`,
          `  fileRoots: [${JSON.stringify(evidenceDir)}]`,
          `dev: true`,
          `logFormat: json`,
        ].join("\n") + "\n",
      );
      startAgent(config, real ? {} : { NEXUS_ARBITER_LLM_API_KEY: fake.apiKey });
      await waitFor("the agent to start", async () => (agentLog.includes("arbiter agent started") ? true : undefined), 60_000);
      const caseId = await fileDispute(evidenceDir, "the incident report covers most of the downtime; two hours are unexplained");
      const ruled = await rulingOf(caseId);
      await waitFor("the agent's log of its ruling", async () => (agentLog.includes("ruling submitted") ? true : undefined), 30_000);
      expect(agentLog).to.include('"decider":"llm"');
      if (!real) {
        expect(ruled).to.include({ decision: "modify", confidence: 820 });
        expect(fake.requests.filter((r) => r.path === "/v1/chat/completions")).to.have.length(2);
        expect(fake.pendingSteps).to.equal(0);
      }
    } finally {
      await stopAgent();
      await fake.stop();
    }
  });
});
