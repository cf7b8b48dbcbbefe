/**
 * The arbiter agent against test/fixtures/arbitration-fake-node.ts (a FAKE node emulating the
 * arbitration module's wire contract) behind the real RPC server (HTTP + WebSocket), with the
 * rule engine, or the LLM decider against test/fixtures/openai-fake.ts.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { signerAddress, type Signer } from "../../runtime/tx/sign.ts";
import { startRpcServer, type RpcServer } from "../../runtime/rpc/server.ts";
import { ArbitrationFakeNode } from "../../test/fixtures/arbitration-fake-node.ts";
import { OpenAiFake } from "../../test/fixtures/openai-fake.ts";
import { LogCapture } from "../../test/fixtures/attestor-harness.ts";
import { RulesDecider } from "../../plugins/arbiters/rules/plugin.ts";
import type { ArbiterDecider, EvidenceDocument, EvidenceItem } from "../../plugins/arbiters/decider.ts";
import { resolveArbiterConfig, type ArbiterConfig } from "./config.ts";
import { ArbiterService, createArbiterLogger, type ArbiterDeps } from "./service.ts";
import { SUBMIT_RULING_TYPE_URL } from "./chain.ts";

class H {
  readonly dir = mkdtempSync(join(tmpdir(), "arbiter-test-"));
  readonly node = new ArbitrationFakeNode();
  readonly signer: Signer;
  readonly logs = new LogCapture();
  rpc!: RpcServer;
  services: ArbiterService[] = [];
  constructor() {
    const kp = ed25519.generate();
    this.signer = { scheme: ed25519, secretKey: kp.secretKey, publicKey: kp.publicKey };
    this.node.arbiters.add(this.address);
    mkdirSync(join(this.dir, "evidence"));
  }
  get address(): string {
    return signerAddress(this.signer);
  }
  async init(): Promise<this> {
    this.rpc = await startRpcServer(this.node, { host: "127.0.0.1", port: 0 });
    return this;
  }
  /** Write an evidence document; the item carries its true hash unless `hash` is given. */
  doc(name: string, d: EvidenceDocument, hash?: string): EvidenceItem {
    const bytes = Buffer.from(JSON.stringify(d));
    const path = join(this.dir, "evidence", name);
    writeFileSync(path, bytes);
    return { hash: hash ?? createHash("sha256").update(bytes).digest("hex"), uri: pathToFileURL(path).href, party: d.side };
  }
  config(over: Record<string, unknown> = {}): ArbiterConfig {
    return resolveArbiterConfig({
      dataDir: join(this.dir, "data"),
      logFormat: "json",
      logLevel: "debug",
      minTimeLeftMs: 1000,
      ...over,
      evidence: { fileRoots: [join(this.dir, "evidence")], timeoutMs: 2000, ...(over.evidence as object | undefined) },
      node: { rpcUrl: this.rpc.url, receiptTimeoutMs: 5000, pollIntervalMs: 60_000, ...(over.node as object | undefined) },
    });
  }
  async start(over: Record<string, unknown> = {}, deps: ArbiterDeps = {}): Promise<ArbiterService> {
    const cfg = this.config(over);
    const s = await ArbiterService.start(cfg, { signer: this.signer, logger: createArbiterLogger(cfg, this.logs), noTimers: true, ...deps });
    this.services.push(s);
    return s;
  }
  rulingTxs(): number {
    return this.node.received.filter((t) => t.msgs.some((m) => m.typeUrl === SUBMIT_RULING_TYPE_URL)).length;
  }
  async close(): Promise<void> {
    for (const s of this.services) await s.close().catch(() => undefined);
    await this.rpc?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A decider that counts its calls (a restart must not decide again). */
class Counting implements ArbiterDecider {
  readonly id = "rules";
  calls = 0;
  private readonly inner = new RulesDecider();
  decide(input: Parameters<ArbiterDecider["decide"]>[0]): ReturnType<ArbiterDecider["decide"]> {
    this.calls++;
    return this.inner.decide(input);
  }
}

describe("arbiter agent (services/arbiter) against a fake arbitration node over the real RPC", function () {
  this.timeout(20_000);
  let h: H;
  beforeEach(async () => {
    h = await new H().init();
  });
  afterEach(async () => {
    await h.close();
  });

  it("rules on its backlog at start: evidence fetched and verified, rule engine, journal, one signed MsgSubmitRuling", async () => {
    const c = h.node.addCase({ panel: [h.address, "nxs1other"], evidence: [h.doc("p.json", { side: "plaintiff", credibility: 1, support: 0.9, statement: "outage report" })] });
    const svc = await h.start();
    const rulings = await until("the ruling", () => (h.node.rulingsOf(c.id).length ? h.node.rulingsOf(c.id) : undefined));
    expect(rulings).to.have.length(1);
    expect(rulings[0]).to.include({ arbiter: h.address, decision: "plaintiff", confidence: 950 });
    const tx = h.node.received[0]!;
    expect(tx.sender).to.equal(h.address);
    expect(tx.band).to.equal(1);
    expect(tx.msgs[0]!.value).to.deep.equal({ arbiter: h.address, caseId: c.id, round: 1, decision: "plaintiff", confidence: 950, rationaleHash: rulings[0]!.rationaleHash });
    const rec = await until("done in the journal", () => (svc.journal.get(`${c.id}:1`)?.state === "done" ? svc.journal.get(`${c.id}:1`) : undefined));
    expect(rec.result).to.equal("submitted");
    expect(createHash("sha256").update(Buffer.from(rec.ruling!.rationale, "utf8")).digest("hex")).to.equal(rulings[0]!.rationaleHash);
    expect(readFileSync(svc.journal.path, "utf8")).to.include("NexusOS rule engine v1");
    expect(h.logs.text).to.include('"decider":"rules"').and.include("ruling submitted");
  });

  it("follows arbitration.assigned events over the WebSocket, for its own address only", async () => {
    await h.start();
    const mine = h.node.addCase({ panel: [h.address] });
    const other = h.node.addCase({ panel: ["nxs1other"] });
    const r = await until("the ruling", () => h.node.rulingsOf(mine.id)[0]);
    expect(r.decision).to.equal("dismiss"); // no evidence
    expect(r.confidence).to.equal(1000);
    await new Promise((x) => setTimeout(x, 100));
    expect(h.node.rulingsOf(other.id)).to.have.length(0);
    expect(h.rulingTxs()).to.equal(1);
  });

  it("ignores (and logs) a document whose bytes do not match the on-chain hash, and one outside fileRoots", async () => {
    const good = h.doc("good.json", { side: "defendant", credibility: 1, support: 0.8, statement: "logs show no outage" });
    const forged = h.doc("forged.json", { side: "plaintiff", credibility: 1, support: 1, statement: "forged" }, "00".repeat(32));
    const outside = { hash: "11".repeat(32), uri: "file:///etc/hostname", party: "plaintiff" as const };
    const c = h.node.addCase({ panel: [h.address], evidence: [good, forged, outside] });
    const svc = await h.start();
    const r = await until("the ruling", () => h.node.rulingsOf(c.id)[0]);
    expect(r).to.include({ decision: "defendant", confidence: 900 });
    expect(h.logs.text).to.include("evidence document ignored").and.include('"reason":"hash-mismatch"').and.include('"reason":"file-not-allowed"');
    expect(svc.journal.get(`${c.id}:1`)!.ruling!.rationale).to.include("1 used (plaintiff 0, defendant 1), 2 ignored (file-not-allowed 1, hash-mismatch 1)");
  });

  it("skips a case whose deadline has passed (or is too close), and one that is not open", async () => {
    const late = h.node.addCase({ panel: [h.address], deadlineMs: Date.now() + 500 });
    const svc = await h.start();
    const rec = await until("skipped", () => svc.journal.get(`${late.id}:1`));
    expect(rec).to.include({ state: "skipped", reason: "deadline-passed" });
    h.node.cases.get(late.id)!.rulingDeadlineMs = Date.now() + 3_600_000;
    const closed = h.node.addCase({ panel: [h.address] });
    h.node.cases.get(closed.id)!.status = "escalated";
    expect(await svc.enqueue(closed.id, 1)).to.deep.equal({ kind: "skipped", reason: "round-closed" });
    expect(h.rulingTxs()).to.equal(0);
  });

  it("a crash after deciding: the restart does not decide again, and submits once", async () => {
    const c = h.node.addCase({ panel: [h.address], evidence: [h.doc("a.json", { side: "plaintiff", credibility: 1, support: 0.5, statement: "x" })] });
    const d1 = new Counting();
    const s1 = await h.start({}, { decider: d1, hooks: { afterDecide: () => { throw new Error("crash"); } } }).catch((e: Error) => e);
    expect(s1).to.be.instanceOf(Error); // the crash escapes the start-up pass, as a real crash would end the process
    expect(d1.calls).to.equal(1);
    expect(h.rulingTxs()).to.equal(0);
    const d2 = new Counting();
    const s2 = await h.start({}, { decider: d2 });
    const r = await until("the ruling", () => h.node.rulingsOf(c.id)[0]);
    expect(r).to.include({ decision: "modify", confidence: 750 });
    expect(d2.calls).to.equal(0);
    expect(h.rulingTxs()).to.equal(1);
    await s2.poll();
    expect(h.rulingTxs()).to.equal(1);
  });

  it("a crash after sending: the restart finds the transaction committed and sends nothing more", async () => {
    const c = h.node.addCase({ panel: [h.address] });
    await h.start({}, { hooks: { afterSend: () => { throw new Error("crash"); } } }).catch(() => undefined);
    await until("the ruling", () => h.node.rulingsOf(c.id)[0]);
    const s2 = await h.start();
    const rec = await until("done", () => (s2.journal.get(`${c.id}:1`)?.state === "done" ? s2.journal.get(`${c.id}:1`) : undefined));
    expect(rec.result).to.equal("already-recorded");
    expect(h.rulingTxs()).to.equal(1);
  });

  it("a crash after journaling the transaction but before sending it: the restart sees it unknown, checks the chain, sends one", async () => {
    const c = h.node.addCase({ panel: [h.address] });
    await h.start({}, { hooks: { beforeSend: () => { throw new Error("crash"); } } }).catch(() => undefined);
    expect(h.rulingTxs()).to.equal(0);
    const s2 = await h.start();
    await until("the ruling", () => h.node.rulingsOf(c.id)[0]);
    expect(h.rulingTxs()).to.equal(1);
    expect(s2.journal.get(`${c.id}:1`)!.state).to.equal("done");
  });

  it("a ruling already on chain (a lost journal) is recognised, not resubmitted", async () => {
    const c = h.node.addCase({ panel: [h.address] });
    h.node.cases.get(c.id)!.rulings.push({ arbiter: h.address, decision: "dismiss", confidence: 1000, rationaleHash: "cd".repeat(32) });
    const svc = await h.start();
    expect(await svc.enqueue(c.id, 1)).to.deep.include({ kind: "already-recorded" });
    expect(h.rulingTxs()).to.equal(0);
  });

  it("with the llm decider: the model's ruling; when the model fails, the rule engine's, logged as a fallback", async () => {
    const fake = new OpenAiFake();
    await fake.start();
    try {
      fake.script({ ruling: { decision: "defendant", confidence: 820, rationale: "the defendant's logs are credible" } });
      const decider = { id: "llm", options: { baseUrl: fake.baseUrl, model: "fake-arbiter-1", apiKey: fake.apiKey, retries: 1, backoffMs: 1, timeoutMs: 2000 } };
      const a = h.node.addCase({ panel: [h.address], evidence: [h.doc("a.json", { side: "plaintiff", credibility: 1, support: 1, statement: "x" })] });
      const svc = await h.start({ decider });
      expect(svc.decider.id).to.equal("llm");
      const r = await until("the llm ruling", () => h.node.rulingsOf(a.id)[0]);
      expect(r).to.include({ decision: "defendant", confidence: 820 });
      expect(svc.journal.get(`${a.id}:1`)!.ruling!.decider).to.equal("llm");
      fake.script({ content: "not json" }, { content: "still not json" });
      const b = h.node.addCase({ panel: [h.address], evidence: [h.doc("b.json", { side: "plaintiff", credibility: 1, support: 1, statement: "y" })] });
      const r2 = await until("the fallback ruling", () => h.node.rulingsOf(b.id)[0]);
      expect(r2).to.include({ decision: "plaintiff", confidence: 1000 });
      expect(svc.journal.get(`${b.id}:1`)!.ruling).to.include({ decider: "rules", fallbackFrom: "llm", fallbackReason: "ARBITER_LLM_BAD_REPLY" });
      expect(h.logs.text).to.include("falling back to the rules decider").and.include("(fallback from llm)");
      expect(h.logs.text).to.not.include(fake.apiKey);
    } finally {
      await fake.stop();
    }
  });

  it("refuses a node of another chain, an unknown decider and bad decider options, saying how to fix them", async () => {
    const err = (p: Promise<unknown>): Promise<Error & { code?: string }> => p.then(() => expect.fail("expected an error"), (e: Error) => e);
    const e1 = await err(h.start({ node: { chainId: "other-chain" } }));
    expect(e1.code).to.equal("ARBITER_WRONG_CHAIN");
    const e2 = await err(h.start({ decider: { id: "oracle", options: {} } }));
    expect(e2.code).to.equal("ARBITER_DECIDER");
    expect(e2.message).to.include("known deciders: rules, llm");
    const e3 = await err(h.start({ decider: { id: "llm", options: { baseUrl: "http://127.0.0.1:9/v1" } } }));
    expect(e3.message).to.match(/model is missing|NEXUS_ARBITER_LLM_MODEL/);
    const e4 = await err(h.start({ node: { rpcUrl: "http://127.0.0.1:1" } }));
    expect(e4.code).to.equal("ARBITER_NODE_UNREACHABLE");
  });
});
