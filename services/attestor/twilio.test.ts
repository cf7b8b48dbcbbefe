/**
 * The Twilio Verify provider against test/fixtures/twilio-verify-fake.ts (a FAKE of Twilio's
 * v2 API), or against the real Twilio API when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
 * TWILIO_VERIFY_SERVICE_SID and TWILIO_TEST_TO are set (then an SMS is really sent to
 * TWILIO_TEST_TO; tests that need to read the code or move the clock are skipped, saying so).
 */
import { expect } from "chai";
import { addressFor } from "../../runtime/crypto/address.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { verifyAttestation, type Attestation } from "../../modules/bhls/attestation.ts";
import { TwilioVerifyProvider, twilioAttestorPlugin } from "../../plugins/attestors/twilio/plugin.ts";
import { ProviderError } from "../../plugins/attestors/provider.ts";
import { TwilioVerifyFake } from "../../test/fixtures/twilio-verify-fake.ts";
import { Harness, post } from "../../test/fixtures/attestor-harness.ts";

const env = process.env;
const REAL = Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_VERIFY_SERVICE_SID && env.TWILIO_TEST_TO);
const TO = REAL ? env.TWILIO_TEST_TO! : "+14155550100";

async function rejects(p: Promise<unknown>): Promise<InstanceType<typeof ProviderError>> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ProviderError);
    return e as InstanceType<typeof ProviderError>;
  }
  return expect.fail("expected a ProviderError");
}

describe(`Twilio Verify provider (${REAL ? "REAL Twilio API" : "against the local FAKE of Twilio Verify v2"})`, function () {
  this.timeout(REAL ? 60_000 : 20_000);
  let fake: TwilioVerifyFake | undefined;
  let creds: { accountSid: string; authToken: string; serviceSid: string; baseUrl?: string };
  before(async function () {
    if (REAL) {
      creds = { accountSid: env.TWILIO_ACCOUNT_SID!, authToken: env.TWILIO_AUTH_TOKEN!, serviceSid: env.TWILIO_VERIFY_SERVICE_SID! };
      return;
    }
    console.log("      (no TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TWILIO_VERIFY_SERVICE_SID / TWILIO_TEST_TO: running against the local fake, not Twilio)");
    fake = new TwilioVerifyFake();
    creds = { accountSid: fake.accountSid, authToken: fake.authToken, serviceSid: fake.serviceSid, baseUrl: await fake.start() };
  });
  after(async () => {
    await fake?.stop();
  });
  const fakeOnly = (ctx: Mocha.Context): void => {
    if (REAL) {
      console.log("      skipped against real Twilio: needs to read the code or move the fake's clock");
      ctx.skip();
    }
  };
  const provider = (over: Partial<typeof creds> = {}): TwilioVerifyProvider => new TwilioVerifyProvider({ ...creds, ...over });

  it("starts a verification (POST Verifications, To + Channel=sms, Basic auth, form-encoded) and rejects a wrong code as pending", async () => {
    const p = provider();
    const { providerRef } = await p.start(TO);
    expect(providerRef).to.match(/^VE[0-9a-f]{32}$/);
    if (fake) {
      const req = fake.requests.find((r) => r.path === `/v2/Services/${fake!.serviceSid}/Verifications`)!;
      expect(req.method).to.equal("POST");
      expect(req.contentType).to.match(/^application\/x-www-form-urlencoded/);
      expect(req.form).to.deep.equal({ To: TO, Channel: "sms" });
    }
    expect(await p.check(providerRef, TO, "000000" === fake?.lastCode(TO) ? "000001" : "000000")).to.equal("pending");
    await p.cancel(providerRef);
  });

  it("approves the right code (POST VerificationCheck, To + Code); the used verification is then gone (20404 → expired)", async function () {
    fakeOnly(this);
    const p = provider();
    const { providerRef } = await p.start("+14155550111");
    const code = fake!.lastCode("+14155550111")!;
    expect(await p.check(providerRef, "+14155550111", code)).to.equal("approved");
    const req = fake!.requests.filter((r) => r.path.endsWith("/VerificationCheck")).at(-1)!;
    expect(req.form).to.deep.equal({ To: "+14155550111", Code: code });
    expect(await p.check(providerRef, "+14155550111", code)).to.equal("expired");
  });

  it("maps an invalid number (60200) to PROVIDER_INVALID_PHONE", async () => {
    const e = await rejects(provider().start("+99912345678"));
    expect(e.code).to.equal("PROVIDER_INVALID_PHONE");
    expect(e.context.providerCode).to.be.oneOf([60200, 21211, 21614]);
    expect(e.context.httpStatus).to.equal(400);
    expect(e.message).to.not.include("99912345678");
  });

  it("maps bad credentials (401, 20003) to PROVIDER_AUTH", async () => {
    const e = await rejects(provider({ authToken: "0".repeat(32) }).start(TO));
    expect(e.code).to.equal("PROVIDER_AUTH");
    expect(e.context.providerCode).to.equal(20003);
  });

  it("a check without a pending verification (20404) is expired", async () => {
    expect(await provider().check("VE" + "0".repeat(32), "+14155550122", "123456")).to.equal("expired");
  });

  it("5 check attempts, then 60202 max check attempts → too-many-attempts", async function () {
    fakeOnly(this);
    const p = provider();
    const to = "+14155550133";
    const { providerRef } = await p.start(to);
    const wrong = fake!.lastCode(to) === "111111" ? "222222" : "111111";
    for (let i = 0; i < 5; i++) expect(await p.check(providerRef, to, wrong)).to.equal("pending");
    expect(await p.check(providerRef, to, fake!.lastCode(to)!)).to.equal("too-many-attempts");
  });

  it("60203 max send attempts → PROVIDER_TOO_MANY_SENDS", async function () {
    fakeOnly(this);
    const p = provider();
    const to = "+14155550144";
    for (let i = 0; i < 5; i++) await p.start(to);
    const e = await rejects(p.start(to));
    expect(e.code).to.equal("PROVIDER_TOO_MANY_SENDS");
    expect(e.context.providerCode).to.equal(60203);
    expect(e.context.httpStatus).to.equal(429);
  });

  it("60212 too many concurrent requests → PROVIDER_CONCURRENT", async function () {
    fakeOnly(this);
    fake!.delayMs = 150;
    try {
      const p = provider();
      const rs = await Promise.allSettled([p.start("+14155550155"), p.start("+14155550155")]);
      const failed = rs.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(failed).to.have.length(1);
      expect((failed[0]!.reason as InstanceType<typeof ProviderError>).code).to.equal("PROVIDER_CONCURRENT");
    } finally {
      fake!.delayMs = 0;
    }
  });

  it("codes expire after 10 minutes (the fake's clock)", async function () {
    fakeOnly(this);
    let t = Date.now();
    fake!.now = () => t;
    try {
      const p = provider();
      const { providerRef } = await p.start("+14155550166");
      const code = fake!.lastCode("+14155550166")!;
      t += 10 * 60_000;
      expect(await p.check(providerRef, "+14155550166", code)).to.equal("expired");
    } finally {
      fake!.now = Date.now;
    }
  });

  it("refuses options without credentials, with a clear message", () => {
    expect(() => new TwilioVerifyProvider({ accountSid: "", authToken: "x", serviceSid: "VA" + "0".repeat(32) })).to.throw(/accountSid/);
    expect(() => twilioAttestorPlugin.create({ id: "twilio", options: { bogus: 1 }, host: {}, dependency: () => undefined as never })).to.throw(/unknown option "bogus"/);
  });

  it("the attestor service end to end with the Twilio provider", async function () {
    fakeOnly(this);
    const h = await new Harness().init();
    try {
      const svc = await h.start({ provider: { id: "twilio", options: { ...creds } } });
      expect(svc.provider.id).to.equal("twilio");
      const to = "+14155550177";
      const who = addressFor("ed25519", ed25519.generate().publicKey);
      const s = await post(`${svc.url}/v1/verifications`, { phone: to, address: who });
      expect(s.status, JSON.stringify(s.body)).to.equal(201);
      const bad = await post(`${svc.url}/v1/verifications/${s.body.id as string}/check`, { code: fake!.lastCode(to) === "111111" ? "222222" : "111111" });
      expect(bad.status).to.equal(422);
      const r = await post(`${svc.url}/v1/verifications/${s.body.id as string}/check`, { code: fake!.lastCode(to)! });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(verifyAttestation(r.body.attestation as Attestation, r.body.attestorPubKey as string, r.body.signature as string)).to.equal(true);
      expect(h.node.registrations()).to.equal(1);
      const inv = await post(`${svc.url}/v1/verifications`, { phone: "+999999999", address: who });
      expect(inv.status).to.equal(400);
      expect(inv.body.error!.code).to.equal("ATTESTOR_INVALID_PHONE");
      expect(JSON.stringify(inv.body)).to.not.include("999999999");
      expect(h.logs.text).to.not.include("4155550177").and.not.include("999999999");
    } finally {
      await h.close();
    }
  });
});
