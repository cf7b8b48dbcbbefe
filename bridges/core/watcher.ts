/**
 * A validator's bridge watcher (docs/bridges.md). Each pass, for every configured chain:
 *
 * 1. inbound — with a SourceWatcher: transfers in (cursor, finalHeight] are recorded as
 *    "attest" work with the new cursor in one store transaction, step by step (maxBlockRange);
 * 2. outbound — NexusOS's open outbound transfers to the chain (bridge/pendingOutbound): with a
 *    DestinationSigner, those it has not signed with its current key, or whose signature the
 *    signer reports stale (a Cosmos handover), and that have not expired become "sign" work; with a DestinationSubmitter, those whose result it has not attested and that
 *    the destination reports "done" (or "expired", once NexusOS's block time is past expiresAt +
 *    expiryMarginSeconds) become "result" work;
 * 3. the work due: each item first re-checks the transaction it recorded (if any), then asks
 *    NexusOS whether it is already done (bridge/inbound has our attestation, bridge/outbound our
 *    signature or result), and only then signs; the pass's messages go out together, up to
 *    MAX_MSGS_PER_BATCH per FEMTO transaction from the operator key (write-ahead: the hash is
 *    stored for every item before the bytes leave; a failed batch is resent one message each).
 */
import type { Msg } from "../../runtime/tx/envelope.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { signerAddress } from "../../runtime/tx/sign.ts";
import { bridgeMsg } from "../../modules/bridge/client.ts";
import type { WorkItem } from "./checkpoints.ts";
import type { BridgeConfig } from "./config.ts";
import { BridgeCoreError } from "./errors.ts";
import { ALREADY_CODES, PERMANENT_CODES, SendError, TxSender, nexusSignatureFormat, strip0x, toOutboundTransfer, type OutboundView } from "./nexus.ts";
import { BridgeService, SimulatedCrash, loadOperatorKey, type BridgeDeps, type Prepared, type ServedChain } from "./service.ts";
import type { DestinationSigner, ObservedTransfer } from "./types.ts";

/** Messages per NexusOS transaction a watcher sends (the runtime allows 64). */
export const MAX_MSGS_PER_BATCH = 32;

/** NexusOS events that wake the watcher before its timer. */
export const WATCHER_WAKE_EVENTS = ["bridge.outbound", "bridge.outbound_ready", "bridge.outbound_signed"];

export class BridgeWatcher extends BridgeService {
  readonly address: string;
  private readonly sender: TxSender;
  private marginSeconds = 600;

  private constructor(cfg: BridgeConfig, p: Prepared, deps: BridgeDeps, sender: TxSender) {
    super("watcher", cfg, p, deps);
    this.sender = sender;
    this.address = sender.address;
  }

  /** Key, node, store, families, then the first pass and the timer. */
  static async start(cfg: BridgeConfig, deps: BridgeDeps = {}): Promise<BridgeWatcher> {
    const signer = deps.signer ?? (await loadOperatorKey(cfg));
    const address = signerAddress(signer);
    const p = await BridgeService.prepare("watcher", cfg, deps, address);
    for (const c of p.chains) {
      if (!c.fam.watcher && !c.fam.signer && !c.fam.submitter) {
        await p.store.close();
        throw new BridgeCoreError("BRIDGECORE_FAMILY", `chains "${c.cfg.name}": the ${c.cfg.family} family built no SourceWatcher, DestinationSigner nor DestinationSubmitter for a watcher: check its options`, { chain: c.cfg.name });
      }
    }
    const sender = new TxSender(p.rpc, p.chainId, signer, { band: Band.FEMTO, receiptTimeoutMs: cfg.nexus.receiptTimeoutMs, log: p.log });
    const w = new BridgeWatcher(cfg, p, deps, sender);
    try {
      await w.begin(WATCHER_WAKE_EVENTS);
    } catch (e) {
      await w.close().catch(() => undefined);
      throw e;
    }
    w.log.info(
      { chainId: p.chainId, validator: address, chains: p.chains.map((c) => ({ chain: c.cfg.name, source: !!c.fam.watcher, signer: c.fam.signer?.key ?? null, results: !!c.fam.submitter })), metricsPort: w.metricsPort ?? null },
      "bridge watcher started",
    );
    return w;
  }

  protected async passOnce(): Promise<void> {
    try {
      this.marginSeconds = (await this.nexus.params()).expiryMarginSeconds;
    } catch (e) {
      this.log.warn({ err: this.describe(e) }, "cannot read bridge/params; keeping the expiry margin known");
    }
    for (const c of this.chains) {
      if (this.closing) return;
      let ok = true;
      if (c.fam.watcher) ok = (await this.guard(c, "scan", () => this.scanSource(c))) && ok;
      if (c.fam.signer || c.fam.submitter) ok = (await this.guard(c, "outbound", () => this.scanOutbound(c))) && ok;
      if (c.fam.upkeep) {
        const upkeep = {
          role: "watcher" as const,
          validator: this.address,
          query: <T>(path: string, params: Record<string, unknown>) => this.rpc.query<T>(path, params),
          nowSeconds: () => this.nexus.nowSeconds(),
          send: async (msg: Msg) => {
            const r = await this.sender.send([msg], () => undefined);
            return { codeName: r.codeName, log: r.log };
          },
        };
        ok = (await this.guard(c, "upkeep", () => c.fam.upkeep!(upkeep))) && ok;
      }
      if (ok) this.store.clearError(c.cfg.name);
    }
    await this.processDue((w, c) => this.handle(w, c));
    await this.flush();
  }

  private async guard(c: ServedChain, what: string, f: () => Promise<void>): Promise<boolean> {
    try {
      await f();
      return true;
    } catch (e) {
      if (e instanceof BridgeCoreError && e.code === "BRIDGECORE_STORE") throw e;
      const msg = `${what}: ${this.describe(e)}`;
      this.store.setError(c.cfg.name, msg);
      this.log.warn({ chain: c.cfg.name, err: msg }, "chain not scanned this pass; the next one retries");
      return false;
    }
  }

  // ---- 1. inbound: scan the source chain ------------------------------------------------------

  private async scanSource(c: ServedChain): Promise<void> {
    const src = c.fam.watcher!;
    const chain = c.cfg.name;
    let cursor: bigint = this.store.cursor(chain) ?? -1n;
    if (cursor < 0n) {
      cursor = BigInt(c.cfg.startHeight ?? 0);
      this.store.setCursor(chain, cursor);
    }
    const final = await src.finalHeight();
    const step = BigInt(c.cfg.maxBlockRange ?? 1000);
    this.metrics.lag.set({ chain }, Number(final > cursor ? final - cursor : 0n));
    while (cursor < final && !this.closing) {
      const to: bigint = cursor + step < final ? cursor + step : final;
      const found = await src.transfers(cursor, to);
      for (const t of found) this.checkObservation(chain, t, cursor, to);
      const added = this.store.advance(
        chain,
        to,
        found.map((t) => ({ kind: "attest" as const, seq: Number(t.seq), payload: { sender: t.sender, recipient: t.recipient, amount: t.amount.toString(), sourceTx: t.sourceTx, height: t.height.toString() } })),
      );
      if (found.length) this.log.info({ chain, from: cursor.toString(), to: to.toString(), transfers: found.length, new: added }, "source transfers recorded");
      cursor = to;
      this.metrics.lag.set({ chain }, Number(final - cursor));
    }
  }

  private checkObservation(chain: string, t: ObservedTransfer, from: bigint, to: bigint): void {
    const bad = (why: string): never => {
      throw new BridgeCoreError("BRIDGECORE_BAD_OBSERVATION", `the ${chain} SourceWatcher returned seq ${t.seq}: ${why}`, { chain });
    };
    if (t.sourceChain !== chain) bad(`its sourceChain is "${t.sourceChain}"`);
    if (t.seq < 1n || t.seq > BigInt(Number.MAX_SAFE_INTEGER)) bad("seq out of range");
    if (t.height <= from || t.height > to) bad(`height ${t.height} outside (${from}, ${to}]`);
  }

  // ---- 2. outbound: what to sign, which results to attest -------------------------------------

  /** Whether this validator's signature with `signer`'s key is missing on NexusOS, or stale (DestinationSigner.stale). */
  private async needsSignature(o: OutboundView, signer: DestinationSigner): Promise<boolean> {
    const mine = o.signatures.find((s) => s.validator === this.address && s.key.toLowerCase() === signer.key.toLowerCase());
    if (!mine) return true;
    return signer.stale ? signer.stale(toOutboundTransfer(o), strip0x(mine.signature)) : false;
  }

  private async scanOutbound(c: ServedChain): Promise<void> {
    const chain = c.cfg.name;
    const open = await this.nexus.pendingOutbound(chain);
    if (!open.length) return;
    const now = await this.nexus.nowSeconds();
    for (const o of open) {
      if (c.fam.signer && now <= o.expiresAt && (await this.needsSignature(o, c.fam.signer))) {
        if (this.store.addWork(chain, { kind: "sign", seq: o.seq, payload: {} }, { overDone: true })) this.log.debug({ chain, seq: o.seq }, "outbound transfer to sign");
      }
      if (c.fam.submitter && !o.results.some((r) => r.validator === this.address) && !this.store.get(chain, "result", o.seq)) {
        const st = await c.fam.submitter.status(toOutboundTransfer(o));
        const result = st === "done" ? "executed" : st === "expired" && now > o.expiresAt + this.marginSeconds ? "expired" : undefined;
        if (result && this.store.addWork(chain, { kind: "result", seq: o.seq, payload: { result } }, { overDone: true })) this.log.info({ chain, seq: o.seq, result }, "outbound result to attest");
      }
    }
  }

  // ---- 3. the work ------------------------------------------------------------------------------

  private async handle(w: WorkItem, c: ServedChain): Promise<void> {
    const r = await this.recheckNexusTx(w);
    if (r !== "proceed") return;
    if (w.kind === "attest") return this.attest(w);
    if (w.kind === "sign") return this.sign(w, c);
    if (w.kind === "result") return this.result(w);
  }

  private async attest(w: WorkItem): Promise<void> {
    const q = await this.nexus.inbound(w.chain, w.seq);
    const p = w.payload as { sender: string; recipient: string; amount: string; sourceTx: string };
    if (q?.attestations.some((a) => a.validator === this.address)) return this.done(w, "already", { note: "our attestation is on NexusOS" });
    if (q && q.status !== "attesting") {
      const c = q.content;
      if (c && (c.sender !== p.sender || c.recipient !== p.recipient || c.amount !== p.amount || c.sourceTx !== p.sourceTx)) {
        this.log.error({ chain: w.chain, seq: w.seq, approved: c, observed: p }, "NexusOS approved content that differs from what this watcher saw on the source chain: investigate");
      }
      return this.done(w, "already", { note: `approved without our attestation (${q.status})` });
    }
    await this.send(w, bridgeMsg.attestInbound(this.address, w.chain, w.seq, p));
  }

  private async sign(w: WorkItem, c: ServedChain): Promise<void> {
    const signer = c.fam.signer;
    if (!signer) return this.done(w, "skipped", { note: "no DestinationSigner configured any more" });
    const o = await this.nexus.outbound(w.chain, w.seq);
    if (!o) return this.failed(w, "BRIDGE_UNKNOWN_OUTBOUND", `NexusOS has no outbound ${w.chain}/${w.seq}`);
    if (o.status !== "pending" && o.status !== "ready") return this.done(w, "already", { note: `completed on NexusOS (${o.status})` });
    if (!(await this.needsSignature(o, signer))) return this.done(w, "already", { note: "our signature is on NexusOS" });
    if ((await this.nexus.nowSeconds()) > o.expiresAt) return this.done(w, "skipped", { note: "expired before we signed" });
    const sig = await signer.sign(toOutboundTransfer(o));
    await this.send(w, bridgeMsg.signOutbound(this.address, w.chain, w.seq, nexusSignatureFormat(c.settings.family, sig)));
  }

  private async result(w: WorkItem): Promise<void> {
    const result = w.payload.result as "executed" | "expired";
    const o = await this.nexus.outbound(w.chain, w.seq);
    if (!o) return this.failed(w, "BRIDGE_UNKNOWN_OUTBOUND", `NexusOS has no outbound ${w.chain}/${w.seq}`);
    if (o.status !== "pending" && o.status !== "ready") return this.done(w, "already", { note: `completed on NexusOS (${o.status})` });
    if (o.results.some((r) => r.validator === this.address)) return this.done(w, "already", { note: "our result is on NexusOS" });
    if (result === "expired") {
      const now = await this.nexus.nowSeconds();
      if (now <= o.expiresAt + this.marginSeconds) {
        this.store.defer(w.chain, w.kind, w.seq, this.now() + Math.max(this.cfg.pollIntervalMs, (o.expiresAt + this.marginSeconds + 1 - now) * 1000));
        return;
      }
    }
    await this.send(w, bridgeMsg.attestOutboundResult(this.address, w.chain, w.seq, result));
  }

  /** Messages of this pass's work, sent together by flush() (at most MAX_MSGS_PER_BATCH per transaction). */
  private batch: { w: WorkItem; msg: Msg }[] = [];

  private async send(w: WorkItem, msg: Msg): Promise<void> {
    this.batch.push({ w, msg });
  }

  /**
   * Sends the pass's messages: a transaction carries up to MAX_MSGS_PER_BATCH of them, so a
   * validator's signatures, results and attestations for a batch of transfers land in one block
   * instead of one block each. Messages execute all or nothing: when a batch fails, each of its
   * messages is sent alone, so that one refusal (a duplicate, an expired transfer) settles only
   * its own item. Write-ahead as before: every item records the batch's hash before it is sent.
   */
  private async flush(): Promise<void> {
    while (this.batch.length > 0 && !this.closing) {
      const chunk = this.batch.splice(0, MAX_MSGS_PER_BATCH);
      if (chunk.length === 1) {
        await this.sendOne(chunk[0]!.w, chunk[0]!.msg);
        continue;
      }
      let receipt;
      try {
        receipt = await this.sender.send(
          chunk.map((x) => x.msg),
          (hash) => {
            for (const x of chunk) {
              this.store.markSending(x.w.chain, x.w.kind, x.w.seq, hash);
              this.hook(() => this.deps.hooks?.beforeSend?.(x.w, hash));
            }
          },
        );
      } catch (e) {
        if (e instanceof SendError && e.codeName === "TX_PENDING") continue; // recorded: re-checked next pass
        if (!(e instanceof SendError)) {
          if (e instanceof SimulatedCrash || (e instanceof BridgeCoreError && e.code === "BRIDGECORE_STORE")) throw e;
          for (const x of chunk) this.retry(x.w, e);
          continue;
        }
        this.log.debug({ messages: chunk.length, code: e.codeName }, "batch refused at admission; sending its messages one by one");
        for (const x of chunk) await this.sendOne(x.w, x.msg);
        continue;
      }
      if (receipt.code === 0) {
        for (const x of chunk) {
          this.metrics.submitted.inc({ chain: x.w.chain, kind: x.w.kind });
          this.fromReceipt(x.w, receipt);
        }
        continue;
      }
      this.log.debug({ messages: chunk.length, code: receipt.codeName }, "batch failed as a whole; sending its messages one by one");
      for (const x of chunk) await this.sendOne(x.w, x.msg);
    }
  }

  /** Sign and send one FEMTO transaction for w, write-ahead, and settle w from its receipt. */
  private async sendOne(w: WorkItem, msg: Msg): Promise<void> {
    let receipt;
    try {
      receipt = await this.sender.send([msg], (hash) => {
        this.store.markSending(w.chain, w.kind, w.seq, hash);
        this.hook(() => this.deps.hooks?.beforeSend?.(w, hash));
      });
    } catch (e) {
      if (e instanceof SendError) {
        if (e.codeName === "TX_PENDING") return; // recorded as sent: re-checked next pass
        if (ALREADY_CODES.has(e.codeName)) return this.done(w, "already", { note: e.codeName });
        if (PERMANENT_CODES.has(e.codeName)) return this.failed(w, e.codeName, e.message);
        return this.retry(w, e, { clear: true });
      }
      throw e;
    }
    this.metrics.submitted.inc({ chain: w.chain, kind: w.kind });
    this.fromReceipt(w, receipt);
  }
}
