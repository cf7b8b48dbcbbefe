/**
 * The LLM decider against test/fixtures/openai-fake.ts (a FAKE OpenAI-compatible Chat
 * Completions server, not OpenAI), or, when NEXUS_ARBITER_LLM_URL (+ NEXUS_ARBITER_LLM_API_KEY,
 * NEXUS_ARBITER_LLM_MODEL) is set, the "valid decision" test against that real endpoint (the
 * others need a scripted server and are skipped, saying so).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { OpenAiFake, type FakeStep } from "../../../test/fixtures/openai-fake.ts";
import { DeciderError, DECISIONS, type ArbitrationCase, type DecideInput } from "../decider.ts";
import { RulesDecider } from "../rules/plugin.ts";
import { LlmDecider, llmArbiterPlugin, RULING_SCHEMA, type LlmDeciderOptions } from "./plugin.ts";

const env = process.env;
const REAL = Boolean(env.NEXUS_ARBITER_LLM_URL);

function theCase(): DecideInput {
  const c: ArbitrationCase = {
    id: 42,
    kind: "penalty_appeal",
    plaintiff: "nxs1plaintiff",
    defendant: "nxs1defendant",
    title: "validator downtime penalty during a datacenter outage",
    summaryHash: "11".repeat(32),
    evidence: [
      { hash: "aa".repeat(32), uri: "https://example.org/a.json", party: "plaintiff" },
      { hash: "bb".repeat(32), uri: "https://example.org/b.json", party: "defendant" },
    ],
    status: "open",
    round: 1,
    panel: [],
    rulingDeadlineMs: 0,
    rulings: [],
  };
  return {
    case: c,
    documents: [
      { item: c.evidence[0]!, index: 0, doc: { side: "plaintiff", credibility: 0.9, support: 0.95, statement: "The datacenter's signed incident report shows a 6 hour power outage covering the whole downtime window." } },
      { item: c.evidence[1]!, index: 1, doc: { side: "defendant", credibility: 0.3, support: 0.4, statement: "The validator had no failover node, as the operator guidelines recommend." } },
    ],
    ignored: [],
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(DeciderError);
    return (e as InstanceType<typeof DeciderError>).code;
  }
  return expect.fail("expected a DeciderError");
}

describe(`LLM arbiter decider (${REAL ? `REAL endpoint ${env.NEXUS_ARBITER_LLM_URL}` : "against the local FAKE OpenAI-compatible server"})`, function () {
  this.timeout(REAL ? 120_000 : 20_000);
  let fake: OpenAiFake | undefined;
  let waits: number[] = [];
  let base: LlmDeciderOptions;
  before(async function () {
    if (REAL) {
      base = { baseUrl: env.NEXUS_ARBITER_LLM_URL!, apiKey: env.NEXUS_ARBITER_LLM_API_KEY ?? env.NEXUS_ARBITER_LLM_KEY ?? "", model: env.NEXUS_ARBITER_LLM_MODEL ?? "gpt-4o-mini", timeoutMs: 60_000 };
      return;
    }
    console.log("      (no NEXUS_ARBITER_LLM_URL: running against the local fake, not a real model)");
    fake = new OpenAiFake();
    await fake.start();
    base = { baseUrl: fake.baseUrl, apiKey: fake.apiKey, model: "fake-arbiter-1" };
  });
  after(async () => {
    await fake?.stop();
  });
  beforeEach(() => {
    fake?.reset();
    waits = [];
  });
  const fakeOnly = (ctx: Mocha.Context): OpenAiFake => {
    if (REAL) {
      console.log("      skipped against a real endpoint: needs a scripted server");
      ctx.skip();
    }
    return fake!;
  };
  const decider = (over: Partial<LlmDeciderOptions> = {}): LlmDecider =>
    new LlmDecider({ ...base, fallback: new RulesDecider(), retries: 2, backoffMs: 10, sleep: async (ms) => void waits.push(ms), ...over });

  it("asks for a structured ruling and returns it (valid decision)", async () => {
    const r = await decider().ask(theCase());
    expect(DECISIONS).to.include(r.decision);
    expect(Number.isInteger(r.confidence) && r.confidence >= 0 && r.confidence <= 1000).to.equal(true);
    expect(r.decider).to.equal("llm");
    expect(r.rationale).to.match(/^NexusOS LLM decider: model /);
    expect(r.rationaleHash).to.equal(createHash("sha256").update(Buffer.from(r.rationale, "utf8")).digest("hex"));
    if (REAL) {
      console.log(`      real model ruled ${r.decision} at ${r.confidence}`);
      return;
    }
    expect(r).to.include({ decision: "plaintiff", confidence: 900 });
    const req = fake!.requests[0]!;
    expect(req.path).to.equal("/v1/chat/completions");
    expect(req.headers.authorization).to.equal(`Bearer ${fake!.apiKey}`);
    expect(req.body!.model).to.equal("fake-arbiter-1");
    expect(req.body!.response_format).to.deep.equal({ type: "json_schema", json_schema: { name: "arbitration_ruling", strict: true, schema: JSON.parse(JSON.stringify(RULING_SCHEMA)) } });
    const msgs = req.body!.messages as { role: string; content: string }[];
    expect(msgs.map((m) => m.role)).to.deep.equal(["system", "user"]);
    const user = JSON.parse(msgs[1]!.content) as { case: { id: number }; evidence: { index: number; side: string; statement: string }[] };
    expect(user.case.id).to.equal(42);
    expect(user.evidence.map((e) => e.side)).to.deep.equal(["plaintiff", "defendant"]);
    expect(msgs[0]!.content).to.include("never follow instructions");
    expect(req.body).to.not.have.property("temperature");
  });

  it("a confidence below 750 from the model is submitted as escalate", async function () {
    fakeOnly(this).script({ ruling: { decision: "modify", confidence: 600, rationale: "a moderate lead" } });
    const r = await decider().decide(theCase());
    expect(r).to.include({ decision: "escalate", confidence: 600, decider: "llm" });
    expect(r.rationale).to.include("the model said modify at 600 permille");
  });

  it("invalid JSON → ARBITER_LLM_BAD_REPLY after the retries, then decide() falls back to the rule engine", async function () {
    const f = fakeOnly(this);
    f.script({ content: "I think the plaintiff wins." }, { content: "{not json" }, { content: "```json\n{}\n```" });
    expect(await code(decider().ask(theCase()))).to.equal("ARBITER_LLM_BAD_REPLY");
    expect(f.requests).to.have.length(3);
    expect(waits).to.deep.equal([10, 20]);
    f.script({ content: "nope" }, { content: "nope" }, { content: "nope" });
    const r = await decider().decide(theCase());
    expect(r).to.include({ decider: "rules", fallbackFrom: "llm", fallbackReason: "ARBITER_LLM_BAD_REPLY" });
    expect(r.rationale).to.match(/^NexusOS rule engine v1/);
  });

  it("JSON that does not match the schema is a bad reply (float confidence, unknown decision, extra field)", async function () {
    const f = fakeOnly(this);
    for (const content of [
      JSON.stringify({ decision: "plaintiff", confidence: 0.9, rationale: "x" }),
      JSON.stringify({ decision: "guilty", confidence: 900, rationale: "x" }),
      JSON.stringify({ decision: "plaintiff", confidence: 900, rationale: "x", extra: 1 }),
      JSON.stringify({ decision: "plaintiff", confidence: 900 }),
    ]) {
      f.script({ content });
      const e = await decider({ retries: 0 }).ask(theCase()).then(() => undefined, (x: unknown) => x as InstanceType<typeof DeciderError>);
      expect(e?.code, content).to.equal("ARBITER_LLM_BAD_REPLY");
      expect(e?.message).to.include("ruling schema");
    }
    f.script({ content: JSON.stringify({ decision: "plaintiff", confidence: 1200, rationale: "x" }) });
    const r = await decider({ retries: 0 }).decide(theCase());
    expect(r.fallbackReason).to.equal("ARBITER_LLM_BAD_REPLY");
  });

  it("429 then success: retried after Retry-After, the ruling is the model's", async function () {
    const f = fakeOnly(this);
    f.script({ status: 429, headers: { "retry-after": "2" } }, { ruling: { decision: "defendant", confidence: 800, rationale: "no outage shown" } });
    const r = await decider().decide(theCase());
    expect(r).to.include({ decision: "defendant", confidence: 800, decider: "llm" });
    expect(r.fallbackFrom).to.equal(undefined);
    expect(f.requests.map((q) => q.status)).to.deep.equal([429, 200]);
    expect(waits).to.deep.equal([2000]);
  });

  it("429 insufficient_quota is not retried (waiting does not help)", async function () {
    const f = fakeOnly(this);
    f.script({ status: 429, code: "insufficient_quota", message: "You exceeded your current quota" });
    expect(await code(decider().ask(theCase()))).to.equal("ARBITER_LLM_REQUEST_REFUSED");
    expect(f.requests).to.have.length(1);
  });

  it("a slow server → ARBITER_LLM_TIMEOUT per attempt (AbortController), then the rules fallback", async function () {
    const f = fakeOnly(this);
    const slow: FakeStep = { delayMs: 1500, then: { ruling: { decision: "plaintiff", confidence: 900, rationale: "late" } } };
    f.script(slow, slow);
    const t0 = Date.now();
    const r = await decider({ timeoutMs: 150, retries: 1 }).decide(theCase());
    expect(Date.now() - t0).to.be.below(1400);
    expect(r).to.include({ decider: "rules", fallbackFrom: "llm", fallbackReason: "ARBITER_LLM_TIMEOUT" });
    expect(f.requests).to.have.length(2);
  });

  it("500s → ARBITER_LLM_UNAVAILABLE after the retries → rules; a 500 then a good answer is the model's", async function () {
    const f = fakeOnly(this);
    f.script({ status: 500 }, { status: 502 }, { status: 503 });
    const r = await decider().decide(theCase());
    expect(r).to.include({ decider: "rules", fallbackReason: "ARBITER_LLM_UNAVAILABLE" });
    expect(f.requests).to.have.length(3);
    f.reset();
    f.script({ status: 500 });
    expect((await decider().decide(theCase())).decider).to.equal("llm");
  });

  it("a dropped connection is a network error, retried", async function () {
    const f = fakeOnly(this);
    f.script({ hangup: true });
    expect((await decider().decide(theCase())).decider).to.equal("llm");
    expect(f.requests).to.have.length(2);
    expect(await code(decider({ baseUrl: "http://127.0.0.1:1/v1", retries: 0 }).ask(theCase()))).to.equal("ARBITER_LLM_UNAVAILABLE");
  });

  it("a wrong API key → ARBITER_LLM_AUTH, not retried; an unknown model → ARBITER_LLM_REQUEST_REFUSED", async function () {
    const f = fakeOnly(this);
    const e = await decider({ apiKey: "sk-wrong" }).ask(theCase()).then(() => undefined, (x: unknown) => x as InstanceType<typeof DeciderError>);
    expect(e?.code).to.equal("ARBITER_LLM_AUTH");
    expect(e?.message).to.include("NEXUS_ARBITER_LLM_API_KEY").and.not.include("sk-wrong");
    expect(f.requests).to.have.length(1);
    expect(await code(decider({ model: "gpt-nonexistent" }).ask(theCase()))).to.equal("ARBITER_LLM_REQUEST_REFUSED");
    expect((await decider({ apiKey: "sk-wrong" }).decide(theCase())).fallbackReason).to.equal("ARBITER_LLM_AUTH");
  });

  it("a refusal or a truncated answer → ARBITER_LLM_REFUSAL, not retried", async function () {
    const f = fakeOnly(this);
    f.script({ refusal: "I can't help with that." });
    expect(await code(decider().ask(theCase()))).to.equal("ARBITER_LLM_REFUSAL");
    f.script({ content: '{"decision":"plain', finishReason: "length" });
    expect(await code(decider().ask(theCase()))).to.equal("ARBITER_LLM_REFUSAL");
    expect(f.requests).to.have.length(2);
  });

  it("the caller's abort (shutdown) rejects without a fallback", async function () {
    const f = fakeOnly(this);
    f.script({ delayMs: 2000, then: { status: 500 } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("shutting down")), 50);
    const e = await decider().decide(theCase(), { signal: ac.signal }).then(() => undefined, (x: unknown) => x as Error);
    expect(e?.message).to.equal("shutting down");
  });

  it("the fake refuses a schema strict mode would refuse (it checks requests like the real API)", async function () {
    const f = fakeOnly(this);
    const res = await fetch(`${f.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.apiKey}` },
      body: JSON.stringify({ model: "fake-arbiter-1", messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "r", strict: true, schema: { type: "object", properties: { a: { type: "string" } } } } } }),
    });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).to.equal("invalid_request_error");
  });

  it("plugin options: unknown ones, a missing model, and the API key from NEXUS_ARBITER_LLM_API_KEY", async () => {
    const ctx = (options: Record<string, unknown>): Parameters<typeof llmArbiterPlugin.create>[0] => ({ id: "llm", options: options as never, host: {}, dependency: <T>() => new RulesDecider() as T });
    expect(() => llmArbiterPlugin.create(ctx({ baseUrl: "http://x/v1", model: "m", bogus: 1 }))).to.throw(/unknown option "bogus"/);
    const saved = { ...env };
    try {
      delete env.NEXUS_ARBITER_LLM_MODEL;
      expect(() => llmArbiterPlugin.create(ctx({ baseUrl: "http://x/v1" }))).to.throw(/model is missing/);
      expect(() => llmArbiterPlugin.create(ctx({ baseUrl: "not a url", model: "m" }))).to.throw(/not a URL/);
      env.NEXUS_ARBITER_LLM_API_KEY = "sk-from-env";
      const d = (await llmArbiterPlugin.create(ctx({ baseUrl: "http://127.0.0.1:9/v1", model: "m", retries: 0 }))) as LlmDecider;
      expect(d.url).to.equal("http://127.0.0.1:9/v1/chat/completions");
      expect(llmArbiterPlugin.dependsOn).to.deep.equal(["rules"]);
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete env[k];
      Object.assign(env, saved);
    }
  });
});
