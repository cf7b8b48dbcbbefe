import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createLogger } from "../../runtime/node/logger.ts";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { phoneHash, registerCitizenMsg, signAttestation, type Attestation } from "../../modules/bhls/attestation.ts";
import { E164, ProviderError, maskPhone, type AttestorProviderPlugin, type VerificationProvider } from "../../plugins/attestors/provider.ts";
import { bundledAttestorProviders } from "../../plugins/attestors/index.ts";
import type { AttestorProviderHost } from "../../plugins/attestors/console/plugin.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import { join } from "node:path";
import { NexusClient, RpcClientError } from "../../runtime/rpc/client.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { signerAddress, type Signer } from "../../runtime/tx/sign.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { getPassphrase } from "../../runtime/cli/util.ts";
import { attestorPaths, type AttestorConfig } from "./config.ts";
import { AttestorError, HTTP_STATUS, type AttestorErrorCode } from "./errors.ts";
import { Journal, type AttestedEntry, type JournalRecord } from "./journal.ts";
import { RateLimiter } from "./rate-limit.ts";

/** Paths pino censors wherever they appear: the phone number never reaches a log line. */
export const LOG_REDACT = ["phone", "*.phone", "to", "*.to", "body", "*.body", "req.body", "phoneE164", "*.phoneE164"];

export function createAttestorLogger(cfg: Pick<AttestorConfig, "logLevel" | "logFormat">, destination?: NodeJS.WritableStream): Logger {
  return createLogger({ level: cfg.logLevel, format: cfg.logFormat, name: "attestor", redact: { paths: LOG_REDACT, censor: "[redacted]" }, destination });
}

/** Points a test (or an embedding program) can fail at, to simulate a crash. */
export interface AttestorHooks {
  /** After the attestation is journaled, before anything is sent to the node. */
  afterJournal?(id: string): void;
  /** After the transaction is journaled as "sending", before nexus_sendTx. */
  beforeSend?(id: string): void;
  /** After nexus_sendTx accepted it, before the receipt. */
  afterSend?(id: string): void;
}

export interface AttestorDeps {
  /** The attestor's key; default: cfg.keyName from the home's keyring, unlocked as the CLI does. */
  signer?: Signer;
  /** Default: the bundled console and twilio plugins. */
  providers?: AttestorProviderPlugin[];
  /** A provider instance to use instead of creating cfg.provider.id. */
  provider?: VerificationProvider;
  logger?: Logger;
  /** Clock, ms. */
  now?: () => number;
  hooks?: AttestorHooks;
  /** Skip the background retry timer (tests drive recovery themselves). */
  noRetryTimer?: boolean;
}

type SessionStatus = "pending" | "approved" | "expired" | "locked";
interface Session {
  id: string;
  phone: string;
  phoneHash: string;
  citizen: string;
  providerRef: string;
  createdAt: number;
  expiresAt: number;
  lastSentAt: number;
  attempts: number;
  status: SessionStatus;
  /** A check is waiting for the provider: a second one at the same time is refused. */
  busy?: boolean;
}

/** What a registration's submission came to. */
export type SubmitOutcome =
  | { kind: "done"; txHash: string; result: "registered" | "already-registered"; receipt?: ReceiptView }
  | { kind: "refused"; code: string; message: string; txHash?: string }
  | { kind: "retrying"; message: string; txHash?: string };

const PERMANENT = new Set(["BHLS_PHONE_HASH_IN_USE", "BHLS_UNKNOWN_ATTESTOR", "BHLS_WRONG_CHAIN", "BHLS_ATTESTATION_EXPIRED"]);

function fail(code: AttestorErrorCode, message: string, context: Record<string, unknown> = {}): never {
  throw new AttestorError(code, message, context);
}

/** Read, or create (32 random bytes, hex, mode 0600) the salt of phone hashes. */
export function loadOrCreateSalt(path: string, log?: Logger): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
    log?.warn({ saltFile: path }, "created a new phone-hash salt: back it up; losing it makes every phone hash this attestor issued unreproducible");
  }
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0) log?.warn({ saltFile: path, mode: (st.mode & 0o777).toString(8) }, "the salt file is readable by others: chmod 600 it");
  const hex = readFileSync(path, "utf8").trim();
  if (!/^([0-9a-f]{2}){32,}$/.test(hex)) fail("ATTESTOR_SALT", `salt file ${path} must hold at least 32 bytes as lowercase hex on one line`);
  return fromHex(hex);
}

/** The attestor key from the keyring, unlocked with passphraseFile / NEXUS_PASSPHRASE / (dev) the dev passphrase. */
export async function loadAttestorKey(cfg: AttestorConfig): Promise<Signer> {
  const { home } = attestorPaths(cfg);
  const kr = new Keyring(join(home, "keys"));
  let info;
  try {
    info = kr.show(cfg.keyName);
  } catch (e) {
    fail("ATTESTOR_KEY", `attestor key "${cfg.keyName}" not found in ${home}/keys (${(e as Error).message}); create it with \`nexus keys add ${cfg.keyName}\``);
  }
  if (info.scheme !== "ed25519") fail("ATTESTOR_KEY", `attestor key "${cfg.keyName}" is ${info.scheme}; attestations are Ed25519: use an ed25519 key`);
  const pass = await getPassphrase({ passphraseFile: cfg.passphraseFile || undefined, dev: cfg.dev }, { keyName: cfg.keyName, keyIsDev: info.dev });
  return kr.loadSigner(cfg.keyName, pass);
}

export class AttestorService {
  readonly log: Logger;
  readonly journal: Journal;
  readonly address: string;
  readonly pubKeyHex: string;
  private readonly now: () => number;
  private readonly sessions = new Map<string, Session>();
  private readonly pendingByPhone = new Map<string, string>();
  private readonly perPhone: RateLimiter;
  private readonly perClient: RateLimiter;
  private readonly client: NexusClient;
  private queue: Promise<unknown> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private http: { close(): Promise<unknown> } | undefined;
  url = "";

  private constructor(
    readonly cfg: AttestorConfig,
    readonly chainId: string,
    private readonly signer: Signer,
    private readonly salt: Uint8Array,
    readonly provider: VerificationProvider,
    journal: Journal,
    client: NexusClient,
    private readonly deps: AttestorDeps,
    log: Logger,
  ) {
    this.log = log;
    this.journal = journal;
    this.client = client;
    this.now = deps.now ?? Date.now;
    this.address = signerAddress(signer);
    this.pubKeyHex = toHex(signer.publicKey);
    this.perPhone = new RateLimiter(cfg.rateLimits.perPhonePerHour, 3_600_000, this.now);
    this.perClient = new RateLimiter(cfg.rateLimits.perClientPerHour, 3_600_000, this.now);
  }

  /**
   * Start: key, salt, journal, chain id check against the node, provider, recovery of
   * journaled registrations not yet on chain, then the HTTP API.
   */
  static async start(cfg: AttestorConfig, deps: AttestorDeps = {}): Promise<AttestorService> {
    const log = deps.logger ?? createAttestorLogger(cfg);
    const paths = attestorPaths(cfg);
    const signer = deps.signer ?? (await loadAttestorKey(cfg));
    if (signer.scheme.id !== "ed25519") fail("ATTESTOR_KEY", `the attestor key is ${signer.scheme.id}; attestations are Ed25519`);
    const salt = loadOrCreateSalt(paths.saltFile, log);
    const client = new NexusClient(cfg.node.rpcUrl, { timeoutMs: Math.min(cfg.node.receiptTimeoutMs, 30_000) });
    let chainId: string;
    try {
      chainId = (await client.status()).chainId;
    } catch (e) {
      fail("ATTESTOR_WRONG_CHAIN", `cannot read the chain id from the node at ${cfg.node.rpcUrl}: ${(e as Error).message}`);
    }
    if (cfg.node.chainId && cfg.node.chainId !== chainId) fail("ATTESTOR_WRONG_CHAIN", `the config says chain "${cfg.node.chainId}" but the node at ${cfg.node.rpcUrl} runs "${chainId}"`, { expected: cfg.node.chainId, got: chainId });
    let provider = deps.provider;
    if (!provider) {
      const plugin = (deps.providers ?? bundledAttestorProviders()).find((p) => p.id === cfg.provider.id);
      if (!plugin) fail("ATTESTOR_CONFIG_INVALID", `provider "${cfg.provider.id}" is not known (known: ${(deps.providers ?? bundledAttestorProviders()).map((p) => p.id).join(", ")})`);
      const host: AttestorProviderHost = { chainId, logger: log, now: deps.now };
      provider = await plugin.create({ id: plugin.id, options: cfg.provider.options as Record<string, never>, host, dependency: () => fail("ATTESTOR_CONFIG_INVALID", "attestor providers have no dependencies") });
    }
    if (provider.id === "console") log.warn("provider \"console\": codes are printed to this log, no SMS is sent; for development only");
    const journal = Journal.open(paths.journal);
    if (journal.skipped) log.warn({ skipped: journal.skipped }, "the journal had unreadable lines (a write torn by a crash); they were skipped");
    const svc = new AttestorService(cfg, chainId, signer, salt, provider, journal, client, deps, log);
    await svc.recover();
    await svc.listen();
    if (!deps.noRetryTimer) {
      svc.retryTimer = setInterval(() => void svc.recover().catch((e: unknown) => log.warn({ err: e }, "retry of pending registrations failed")), cfg.node.retryIntervalMs);
      svc.retryTimer.unref();
    }
    log.info({ url: svc.url, chainId, attestor: svc.address, provider: provider.id, pending: journal.pending().length }, "attestor listening");
    return svc;
  }

  async close(): Promise<void> {
    if (this.retryTimer) clearInterval(this.retryTimer);
    await this.http?.close();
    await this.queue.catch(() => undefined);
    await this.provider.close?.();
    this.journal.close();
  }

  // ---- verification -------------------------------------------------------------------

  private sweep(t: number): void {
    for (const [id, s] of this.sessions) {
      if (t >= s.expiresAt + 3_600_000 || (s.status !== "pending" && t >= s.expiresAt)) {
        this.sessions.delete(id);
        if (this.pendingByPhone.get(s.phoneHash) === id) this.pendingByPhone.delete(s.phoneHash);
      }
    }
  }

  async startVerification(phone: string, citizen: string, clientIp: string): Promise<{ id: string; status: "pending"; expiresAt: number; resendAfter: number }> {
    if (!E164.test(phone)) fail("ATTESTOR_INVALID_PHONE", "phone must be an E.164 number: + then the country code and number, 8 to 15 digits, no spaces (e.g. +14155550100)");
    checkCitizen(citizen);
    const t = this.now();
    this.sweep(t);
    const ph = phoneHash(this.salt, phone);
    const cur = this.pendingByPhone.get(ph);
    const curS = cur ? this.sessions.get(cur) : undefined;
    if (curS && curS.status === "pending" && t < curS.expiresAt) {
      const wait = curS.lastSentAt + this.cfg.verification.resendSeconds * 1000 - t;
      if (wait > 0) fail("ATTESTOR_RESEND_TOO_SOON", `a code was sent to this number less than ${this.cfg.verification.resendSeconds} s ago; wait ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const clientWait = this.perClient.retryAfter(clientIp);
    if (clientWait) fail("ATTESTOR_RATE_LIMITED", `too many verifications from this client: at most ${this.cfg.rateLimits.perClientPerHour} per hour; try again in ${clientWait} s`, { retryAfterSeconds: clientWait, limit: "per-client" });
    const phoneWait = this.perPhone.retryAfter(ph);
    if (phoneWait) fail("ATTESTOR_RATE_LIMITED", `too many codes sent to this number: at most ${this.cfg.rateLimits.perPhonePerHour} per hour; try again in ${phoneWait} s`, { retryAfterSeconds: phoneWait, limit: "per-phone" });
    if (this.sessions.size >= this.cfg.verification.maxPending) fail("ATTESTOR_BUSY", "the attestor holds too many pending verifications; try again later");
    this.perClient.hit(clientIp);
    this.perPhone.hit(ph);
    const { providerRef } = await this.providerCall(() => this.provider.start(phone));
    if (curS) curS.status = "expired"; // replaced by this one
    const id = randomBytes(16).toString("hex");
    const s: Session = { id, phone, phoneHash: ph, citizen, providerRef, createdAt: t, expiresAt: t + this.cfg.verification.ttlSeconds * 1000, lastSentAt: t, attempts: 0, status: "pending" };
    this.sessions.set(id, s);
    this.pendingByPhone.set(ph, id);
    this.log.info({ verification: id, masked: maskPhone(phone), phoneHash: ph, citizen, provider: this.provider.id }, "verification started");
    return { id, status: "pending", expiresAt: Math.floor(s.expiresAt / 1000), resendAfter: Math.floor((t + this.cfg.verification.resendSeconds * 1000) / 1000) };
  }

  private session(id: string): Session {
    const s = /^[0-9a-f]{32}$/.test(id) ? this.sessions.get(id) : undefined;
    if (!s) fail("ATTESTOR_UNKNOWN_VERIFICATION", `no verification with id "${id.slice(0, 64)}" (ids are 32 hex characters; a verification is forgotten after it expires or when the attestor restarts)`);
    return s;
  }

  async resend(id: string, clientIp: string): Promise<{ id: string; status: "pending"; expiresAt: number; resendAfter: number }> {
    const s = this.session(id);
    const t = this.now();
    this.checkUsable(s, t);
    const wait = s.lastSentAt + this.cfg.verification.resendSeconds * 1000 - t;
    if (wait > 0) fail("ATTESTOR_RESEND_TOO_SOON", `one resend per ${this.cfg.verification.resendSeconds} s; wait ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    const phoneWait = this.perPhone.retryAfter(s.phoneHash);
    if (phoneWait) fail("ATTESTOR_RATE_LIMITED", `too many codes sent to this number: at most ${this.cfg.rateLimits.perPhonePerHour} per hour; try again in ${phoneWait} s`, { retryAfterSeconds: phoneWait, limit: "per-phone" });
    this.perPhone.hit(s.phoneHash);
    void clientIp;
    const { providerRef } = await this.providerCall(() => this.provider.start(s.phone));
    s.providerRef = providerRef;
    s.lastSentAt = t;
    s.expiresAt = t + this.cfg.verification.ttlSeconds * 1000;
    this.log.info({ verification: id, phoneHash: s.phoneHash }, "verification code resent");
    return { id, status: "pending", expiresAt: Math.floor(s.expiresAt / 1000), resendAfter: Math.floor((t + this.cfg.verification.resendSeconds * 1000) / 1000) };
  }

  private checkUsable(s: Session, t: number): void {
    if (s.status === "approved") {
      const r = this.journal.get(s.id);
      fail("ATTESTOR_VERIFICATION_USED", "this verification has already produced an attestation; start a new one to attest again", { txHash: r?.txHash });
    }
    if (s.status === "locked") fail("ATTESTOR_TOO_MANY_ATTEMPTS", `${this.cfg.verification.maxAttempts} wrong codes: this verification is locked; start a new one`);
    if (s.status === "expired" || t >= s.expiresAt) {
      s.status = "expired";
      fail("ATTESTOR_VERIFICATION_EXPIRED", `the code expired (codes live ${this.cfg.verification.ttlSeconds / 60} minutes); start a new verification`);
    }
  }

  status(id: string): Record<string, unknown> {
    const s = this.session(id);
    if (s.status === "pending" && this.now() >= s.expiresAt) s.status = "expired";
    const r = this.journal.get(id);
    return { id, status: s.status, citizen: s.citizen, expiresAt: Math.floor(s.expiresAt / 1000), attemptsLeft: Math.max(0, this.cfg.verification.maxAttempts - s.attempts), ...(r ? { submission: r.state, txHash: r.txHash } : {}) };
  }

  /** Check a code; on approval attest, journal, and (unless submit is false) register on chain. */
  async check(id: string, code: string, submit: boolean): Promise<{ httpStatus: number; body: Record<string, unknown> }> {
    const s = this.session(id);
    if (!/^[0-9]{4,10}$/.test(code)) fail("ATTESTOR_BAD_REQUEST", "code must be the 4 to 10 digits received by SMS");
    const t = this.now();
    this.checkUsable(s, t);
    if (s.attempts >= this.cfg.verification.maxAttempts) {
      s.status = "locked";
      fail("ATTESTOR_TOO_MANY_ATTEMPTS", `${this.cfg.verification.maxAttempts} wrong codes: this verification is locked; start a new one`);
    }
    if (s.busy) fail("ATTESTOR_BAD_REQUEST", "a check of this verification is already in progress; wait for its answer");
    s.attempts++;
    s.busy = true;
    let outcome;
    try {
      outcome = await this.providerCall(() => this.provider.check(s.providerRef, s.phone, code));
    } finally {
      s.busy = false;
    }
    if (s.status !== "pending") this.checkUsable(s, t);
    if (outcome === "expired") {
      s.status = "expired";
      fail("ATTESTOR_VERIFICATION_EXPIRED", "the code expired; start a new verification");
    }
    if (outcome === "too-many-attempts") {
      s.status = "locked";
      fail("ATTESTOR_TOO_MANY_ATTEMPTS", "too many wrong codes: this verification is locked; start a new one");
    }
    if (outcome === "pending") {
      const left = this.cfg.verification.maxAttempts - s.attempts;
      if (left <= 0) s.status = "locked";
      fail("ATTESTOR_CODE_INCORRECT", left > 0 ? `wrong code; ${left} attempt${left === 1 ? "" : "s"} left` : "wrong code; no attempts left: start a new verification", { attemptsLeft: left });
    }
    // approved
    s.status = "approved";
    if (this.pendingByPhone.get(s.phoneHash) === id) this.pendingByPhone.delete(s.phoneHash);
    const attestation: Attestation = { chainId: this.chainId, citizen: s.citizen, phoneHash: s.phoneHash, expiresAt: Math.floor(t / 1000) + this.cfg.attestationValidityDays * 86_400, attestor: this.address };
    const signature = signAttestation(attestation, this.signer.secretKey);
    const entry: AttestedEntry = { t: "attested", id, at: t, attestation, attestorPubKey: this.pubKeyHex, signature, submit };
    this.journal.append(entry); // durable before anything reaches the node
    this.log.info({ verification: id, phoneHash: s.phoneHash, citizen: s.citizen, submit }, "phone verified; attestation signed and journaled");
    const base = { status: "approved", attestation, signature, attestorPubKey: this.pubKeyHex };
    if (!submit) return { httpStatus: 200, body: { ...base, submitted: false, msg: registerCitizenMsg(attestation, this.pubKeyHex, signature) } };
    this.deps.hooks?.afterJournal?.(id);
    const out = await this.submit(id);
    if (out.kind === "done") return { httpStatus: 200, body: { ...base, submitted: true, txHash: out.txHash, result: out.result, ...(out.receipt ? { height: out.receipt.height } : {}) } };
    if (out.kind === "retrying") return { httpStatus: 202, body: { ...base, submitted: false, submission: "pending", txHash: out.txHash, message: `approved and journaled; the node did not confirm the registration yet (${out.message}); the attestor keeps retrying` } };
    if (out.code === "BHLS_PHONE_HASH_IN_USE") fail("ATTESTOR_PHONE_IN_USE", "this phone number already registers another address on chain; one phone, one citizen", { chainCode: out.code });
    fail("ATTESTOR_SUBMIT_REFUSED", `the chain refused the registration: ${out.code}: ${out.message}`, { chainCode: out.code, txHash: out.txHash });
  }

  private async providerCall<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ProviderError) {
        const retry = (e.context as { retryAfterSeconds?: number }).retryAfterSeconds;
        switch (e.code) {
          case "PROVIDER_INVALID_PHONE":
            fail("ATTESTOR_INVALID_PHONE", `the SMS provider refuses this number: ${e.message}`);
          case "PROVIDER_TOO_MANY_SENDS":
          case "PROVIDER_CONCURRENT":
            fail("ATTESTOR_RESEND_TOO_SOON", `the SMS provider refuses another send to this number now: ${e.message}`, { retryAfterSeconds: retry ?? 60 });
          case "PROVIDER_TOO_MANY_ATTEMPTS":
            fail("ATTESTOR_TOO_MANY_ATTEMPTS", "too many wrong codes: this verification is locked; start a new one");
          case "PROVIDER_NOT_FOUND":
            fail("ATTESTOR_VERIFICATION_EXPIRED", "the provider no longer knows this verification (expired or already used); start a new one");
          default:
            this.log.error({ err: e.toJSON() }, "SMS provider failure");
            fail("ATTESTOR_PROVIDER_FAILED", `the SMS provider failed: ${e.code}`, { providerCode: e.code });
        }
      }
      throw e;
    }
  }

  // ---- submission ---------------------------------------------------------------------

  /** Submit journal entry `id` (serialized: one transaction of the attestor's key at a time, so nonces follow). */
  submit(id: string): Promise<SubmitOutcome> {
    const run = this.queue.then(() => this.submitNow(id));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resubmit every journaled registration that is neither done nor failed (the crash rule). */
  async recover(): Promise<SubmitOutcome[]> {
    const out: SubmitOutcome[] = [];
    for (const r of this.journal.pending()) {
      const o = await this.submit(r.attested.id);
      this.log.info({ verification: r.attested.id, outcome: o.kind, ...(o.kind === "refused" ? { code: o.code } : {}) }, "journaled registration resubmitted");
      out.push(o);
    }
    return out;
  }

  private markFailed(id: string, code: string, message: string, txHash?: string): SubmitOutcome {
    this.journal.append({ t: "failed", id, code, message });
    this.log.warn({ verification: id, code, txHash }, "the chain refused the registration");
    return { kind: "refused", code, message, txHash };
  }

  private markDone(id: string, txHash: string, result: "registered" | "already-registered", receipt?: ReceiptView): SubmitOutcome {
    this.journal.append({ t: "done", id, txHash, result });
    this.log.info({ verification: id, txHash, result }, "citizen registration on chain");
    return { kind: "done", txHash, result, receipt };
  }

  private fromReceipt(id: string, r: ReceiptView): SubmitOutcome {
    if (r.code === 0) return this.markDone(id, r.txHash, "registered", r);
    if (r.codeName === "BHLS_ALREADY_REGISTERED") return this.markDone(id, r.txHash, "already-registered", r);
    return this.markFailed(id, r.codeName, r.log || `transaction failed with ${r.codeName}`, r.txHash);
  }

  private async submitNow(id: string): Promise<SubmitOutcome> {
    const rec: JournalRecord | undefined = this.journal.get(id);
    if (!rec) fail("ATTESTOR_JOURNAL", `no journal entry ${id}`);
    if (rec.state === "done") return { kind: "done", txHash: rec.txHash!, result: rec.result as "registered" };
    if (rec.state === "failed") return { kind: "refused", code: rec.failure!.code, message: rec.failure!.message, txHash: rec.txHash };
    const a = rec.attested;
    if (a.attestation.chainId !== this.chainId) return this.markFailed(id, "ATTESTOR_WRONG_CHAIN", `attestation is for chain "${a.attestation.chainId}", the node runs "${this.chainId}"`);
    if (a.attestation.attestor !== this.address) return this.markFailed(id, "ATTESTOR_KEY", `attestation was signed by ${a.attestation.attestor}, this attestor is ${this.address}`);
    try {
      // A transaction sent before a crash: find out what became of it before sending another.
      if (rec.txHash) {
        const st = await this.client.getTx(rec.txHash);
        if (st.status === "committed") {
          const o = this.fromReceipt(id, st.receipt);
          if (o.kind !== "refused" || !isStaleNonce(o.code)) return o;
        } else if (st.status === "pending") {
          return this.fromReceipt(id, await this.client.waitForTx(rec.txHash, { timeoutMs: this.cfg.node.receiptTimeoutMs }));
        }
      }
      const account = await this.client.getAccount(this.address);
      const tx = buildTx({ chainId: this.chainId, signer: this.signer, nonce: BigInt(account.nonce), msgs: [registerCitizenMsg(a.attestation, a.attestorPubKey, a.signature)], band: Band.PICO, memo: "" });
      this.journal.append({ t: "sending", id, txHash: tx.hashHex });
      hook(() => this.deps.hooks?.beforeSend?.(id));
      try {
        await this.client.sendTx(tx.bytes);
      } catch (e) {
        if (e instanceof RpcClientError) {
          if (e.codeName === "BHLS_ALREADY_REGISTERED") return this.markDone(id, tx.hashHex, "already-registered");
          if (PERMANENT.has(e.codeName)) return this.markFailed(id, e.codeName, e.message, tx.hashHex);
          if (e.codeName !== "TX_DUPLICATE") throw e;
        } else throw e;
      }
      hook(() => this.deps.hooks?.afterSend?.(id));
      return this.fromReceipt(id, await this.client.waitForTx(tx.hashHex, { timeoutMs: this.cfg.node.receiptTimeoutMs }));
    } catch (e) {
      if (e instanceof AttestorError) throw e;
      if (e instanceof SimulatedCrash) throw e.cause;
      const msg = e instanceof RpcClientError ? `${e.codeName}: ${e.message}` : (e as Error).message;
      this.log.warn({ verification: id, err: msg }, "registration not confirmed yet; will retry");
      return { kind: "retrying", message: msg, txHash: this.journal.get(id)?.txHash };
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const app = Fastify({ loggerInstance: this.log, logController: new LogController({ disableRequestLogging: true }), bodyLimit: this.cfg.maxBodyBytes, trustProxy: this.cfg.trustProxy, return503OnClosing: true });
    app.setErrorHandler((err: Error & { code?: string; statusCode?: number; validation?: unknown }, _req, reply) => this.replyError(reply, err));
    app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: { code: "ATTESTOR_NO_ROUTE", message: `no endpoint ${req.method} ${req.url.split("?")[0]}; see docs/attestor.md` } }));
    const body = (req: FastifyRequest): Record<string, unknown> => {
      const b = req.body;
      if (!b || typeof b !== "object" || Array.isArray(b)) fail("ATTESTOR_BAD_REQUEST", "the body must be a JSON object");
      return b as Record<string, unknown>;
    };
    const only = (b: Record<string, unknown>, allowed: string[]): void => {
      for (const k of Object.keys(b)) if (!allowed.includes(k)) fail("ATTESTOR_BAD_REQUEST", `unknown field "${k.slice(0, 40)}" (allowed: ${allowed.join(", ")})`);
    };
    app.post("/v1/verifications", async (req, reply) => {
      const b = body(req);
      only(b, ["phone", "address"]);
      if (typeof b.phone !== "string") fail("ATTESTOR_INVALID_PHONE", 'field "phone" is required: an E.164 number such as +14155550100');
      if (typeof b.address !== "string") fail("ATTESTOR_INVALID_ADDRESS", 'field "address" is required: the nxs1… address that becomes a citizen');
      return reply.code(201).send(await this.startVerification(b.phone, b.address, req.ip));
    });
    app.post<{ Params: { id: string } }>("/v1/verifications/:id/check", async (req, reply) => {
      const b = body(req);
      only(b, ["code", "submit"]);
      if (typeof b.code !== "string") fail("ATTESTOR_BAD_REQUEST", 'field "code" is required: the digits received by SMS, as a string');
      if (b.submit !== undefined && typeof b.submit !== "boolean") fail("ATTESTOR_BAD_REQUEST", 'field "submit" must be true or false');
      const r = await this.check(req.params.id, b.code, b.submit !== false);
      return reply.code(r.httpStatus).send(r.body);
    });
    app.post<{ Params: { id: string } }>("/v1/verifications/:id/resend", async (req, reply) => {
      if (req.body !== undefined && req.body !== null) only(body(req), []);
      return reply.code(200).send(await this.resend(req.params.id, req.ip));
    });
    app.get<{ Params: { id: string } }>("/v1/verifications/:id", async (req) => this.status(req.params.id));
    app.get("/v1/status", async () => ({ chainId: this.chainId, attestor: this.address, attestorPubKey: this.pubKeyHex, provider: this.provider.id, pendingSubmissions: this.journal.pending().length }));
    await app.listen({ host: this.cfg.listen.host, port: this.cfg.listen.port });
    const addr = app.server.address();
    const port = addr && typeof addr === "object" ? addr.port : this.cfg.listen.port;
    this.url = `http://${this.cfg.listen.host.includes(":") ? `[${this.cfg.listen.host}]` : this.cfg.listen.host}:${port}`;
    this.http = app;
  }

  private replyError(reply: FastifyReply, err: Error & { code?: string; statusCode?: number }): FastifyReply {
    let code: AttestorErrorCode;
    let message = err.message;
    let context: Record<string, unknown> = {};
    if (err instanceof AttestorError) {
      code = err.code;
      context = { ...err.context };
    } else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      code = "ATTESTOR_BODY_TOO_LARGE";
      message = `the request body is larger than ${this.cfg.maxBodyBytes} bytes`;
    } else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      code = "ATTESTOR_UNSUPPORTED_MEDIA_TYPE";
      message = "send the body as JSON with Content-Type: application/json";
    } else if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError || (err.statusCode === 400 && String(err.code ?? "").startsWith("FST_ERR_CTP"))) {
      code = "ATTESTOR_BAD_JSON";
      message = "the body is not valid JSON";
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      code = "ATTESTOR_BAD_REQUEST";
    } else {
      code = "ATTESTOR_INTERNAL";
      this.log.error({ err }, "internal error");
      message = "internal error (logged by the attestor)";
    }
    const status = HTTP_STATUS[code] ?? 500;
    const retry = context.retryAfterSeconds;
    if (typeof retry === "number") void reply.header("retry-after", String(retry));
    return reply.code(status).send({ error: { code, message, ...context } });
  }
}

/** An error thrown by a test hook: it must escape like a crash, not be taken for a node outage. */
class SimulatedCrash extends Error {}
function hook(f: () => void): void {
  try {
    f();
  } catch (e) {
    throw new SimulatedCrash("hook", { cause: e });
  }
}

function checkCitizen(a: string): void {
  if (a.length > 200) fail("ATTESTOR_INVALID_ADDRESS", "address is too long to be a NexusOS address");
  if (a !== a.toLowerCase()) fail("ATTESTOR_INVALID_ADDRESS", "address must be lowercase (nxs1…)");
  try {
    decodeAddress(a);
  } catch (e) {
    fail("ATTESTOR_INVALID_ADDRESS", `address is not a NexusOS address: ${(e as Error).message}`);
  }
}

/** A failed receipt of a tx sent before a crash that lost to a nonce race: send a fresh one. */
function isStaleNonce(code: string): boolean {
  return code === "TX_NONCE_REPLAYED" || code === "TX_NONCE_GAP";
}
