import { expect } from "chai";
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { fromHex } from "../../runtime/crypto/hash.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import { phoneHash, verifyAttestation, REGISTER_CITIZEN_TYPE_URL, type Attestation } from "../../modules/bhls/attestation.ts";
import { ConsoleProvider } from "../../plugins/attestors/console/plugin.ts";
import { maskPhone } from "../../plugins/attestors/provider.ts";
import { Harness, post } from "../../test/fixtures/attestor-harness.ts";
import { Journal } from "./journal.ts";
import { AttestorError } from "./errors.ts";
import { loadAttestorKey, type AttestorService } from "./service.ts";
import { resolveAttestorConfig, loadAttestorConfig, writeDefaultConfig, defaultAttestorConfig } from "./config.ts";

const PHONE = "+14155550100";
const citizen = (): string => addressFor("ed25519", ed25519.generate().publicKey);

describe("console attestor provider", () => {
  it("sends 6-digit codes from the CSPRNG, printed with the number masked", async () => {
    const lines: string[] = [];
    let t = 1_000_000;
    const p = new ConsoleProvider({ now: () => t, logger: { info: (o: object, m?: string) => void lines.push(JSON.stringify(o) + (m ?? "")) } as never });
    const { providerRef } = await p.start(PHONE);
    const code = p.lastCode(PHONE)!;
    expect(code).to.match(/^[0-9]{6}$/);
    expect(lines.join("\n")).to.include(code).and.include("+1415•••0100").and.not.include(PHONE);
    expect(await p.check(providerRef, PHONE, code === "000000" ? "000001" : "000000")).to.equal("pending");
    expect(await p.check(providerRef, PHONE, code)).to.equal("approved");
    t += 1;
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      t += 61_000;
      await p.start(`+1415555${String(1000 + i)}`);
      codes.add(p.lastCode(`+1415555${String(1000 + i)}`)!);
    }
    expect(codes.size).to.be.greaterThan(35);
  });

  it("codes expire after 10 minutes, allow 5 attempts, one resend per 60 s", async () => {
    let t = 0;
    const p = new ConsoleProvider({ now: () => t, printCodes: false });
    const { providerRef } = await p.start(PHONE);
    await p.start(PHONE).then(
      () => expect.fail("resend within 60 s"),
      (e: AttestorError) => expect(e.code).to.equal("PROVIDER_TOO_MANY_SENDS"),
    );
    t += 60_000;
    expect((await p.start(PHONE)).providerRef).to.equal(providerRef);
    const code = p.lastCode(PHONE)!;
    for (let i = 0; i < 5; i++) expect(await p.check(providerRef, PHONE, "999999" === code ? "999998" : "999999")).to.equal("pending");
    expect(await p.check(providerRef, PHONE, code)).to.equal("too-many-attempts");
    const p2 = new ConsoleProvider({ now: () => t, printCodes: false });
    const r2 = await p2.start(PHONE);
    t += 10 * 60_000;
    expect(await p2.check(r2.providerRef, PHONE, p2.lastCode(PHONE) ?? "000000")).to.equal("expired");
  });

  it("masks numbers", () => {
    expect(maskPhone("+14155550100")).to.equal("+1415•••0100");
  });
});

describe("attestor service (console provider, fake node)", function () {
  this.timeout(30_000);
  let h: Harness;
  let svc: AttestorService;
  let provider: ConsoleProvider;
  beforeEach(async () => {
    h = await new Harness().init();
    provider = new ConsoleProvider({ now: h.now, logger: undefined, printCodes: false });
    svc = await h.start({}, { provider });
  });
  afterEach(async () => {
    await h.close();
  });

  const start = (phone = PHONE, address = citizen(), url = svc.url): ReturnType<typeof post> => post(`${url}/v1/verifications`, { phone, address });
  const check = (id: string, code: string, extra: Record<string, unknown> = {}, url = svc.url): ReturnType<typeof post> => post(`${url}/v1/verifications/${id}/check`, { code, ...extra });
  const wrong = (phone = PHONE): string => (provider.lastCode(phone) === "123456" ? "654321" : "123456");

  it("verifies a phone, signs the attestation, journals it, registers the citizen with a PICO tx", async () => {
    const who = citizen();
    const s = await start(PHONE, who);
    expect(s.status).to.equal(201);
    expect(s.body.id).to.match(/^[0-9a-f]{32}$/);
    expect(s.body.status).to.equal("pending");
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.status).to.equal("approved");
    expect(r.body.result).to.equal("registered");
    const a = r.body.attestation as Attestation;
    expect(a.citizen).to.equal(who);
    expect(a.chainId).to.equal(h.node.chainId);
    expect(a.attestor).to.equal(h.address);
    const salt = fromHex(readFileSync(join(h.dir, "data", "phone-salt"), "utf8").trim());
    expect(a.phoneHash).to.equal(phoneHash(salt, PHONE));
    expect(a.expiresAt).to.equal(Math.floor(h.t / 1000) + 180 * 86400);
    expect(verifyAttestation(a, r.body.attestorPubKey as string, r.body.signature as string)).to.equal(true);
    expect(h.node.received).to.have.length(1);
    expect(h.node.received[0]!.band).to.equal(2);
    expect(h.node.received[0]!.msgs[0]!.typeUrl).to.equal(REGISTER_CITIZEN_TYPE_URL);
    expect(h.node.citizens.get(a.phoneHash)).to.equal(who);
    expect(svc.journal.get(s.body.id as string)!.state).to.equal("done");
    // the salt file is private, the journal holds no number
    expect(statSync(join(h.dir, "data", "phone-salt")).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(h.dir, "data", "journal.jsonl"), "utf8")).to.not.include(PHONE).and.not.include("4155550100");
    // replaying the check of a used verification is refused
    const again = await check(s.body.id as string, provider.lastCode(PHONE) ?? "000000");
    expect(again.status).to.equal(409);
    expect(again.body.error!.code).to.equal("ATTESTOR_VERIFICATION_USED");
    // GET shows the state, without the number
    const g = await fetch(`${svc.url}/v1/verifications/${s.body.id as string}`).then((x) => x.json() as Promise<Record<string, unknown>>);
    expect(g.status).to.equal("approved");
    expect(JSON.stringify(g)).to.not.include("4155550100");
  });

  it('"submit": false returns the signed attestation and message for a wallet, without submitting', async () => {
    const s = await start();
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!, { submit: false });
    expect(r.status).to.equal(200);
    expect(r.body.submitted).to.equal(false);
    expect((r.body.msg as { typeUrl: string }).typeUrl).to.equal(REGISTER_CITIZEN_TYPE_URL);
    expect(verifyAttestation(r.body.attestation as Attestation, r.body.attestorPubKey as string, r.body.signature as string)).to.equal(true);
    expect(h.node.received).to.have.length(0);
    expect(svc.journal.get(s.body.id as string)!.state).to.equal("not-submitted");
    expect(svc.journal.pending()).to.have.length(0);
  });

  it("refuses malformed phone numbers and addresses with clear errors", async () => {
    for (const bad of ["14155550100", "+0415555010", "+1 415 555 0100", "+1415", "+1234567890123456", "+1415555010a", "", "+14155550100\n"]) {
      const r = await start(bad);
      expect(r.status, bad).to.equal(400);
      expect(r.body.error!.code).to.equal("ATTESTOR_INVALID_PHONE");
      expect(r.body.error!.message).to.include("E.164");
    }
    for (const bad of ["nxs1notanaddress", "", "NXS1" + "Q".repeat(58), "0xdeadbeef"]) {
      const r = await start(PHONE, bad);
      expect(r.status, bad).to.equal(400);
      expect(r.body.error!.code).to.equal("ATTESTOR_INVALID_ADDRESS");
    }
    const missing = await post(`${svc.url}/v1/verifications`, { address: citizen() });
    expect(missing.body.error!.code).to.equal("ATTESTOR_INVALID_PHONE");
    const extra = await post(`${svc.url}/v1/verifications`, { phone: PHONE, address: citizen(), x: 1 });
    expect(extra.status).to.equal(400);
    expect(extra.body.error!.message).to.include('unknown field "x"');
  });

  it("refuses unknown ids, garbled JSON, oversized bodies, wrong content types and unknown routes", async () => {
    const unknown = await check("0".repeat(32), "123456");
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error!.code).to.equal("ATTESTOR_UNKNOWN_VERIFICATION");
    const junkId = await check("../../etc", "123456");
    expect(junkId.status).to.equal(404);
    const garbled = await post(`${svc.url}/v1/verifications`, '{"phone": "+1415', { "content-type": "application/json" });
    expect(garbled.status).to.equal(400);
    expect(garbled.body.error!.code).to.equal("ATTESTOR_BAD_JSON");
    const notObject = await post(`${svc.url}/v1/verifications`, "[1,2]");
    expect(notObject.status).to.equal(400);
    expect(notObject.body.error!.code).to.equal("ATTESTOR_BAD_REQUEST");
    const big = await post(`${svc.url}/v1/verifications`, JSON.stringify({ phone: PHONE, address: "x".repeat(10_000) }));
    expect(big.status).to.equal(413);
    expect(big.body.error!.code).to.equal("ATTESTOR_BODY_TOO_LARGE");
    const form = await post(`${svc.url}/v1/verifications`, "phone=%2B14155550100", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).to.equal(415);
    expect(form.body.error!.code).to.equal("ATTESTOR_UNSUPPORTED_MEDIA_TYPE");
    const route = await post(`${svc.url}/v1/nothing`, {});
    expect(route.status).to.equal(404);
    expect(route.body.error!.code).to.equal("ATTESTOR_NO_ROUTE");
    const badCode = await check((await start()).body.id as string, "12ab");
    expect(badCode.status).to.equal(400);
    expect(h.node.received).to.have.length(0);
  });

  it("two concurrent checks of one verification attest once", async () => {
    const s = await start();
    const code = provider.lastCode(PHONE)!;
    const rs = await Promise.all([check(s.body.id as string, code), check(s.body.id as string, code), check(s.body.id as string, code)]);
    expect(rs.filter((r) => r.status === 200)).to.have.length(1);
    for (const r of rs.filter((x) => x.status !== 200)) expect(r.body.error!.code).to.be.oneOf(["ATTESTOR_BAD_REQUEST", "ATTESTOR_VERIFICATION_USED", "ATTESTOR_VERIFICATION_EXPIRED"]);
    expect(h.node.received).to.have.length(1);
    expect(svc.journal.all()).to.have.length(1);
  });

  it("allows 5 attempts, then locks the verification", async () => {
    const s = await start();
    const id = s.body.id as string;
    for (let i = 1; i <= 4; i++) {
      const r = await check(id, wrong());
      expect(r.status).to.equal(422);
      expect(r.body.error!.code).to.equal("ATTESTOR_CODE_INCORRECT");
      expect(r.body.error!.attemptsLeft).to.equal(5 - i);
    }
    const fifth = await check(id, wrong());
    expect(fifth.status).to.equal(422);
    expect(fifth.body.error!.attemptsLeft).to.equal(0);
    const locked = await check(id, provider.lastCode(PHONE) ?? "000000");
    expect(locked.status).to.equal(429);
    expect(locked.body.error!.code).to.equal("ATTESTOR_TOO_MANY_ATTEMPTS");
    expect(h.node.received).to.have.length(0);
  });

  it("codes expire after 10 minutes", async () => {
    const s = await start();
    const code = provider.lastCode(PHONE)!;
    h.t += 10 * 60_000;
    const r = await check(s.body.id as string, code);
    expect(r.status).to.equal(410);
    expect(r.body.error!.code).to.equal("ATTESTOR_VERIFICATION_EXPIRED");
  });

  it("one resend per 60 s", async () => {
    const s = await start();
    const id = s.body.id as string;
    const early = await post(`${svc.url}/v1/verifications/${id}/resend`, {});
    expect(early.status).to.equal(429);
    expect(early.body.error!.code).to.equal("ATTESTOR_RESEND_TOO_SOON");
    expect(early.headers.get("retry-after")).to.equal("60");
    const restart = await start();
    expect(restart.status).to.equal(429);
    expect(restart.body.error!.code).to.equal("ATTESTOR_RESEND_TOO_SOON");
    h.t += 60_000;
    const ok = await post(`${svc.url}/v1/verifications/${id}/resend`, {});
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const r = await check(id, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(200);
  });

  it("per-phone limit: 3 sends per hour", async () => {
    expect((await start()).status).to.equal(201);
    h.t += 61_000;
    expect((await start()).status).to.equal(201);
    h.t += 61_000;
    expect((await start()).status).to.equal(201);
    h.t += 61_000;
    const fourth = await start();
    expect(fourth.status).to.equal(429);
    expect(fourth.body.error!.code).to.equal("ATTESTOR_RATE_LIMITED");
    expect(fourth.body.error!.limit).to.equal("per-phone");
    expect((await start("+14155550199")).status).to.equal(201);
    h.t += 3_600_000;
    expect((await start()).status).to.equal(201);
  });

  it("per-client limit", async () => {
    await svc.close();
    svc = await h.start({ rateLimits: { perClientPerHour: 2 } }, { provider: new ConsoleProvider({ now: h.now, printCodes: false }) });
    expect((await start("+14155550101")).status).to.equal(201);
    expect((await start("+14155550102")).status).to.equal(201);
    const third = await start("+14155550103");
    expect(third.status).to.equal(429);
    expect(third.body.error!.limit).to.equal("per-client");
  });

  it("one phone, one citizen: a second address for the same phone is refused (BHLS_PHONE_HASH_IN_USE)", async () => {
    const s1 = await start(PHONE, citizen());
    expect((await check(s1.body.id as string, provider.lastCode(PHONE)!)).status).to.equal(200);
    h.t += 61_000;
    const s2 = await start(PHONE, citizen());
    const r = await check(s2.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(409);
    expect(r.body.error!.code).to.equal("ATTESTOR_PHONE_IN_USE");
    expect(svc.journal.get(s2.body.id as string)!.state).to.equal("failed");
  });

  it("an attestor the chain does not know gets ATTESTOR_SUBMIT_REFUSED with the chain's code", async () => {
    h.node.attestors.clear();
    const s = await start();
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(502);
    expect(r.body.error!.code).to.equal("ATTESTOR_SUBMIT_REFUSED");
    expect(r.body.error!.chainCode).to.equal("BHLS_UNKNOWN_ATTESTOR");
  });

  it("refuses to start against a node of another chain", async () => {
    await h.start({ node: { chainId: "other-chain-1" } }, { provider }).then(
      () => expect.fail("should refuse"),
      (e: AttestorError) => {
        expect(e.code).to.equal("ATTESTOR_WRONG_CHAIN");
        expect(e.message).to.include("other-chain-1");
      },
    );
  });

  it("a node outage: approved and journaled (202), registered by the retry", async () => {
    h.node.unreachable = 1;
    const s = await start();
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(202);
    expect(r.body.submission).to.equal("pending");
    expect(svc.journal.pending()).to.have.length(1);
    const out = await svc.recover();
    expect(out[0]!.kind).to.equal("done");
    expect(h.node.registrations()).to.equal(1);
    expect(h.node.received).to.have.length(1);
  });

  it("crash rule: a crash between journal and submission registers the citizen once on restart", async () => {
    await svc.close();
    svc = await h.start({}, { provider, hooks: { afterJournal: () => { throw new Error("simulated crash after the journal write"); } } });
    const s = await start();
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(500);
    expect(r.body.error!.code).to.equal("ATTESTOR_INTERNAL");
    expect(h.node.received).to.have.length(0);
    await svc.close();
    svc = await h.start({}, { provider }); // start-up resubmits
    expect(h.node.received).to.have.length(1);
    expect(h.node.registrations()).to.equal(1);
    expect(svc.journal.get(s.body.id as string)!.state).to.equal("done");
    await svc.close();
    svc = await h.start({}, { provider });
    expect(h.node.received).to.have.length(1);
  });

  it("crash rule: a crash after sending (receipt unseen) does not send twice", async () => {
    await svc.close();
    h.node.autoBlock = false;
    svc = await h.start({}, { provider, hooks: { afterSend: () => { throw new Error("simulated crash after sendTx"); } } });
    const s = await start();
    expect((await check(s.body.id as string, provider.lastCode(PHONE)!)).status).to.equal(500);
    expect(h.node.received).to.have.length(1);
    await svc.close();
    h.node.produceBlock();
    svc = await h.start({}, { provider });
    expect(h.node.received).to.have.length(1);
    expect(h.node.registrations()).to.equal(1);
    expect(svc.journal.get(s.body.id as string)!.state).to.equal("done");
  });

  it("crash rule: a crash before the send was journaled, the registration already on chain: BHLS_ALREADY_REGISTERED counts as done", async () => {
    const s = await start();
    const r = await check(s.body.id as string, provider.lastCode(PHONE)!);
    expect(r.status).to.equal(200);
    await svc.close();
    // the same attestation journaled again under another id, as if its done/sending lines were lost
    const j = Journal.open(join(h.dir, "data", "journal.jsonl"));
    const rec = j.get(s.body.id as string)!;
    j.append({ ...rec.attested, id: "f".repeat(32) });
    j.close();
    svc = await h.start({}, { provider });
    expect(svc.journal.get("f".repeat(32))!.state).to.equal("done");
    expect(svc.journal.get("f".repeat(32))!.result).to.equal("already-registered");
    expect(h.node.registrations()).to.equal(1);
  });

  it("a journaled attestation for another chain id is refused, not sent", async () => {
    await svc.close();
    const j = Journal.open(join(h.dir, "data", "journal.jsonl"));
    j.append({ t: "attested", id: "e".repeat(32), at: h.t, attestation: { chainId: "another-chain", citizen: citizen(), phoneHash: "ab".repeat(32), expiresAt: 9e9, attestor: h.address }, attestorPubKey: "00".repeat(32), signature: "00".repeat(64), submit: true });
    j.close();
    svc = await h.start({}, { provider });
    expect(svc.journal.get("e".repeat(32))!.state).to.equal("failed");
    expect(svc.journal.get("e".repeat(32))!.failure!.code).to.equal("ATTESTOR_WRONG_CHAIN");
    expect(h.node.received).to.have.length(0);
  });

  it("a journal line torn by a crash is skipped", async () => {
    await svc.close();
    appendFileSync(join(h.dir, "data", "journal.jsonl"), '{"t":"attested","id":"abc');
    svc = await h.start({}, { provider });
    expect(svc.journal.skipped).to.equal(1);
    const s = await start();
    expect((await check(s.body.id as string, provider.lastCode(PHONE)!)).status).to.equal(200);
    const again = Journal.open(join(h.dir, "data", "journal.jsonl"));
    expect(again.skipped).to.equal(1);
    expect(again.get(s.body.id as string)!.state).to.equal("done");
    again.close();
  });

  it("never logs the phone number (console provider printing codes to the same log)", async () => {
    await svc.close();
    svc = await h.start({}, { providers: undefined, provider: undefined }); // the console plugin, created from config, printing to the service log
    const r1 = await start(PHONE);
    const code = /"code":"([0-9]{6})"/.exec(h.logs.text)?.[1];
    expect(code, "the console provider prints the code to the log").to.match(/^[0-9]{6}$/);
    expect((await check(r1.body.id as string, code!)).status).to.equal(200);
    await start("+14155550177");
    await start("bad +14155550188");
    await post(`${svc.url}/v1/verifications`, `{"phone":"+14155550199",`);
    expect(h.logs.text).to.include("+1415•••0100");
    for (const n of ["+14155550100", "14155550100", "4155550100", "+14155550177", "4155550177", "4155550188", "4155550199"]) expect(h.logs.text, n).to.not.include(n);
  });
});

describe("attestor config, key and salt", () => {
  it("defaults, validation and init-config", () => {
    const d = defaultAttestorConfig();
    expect(d.listen).to.deep.equal({ host: "127.0.0.1", port: 7710 });
    expect(d.attestationValidityDays).to.equal(180);
    expect(() => resolveAttestorConfig({ listen: { port: "x" } })).to.throw(/listen\/port|port/);
    expect(() => resolveAttestorConfig({ bogus: 1 })).to.throw(/unknown field "bogus"/);
    const h = new Harness();
    const p = join(h.dir, "attestor.json");
    writeDefaultConfig(p);
    const c = loadAttestorConfig(p);
    expect(c.provider.id).to.equal("console");
    expect(() => writeDefaultConfig(p)).to.throw(/already exists/);
    writeFileSync(p, "{ not json");
    expect(() => loadAttestorConfig(p)).to.throw(/not valid JSON/);
    expect(existsSync(p)).to.equal(true);
  });

  it("unlocks the attestor key from a keyring with a passphrase file, refuses a wrong one", async () => {
    const h = new Harness();
    const kr = new Keyring(join(h.dir, "home", "keys"));
    kr.importSecret("attestor", h.signer.secretKey, "correct horse battery", { scrypt: { N: 1024, r: 8, p: 1 } });
    writeFileSync(join(h.dir, "pass"), "correct horse battery\n");
    const cfg = resolveAttestorConfig({ home: join(h.dir, "home"), passphraseFile: join(h.dir, "pass") });
    const s = await loadAttestorKey(cfg);
    expect(Buffer.from(s.publicKey).equals(Buffer.from(h.signer.publicKey))).to.equal(true);
    writeFileSync(join(h.dir, "pass"), "wrong\n");
    await loadAttestorKey(cfg).then(
      () => expect.fail("wrong passphrase"),
      (e: Error & { code?: string }) => expect(e.code).to.equal("KEYSTORE_WRONG_PASSPHRASE"),
    );
    await loadAttestorKey(resolveAttestorConfig({ home: join(h.dir, "home"), keyName: "nobody" })).then(
      () => expect.fail("missing key"),
      (e: Error & { code?: string }) => expect(e.code).to.equal("ATTESTOR_KEY"),
    );
    await h.close();
  });
});
