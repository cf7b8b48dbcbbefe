import { join } from "node:path";
import { createLogger } from "../../runtime/node/logger.ts";
import type { Logger } from "pino";
import { bundledArbiterDeciders, type ArbiterDecider, type ArbiterDeciderPlugin, type ArbitrationCase, type DeciderRuling } from "../../plugins/arbiters/index.ts";
import { Keyring } from "../../runtime/crypto/keystore.ts";
import { getPassphrase } from "../../runtime/cli/util.ts";
import { loadPlugins, type LoadedPlugins } from "../../runtime/plugins/loader.ts";
import type { JsonObject } from "../../runtime/plugins/plugin.ts";
import { NexusClient, NexusWsClient, RpcClientError, type Subscription } from "../../runtime/rpc/client.ts";
import { buildTx } from "../../runtime/rpc/tx-builder.ts";
import type { Band } from "../../runtime/tx/bands.ts";
import { signerAddress, type Signer } from "../../runtime/tx/sign.ts";
import type { ReceiptView } from "../../runtime/node/node-api.ts";
import { ArbitrationChain, submitRulingMsg, type ArbiterRpc, type ArbiterWs, type AssignedEvent } from "./chain.ts";
import { arbiterPaths, wsUrlOf, type ArbiterConfig } from "./config.ts";
import { ArbiterError } from "./errors.ts";
import { gatherEvidence } from "./evidence.ts";
import { Journal, caseKey, type JournalRecord } from "./journal.ts";

export function createArbiterLogger(cfg: Pick<ArbiterConfig, "logLevel" | "logFormat">, destination?: NodeJS.WritableStream): Logger {
  const redact = { paths: ["apiKey", "*.apiKey", "authorization", "*.authorization"], censor: "[redacted]" };
  return createLogger({ level: cfg.logLevel, format: cfg.logFormat, name: "arbiter", redact, destination });
}

/** Points a test can fail at, to simulate a crash. A hook that throws stops that case's processing like a crash would. */
export interface ArbiterHooks {
  /** After the ruling is journaled, before anything is sent. */
  afterDecide?(key: string): void;
  /** After the transaction is journaled as "sending", before nexus_sendTx. */
  beforeSend?(key: string): void;
  /** After nexus_sendTx accepted it, before its receipt. */
  afterSend?(key: string): void;
}

export interface ArbiterDeps {
  /** The arbiter's key; default: cfg.keyName from the home's keyring, unlocked as the CLI does. */
  signer?: Signer;
  /** Default: a NexusClient on cfg.node.rpcUrl. */
  rpc?: ArbiterRpc;
  /** Default: NexusWsClient.connect(wsUrlOf(cfg)). */
  connectWs?: () => Promise<ArbiterWs>;
  /** Default: the bundled rules and llm plugins. */
  deciders?: ArbiterDeciderPlugin[];
  /** A decider instance to use instead of creating cfg.decider.id. */
  decider?: ArbiterDecider;
  logger?: Logger;
  /** Clock, ms (deadlines). */
  now?: () => number;
  hooks?: ArbiterHooks;
  /** No poll timer (tests drive poll() themselves). */
  noTimers?: boolean;
  /** Tests: the fetch used for evidence. */
  fetch?: typeof fetch;
}

/** What processing one (case, round) came to. */
export type CaseOutcome =
  | { kind: "submitted"; txHash: string; ruling: DeciderRuling; receipt?: ReceiptView }
  | { kind: "already-recorded"; txHash?: string }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; code: string; message: string; txHash?: string }
  | { kind: "retrying"; message: string };

/** The arbiter key from the keyring, unlocked with passphraseFile / NEXUS_PASSPHRASE / (dev) the dev passphrase. */
export async function loadArbiterKey(cfg: ArbiterConfig): Promise<Signer> {
  const { home } = arbiterPaths(cfg);
  const kr = new Keyring(join(home, "keys"));
  let info;
  try {
    info = kr.show(cfg.keyName);
  } catch (e) {
    throw new ArbiterError("ARBITER_KEY", `arbiter key "${cfg.keyName}" not found in ${home}/keys (${(e as Error).message}); create it with \`nexus keys add ${cfg.keyName}\`, or set keyName/home`);
  }
  try {
    const pass = await getPassphrase({ passphraseFile: cfg.passphraseFile || undefined, dev: cfg.dev }, { keyName: cfg.keyName, keyIsDev: info.dev });
    return kr.loadSigner(cfg.keyName, pass);
  } catch (e) {
    throw new ArbiterError("ARBITER_KEY", `cannot unlock arbiter key "${cfg.keyName}": ${(e as Error).message}`);
  }
}

class SimulatedCrash extends Error {}
function hook(f: () => void): void {
  try {
    f();
  } catch (e) {
    throw new SimulatedCrash("hook", { cause: e });
  }
}

const STALE_NONCE = new Set(["TX_NONCE_REPLAYED", "TX_NONCE_GAP"]);

export class ArbiterService {
  readonly log: Logger;
  readonly journal: Journal;
  readonly address: string;
  readonly chain: ArbitrationChain;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly queued = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ws: ArbiterWs | undefined;
  private sub: Subscription | undefined;
  private closing = false;

  private constructor(
    readonly cfg: ArbiterConfig,
    readonly chainId: string,
    private readonly signer: Signer,
    readonly decider: ArbiterDecider,
    private readonly plugins: LoadedPlugins | undefined,
    journal: Journal,
    private readonly rpc: ArbiterRpc,
    private readonly deps: ArbiterDeps,
    log: Logger,
  ) {
    this.log = log;
    this.journal = journal;
    this.now = deps.now ?? Date.now;
    this.address = signerAddress(signer);
    this.chain = new ArbitrationChain(rpc);
  }

  /**
   * Start: key, journal, chain id check, decider, then the backlog (arbitration/assigned), the
   * rulings journaled but not yet on chain, and the subscription to arbitration.assigned.
   */
  static async start(cfg: ArbiterConfig, deps: ArbiterDeps = {}): Promise<ArbiterService> {
    const log = deps.logger ?? createArbiterLogger(cfg);
    const signer = deps.signer ?? (await loadArbiterKey(cfg));
    const rpc = deps.rpc ?? new NexusClient(cfg.node.rpcUrl, { timeoutMs: Math.min(cfg.node.receiptTimeoutMs, 30_000) });
    let chainId: string;
    try {
      chainId = (await rpc.status()).chainId;
    } catch (e) {
      throw new ArbiterError("ARBITER_NODE_UNREACHABLE", `cannot reach the node at ${cfg.node.rpcUrl}: ${(e as Error).message}; start one or set node.rpcUrl (--node)`);
    }
    if (cfg.node.chainId && cfg.node.chainId !== chainId) throw new ArbiterError("ARBITER_WRONG_CHAIN", `the config says chain "${cfg.node.chainId}" but the node at ${cfg.node.rpcUrl} runs "${chainId}"`, { expected: cfg.node.chainId, got: chainId });
    let decider = deps.decider;
    let plugins: LoadedPlugins | undefined;
    if (!decider) {
      const available = deps.deciders ?? bundledArbiterDeciders();
      try {
        plugins = await loadPlugins(available, { plugins: [cfg.decider.id], options: { [cfg.decider.id]: cfg.decider.options as JsonObject } }, { chainId, logger: log });
      } catch (e) {
        const inner = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
        throw new ArbiterError("ARBITER_DECIDER", `decider "${cfg.decider.id}" cannot start: ${inner} (known deciders: ${available.map((p) => p.id).join(", ")}; docs/arbiter.md lists their options)`);
      }
      decider = plugins.get<ArbiterDecider>(cfg.decider.id)!;
    }
    const journal = Journal.open(arbiterPaths(cfg).journal);
    if (journal.skippedLines) log.warn({ skipped: journal.skippedLines }, "the journal had unreadable lines (a write torn by a crash); they were skipped");
    const svc = new ArbiterService(cfg, chainId, signer, decider, plugins, journal, rpc, deps, log);
    const registered = await svc.chain.arbiters();
    if (registered === undefined) log.warn("the node answers no arbitration/arbiters query: does its chain have the arbitration module?");
    else if (!registered.includes(svc.address)) log.warn({ arbiter: svc.address }, "this key is not a registered arbiter (yet): governance registers arbiters with /arbitration.v1.MsgRegisterArbiter");
    try {
      await svc.poll(); // subscribes, then reads the backlog and resumes journaled rulings
    } catch (e) {
      await svc.close().catch(() => undefined);
      throw e;
    }
    if (!deps.noTimers) {
      svc.timer = setInterval(() => void svc.poll().catch((e: unknown) => log.warn({ err: (e as Error).message }, "poll failed")), cfg.node.pollIntervalMs);
      svc.timer.unref();
    }
    log.info({ chainId, arbiter: svc.address, decider: decider.id, ws: svc.ws ? wsUrlOf(cfg) : "(not connected)", pendingRulings: journal.pending().length }, "arbiter agent started");
    return svc;
  }

  /** Stop: no new work, abort deciders and fetches in flight, wait for the queue, close everything. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error("the arbiter is shutting down"));
    await this.queue.catch(() => undefined);
    await this.sub?.unsubscribe().catch(() => undefined);
    await this.ws?.close().catch(() => undefined);
    if (this.plugins) await this.plugins.stop().catch(() => undefined);
    else await this.decider.close?.().catch(() => undefined);
    this.journal.close();
  }

  /** Subscribe to arbitration.assigned for this arbiter (a fresh socket). */
  private async connect(): Promise<void> {
    if (this.closing) return;
    const ws = await (this.deps.connectWs ?? (() => NexusWsClient.connect(wsUrlOf(this.cfg))))();
    const sub = await ArbitrationChain.subscribeAssigned(ws, this.address, (e) => this.onAssigned(e));
    this.ws = ws;
    this.sub = sub;
    this.log.debug("subscribed to arbitration.assigned");
  }

  /** The WebSocket answers within a few seconds, else it is replaced and the backlog re-read. */
  private async checkWs(): Promise<void> {
    if (this.ws) {
      const alive = await Promise.race([this.ws.call("nexus_status").then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000).unref())]);
      if (alive) return;
      this.log.warn("the WebSocket stopped answering; reconnecting");
      const old = this.ws;
      this.ws = undefined;
      this.sub = undefined;
      await old.close().catch(() => undefined);
    }
    await this.connect().catch((e: unknown) => this.log.warn({ err: (e as Error).message }, "cannot reconnect the WebSocket; polling the backlog meanwhile"));
  }

  private onAssigned(e: AssignedEvent): void {
    this.log.info({ caseId: e.caseId, round: e.round, deadlineMs: e.deadlineMs }, "assigned to a case");
    void this.enqueue(e.caseId, e.round);
  }

  /**
   * One pass of the background work: WebSocket health, the journaled rulings not yet on chain,
   * then the backlog the chain reports (which covers any event missed while disconnected).
   */
  async poll(): Promise<CaseOutcome[]> {
    if (this.closing) return [];
    await this.checkWs();
    const jobs: Promise<CaseOutcome>[] = this.journal.pending().map((r) => this.enqueue(r.caseId, r.round));
    let backlog: ArbitrationCase[] = [];
    try {
      backlog = await this.chain.assigned(this.address);
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, "cannot read the backlog (arbitration/assigned)");
    }
    for (const c of backlog) jobs.push(this.enqueue(c.id, c.round));
    return Promise.all(jobs);
  }

  /** Process (caseId, round) after what is queued; a key already queued is not queued twice. */
  enqueue(caseId: number, round: number): Promise<CaseOutcome> {
    const key = caseKey(caseId, round);
    if (this.queued.has(key)) return Promise.resolve({ kind: "retrying", message: "already queued" });
    this.queued.add(key);
    const run = this.queue.then(async () => {
      this.queued.delete(key);
      if (this.closing) return { kind: "retrying", message: "shutting down" } as CaseOutcome;
      return this.process(caseId, round);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private terminal(r: JournalRecord): CaseOutcome | undefined {
    if (r.state === "done") return { kind: "already-recorded", txHash: r.txHash };
    if (r.state === "failed") return { kind: "failed", code: r.failure!.code, message: r.failure!.message, txHash: r.txHash };
    if (r.state === "skipped") return { kind: "skipped", reason: r.reason ?? "" };
    return undefined;
  }

  private skip(caseId: number, round: number, reason: string, extra: Record<string, unknown> = {}): CaseOutcome {
    this.journal.append({ t: "skipped", key: caseKey(caseId, round), caseId, round, reason });
    this.log.info({ caseId, round, reason, ...extra }, "case skipped");
    return { kind: "skipped", reason };
  }

  private done(key: string, result: "submitted" | "already-recorded", txHash?: string): void {
    this.journal.append({ t: "done", key, result, ...(txHash ? { txHash } : {}) });
  }

  /** The whole of one case round: check it on chain, decide (once), journal, submit (once). */
  private async process(caseId: number, round: number): Promise<CaseOutcome> {
    const key = caseKey(caseId, round);
    const rec = this.journal.get(key);
    const fin = rec && this.terminal(rec);
    if (fin) return fin;
    try {
      const c = await this.chain.getCase(caseId);
      if (!c) return this.skip(caseId, round, "unknown-case");
      if (c.round === round && ArbitrationChain.hasRuled(c, this.address)) {
        this.done(key, "already-recorded", rec?.txHash);
        this.log.info({ caseId, round }, "our ruling is already on chain");
        return { kind: "already-recorded", txHash: rec?.txHash };
      }
      if (c.round !== round || c.status !== "open") return this.skip(caseId, round, "round-closed", { status: c.status, currentRound: c.round });
      if (!(c.panel ?? []).includes(this.address)) return this.skip(caseId, round, "not-on-panel");
      const left = c.rulingDeadlineMs - this.now();
      if (left < this.cfg.minTimeLeftMs) return this.skip(caseId, round, "deadline-passed", { deadlineMs: c.rulingDeadlineMs, leftMs: left });
      const ruling = rec?.ruling ?? (await this.decide(c, key));
      if (!ruling) return { kind: "retrying", message: "no ruling yet" };
      return await this.submit(c, key, ruling);
    } catch (e) {
      if (e instanceof SimulatedCrash) throw e.cause;
      if (e instanceof ArbiterError && e.code === "ARBITER_JOURNAL") throw e;
      const msg = e instanceof RpcClientError ? `${e.codeName}: ${e.message}` : (e as Error).message;
      if (!this.closing) this.log.warn({ caseId, round, err: msg }, "case not finished; will retry at the next poll");
      return { kind: "retrying", message: msg };
    }
  }

  private async decide(c: ArbitrationCase, key: string): Promise<DeciderRuling | undefined> {
    const ev = await gatherEvidence(c, { ...this.cfg.evidence, signal: this.abort.signal, fetch: this.deps.fetch });
    for (const i of ev.ignored) this.log.warn({ caseId: c.id, round: c.round, evidence: i.index, uri: i.item.uri, reason: i.reason, detail: i.detail }, "evidence document ignored");
    const ruling = await this.decider.decide({ case: c, documents: ev.documents, ignored: ev.ignored }, { signal: this.abort.signal });
    this.journal.append({
      t: "decided",
      key,
      caseId: c.id,
      round: c.round,
      at: this.now(),
      ruling,
      evidence: [...ev.documents.map((d) => ({ index: d.index, hash: d.item.hash, status: "used" })), ...ev.ignored.map((i) => ({ index: i.index, hash: i.item.hash, status: i.reason }))].sort((a, b) => a.index - b.index),
    });
    this.log.info(
      { caseId: c.id, round: c.round, decision: ruling.decision, confidence: ruling.confidence, decider: ruling.decider, ...(ruling.fallbackFrom ? { fallbackFrom: ruling.fallbackFrom, fallbackReason: ruling.fallbackReason } : {}), rationaleHash: ruling.rationaleHash, documents: ev.documents.length, ignored: ev.ignored.length },
      `ruling decided by the ${ruling.decider} decider${ruling.fallbackFrom ? ` (fallback from ${ruling.fallbackFrom})` : ""}`,
    );
    hook(() => this.deps.hooks?.afterDecide?.(key));
    return ruling;
  }

  private async fromReceipt(c: ArbitrationCase, key: string, r: ReceiptView, ruling: DeciderRuling): Promise<CaseOutcome> {
    if (r.code === 0) {
      this.done(key, "submitted", r.txHash);
      this.log.info({ caseId: c.id, round: c.round, txHash: r.txHash, height: r.height, decision: ruling.decision, confidence: ruling.confidence, decider: ruling.decider }, "ruling submitted");
      return { kind: "submitted", txHash: r.txHash, ruling, receipt: r };
    }
    // Refused: perhaps because our ruling is there already (a transaction sent before a crash).
    const now = await this.chain.getCase(c.id);
    if (now && now.round === c.round && ArbitrationChain.hasRuled(now, this.address)) {
      this.done(key, "already-recorded", r.txHash);
      return { kind: "already-recorded", txHash: r.txHash };
    }
    if (STALE_NONCE.has(r.codeName)) return { kind: "retrying", message: `${r.codeName}: a nonce race; resending at the next poll` };
    this.journal.append({ t: "failed", key, code: r.codeName, message: r.log || `transaction failed with ${r.codeName}` });
    this.log.warn({ caseId: c.id, round: c.round, code: r.codeName, log: r.log, txHash: r.txHash }, "the chain refused the ruling");
    return { kind: "failed", code: r.codeName, message: r.log, txHash: r.txHash };
  }

  private async submit(c: ArbitrationCase, key: string, ruling: DeciderRuling): Promise<CaseOutcome> {
    const rec = this.journal.get(key)!;
    // A transaction sent before a crash: find out what became of it before sending another.
    if (rec.txHash) {
      const st = await this.rpc.getTx(rec.txHash);
      if (st.status === "committed") {
        const o = await this.fromReceipt(c, key, st.receipt, ruling);
        if (o.kind !== "retrying") return o;
      } else if (st.status === "pending") {
        return this.fromReceipt(c, key, await this.rpc.waitForTx(rec.txHash, { timeoutMs: this.cfg.node.receiptTimeoutMs }), ruling);
      }
    }
    const account = await this.rpc.getAccount(this.address);
    const msg = submitRulingMsg({ arbiter: this.address, caseId: c.id, round: c.round, decision: ruling.decision, confidence: ruling.confidence, rationaleHash: ruling.rationaleHash });
    const tx = buildTx({ chainId: this.chainId, signer: this.signer, nonce: BigInt(account.nonce), msgs: [msg], band: this.cfg.node.txBand as Band, memo: "" });
    this.journal.append({ t: "sending", key, txHash: tx.hashHex });
    hook(() => this.deps.hooks?.beforeSend?.(key));
    try {
      await this.rpc.sendTx(tx.bytes);
    } catch (e) {
      if (!(e instanceof RpcClientError) || e.codeName !== "TX_DUPLICATE") throw e;
    }
    hook(() => this.deps.hooks?.afterSend?.(key));
    return this.fromReceipt(c, key, await this.rpc.waitForTx(tx.hashHex, { timeoutMs: this.cfg.node.receiptTimeoutMs }), ruling);
  }
}
