/**
 * A relayer (anyone can run one; docs/bridges.md). Each pass, for every configured destination:
 * NexusOS's outbound transfers that are "ready" (signatures of > 2/3 of power;
 * bridge/pendingOutbound) become "deliver" work; each is delivered with
 * DestinationSubmitter.submit and the signatures that count, unless the destination already
 * shows it done (status), which is how a second relayer racing this one, or this one restarted,
 * skips it. Expired transfers are left to the watchers (they attest "expired", NexusOS refunds).
 *
 * A submission is recorded before submit() is called and its hash after it returns; a restart
 * finding one recorded asks the destination first, and re-submits only when the destination
 * still shows it pending `resubmitAfterMs` after the submission (the contract refuses a second
 * execution of a transfer id anyway: a duplicate costs fees, never a second delivery).
 */
import type { WorkItem } from "./checkpoints.ts";
import type { BridgeConfig } from "./config.ts";
import { BridgeCoreError } from "./errors.ts";
import { countingSignatures, toOutboundTransfer } from "./nexus.ts";
import { BridgeService, type BridgeDeps, type Prepared, type ServedChain } from "./service.ts";

export const RELAYER_WAKE_EVENTS = ["bridge.outbound_ready"];

export class BridgeRelayer extends BridgeService {
  private constructor(cfg: BridgeConfig, p: Prepared, deps: BridgeDeps) {
    super("relayer", cfg, p, deps);
  }

  static async start(cfg: BridgeConfig, deps: BridgeDeps = {}): Promise<BridgeRelayer> {
    const p = await BridgeService.prepare("relayer", cfg, deps);
    const missing = p.chains.find((c) => !c.fam.submitter);
    if (missing) {
      for (const c of p.chains) await c.fam.close?.().catch(() => undefined);
      await p.store.close();
      throw new BridgeCoreError("BRIDGECORE_FAMILY", `chains "${missing.cfg.name}": the ${missing.cfg.family} family built no DestinationSubmitter for a relayer: check its options (a relayer needs the destination's RPC and a funded key)`, { chain: missing.cfg.name });
    }
    const r = new BridgeRelayer(cfg, p, deps);
    try {
      await r.begin(RELAYER_WAKE_EVENTS);
    } catch (e) {
      await r.close().catch(() => undefined);
      throw e;
    }
    r.log.info({ chainId: p.chainId, destinations: p.chains.map((c) => c.cfg.name), metricsPort: r.metricsPort ?? null }, "bridge relayer started");
    return r;
  }

  protected async passOnce(): Promise<void> {
    for (const c of this.chains) {
      if (this.closing) return;
      const chain = c.cfg.name;
      try {
        const open = await this.nexus.pendingOutbound(chain);
        let added = 0;
        for (const o of open) {
          if (o.status !== "ready" || !o.passes) continue;
          if (this.store.addWork(chain, { kind: "deliver", seq: o.seq, payload: { transferId: o.transferId } })) added++;
        }
        if (added) this.log.info({ chain, ready: added }, "outbound transfers ready to deliver");
        await c.fam.upkeep?.({ role: "relayer", query: <T>(path: string, params: Record<string, unknown>) => this.rpc.query<T>(path, params), nowSeconds: () => this.nexus.nowSeconds() });
        this.store.clearError(chain);
      } catch (e) {
        if (e instanceof BridgeCoreError && e.code === "BRIDGECORE_STORE") throw e;
        this.store.setError(chain, `pass: ${this.describe(e)}`);
        this.log.warn({ chain, err: this.describe(e) }, "this chain's pass failed (pending outbound transfers or the family's upkeep); the next pass retries");
      }
    }
    await this.processDue((w, c) => this.deliver(w, c));
  }

  private async deliver(w: WorkItem, c: ServedChain): Promise<void> {
    const sub = c.fam.submitter!;
    const o = await this.nexus.outbound(w.chain, w.seq);
    if (!o) return this.failed(w, "BRIDGE_UNKNOWN_OUTBOUND", `NexusOS has no outbound ${w.chain}/${w.seq}`);
    if (o.status === "executed" || o.status === "expired") return this.done(w, w.state === "sent" ? "submitted" : "already", { note: `completed on NexusOS (${o.status})` });
    const t = toOutboundTransfer(o);
    const st = await sub.status(t);
    if (st === "done") return this.done(w, w.state === "sent" ? "submitted" : "already", { note: w.state === "sent" ? "done on the destination after our submission" : "done on the destination (another relayer, or before a restart)" });
    if (st === "expired") return this.done(w, "skipped", { note: "expired on the destination: the watchers attest it and NexusOS refunds" });
    // Pending on the destination.
    if (w.state === "sent" && w.sentAt !== undefined && this.now() - w.sentAt < this.cfg.resubmitAfterMs) {
      this.store.defer(w.chain, w.kind, w.seq, Math.min(w.sentAt + this.cfg.resubmitAfterMs, this.now() + this.cfg.pollIntervalMs));
      return;
    }
    if (!o.passes) {
      // Signatures stopped counting (the set changed, keys rotated): the watchers sign again.
      this.store.defer(w.chain, w.kind, w.seq, this.now() + this.cfg.pollIntervalMs);
      return;
    }
    const fresh = this.store.markSending(w.chain, w.kind, w.seq, "");
    this.hook(() => this.deps.hooks?.beforeSubmit?.(fresh));
    let txHash: string;
    try {
      ({ txHash } = await sub.submit(t, countingSignatures(o)));
    } catch (e) {
      // submit() throws only when nothing was broadcast (revert in simulation, destination down):
      // forget the submission; the next attempt checks status first anyway.
      this.retry(fresh, e, { clear: true });
      return;
    }
    this.metrics.submitted.inc({ chain: w.chain, kind: w.kind });
    this.hook(() => this.deps.hooks?.afterSubmit?.(fresh, txHash));
    this.store.setTxHash(w.chain, w.kind, w.seq, txHash);
    this.log.info({ chain: w.chain, seq: w.seq, transferId: o.transferId, txHash, signatures: o.signatures.filter((s) => s.counts).length }, "submitted to the destination");
    const after = await sub.status(t).catch(() => "pending" as const);
    if (after === "done") return this.done(fresh, "submitted", { txHash });
    this.store.defer(w.chain, w.kind, w.seq, this.now() + this.cfg.pollIntervalMs);
  }
}
