import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { BRIDGE_ESCROW } from "../accounts.ts";
import { BridgeError, type BridgeErrorCode } from "../errors.ts";
import { BridgeEvents } from "../events.ts";
import { canonicalAddress } from "../families.ts";
import * as K from "../keys.ts";
import { NXT_DENOM, type ChainSettings } from "../params.ts";
import type { Inbound, StoredInboundContent } from "../records.ts";
import { inboundContentHash, type InboundContent } from "../rules.ts";
import type { BridgeKeeper, VotingSet } from "./bridge-keeper.ts";

export interface InboundView extends Inbound {
  attestations: { validator: string; contentHash: string }[];
  /** Each content attested, with the power of its attesters in the set in force. */
  contents: { contentHash: string; content: { sender: string; recipient: string; amount: string; sourceTx: string }; power: string; passes: boolean }[];
  totalPower: string;
}

type CreditAttempt = { ok: true } | { ok: false; code: BridgeErrorCode; retryAfterSeconds: number };

/**
 * Chain X → NexusOS. Validators attest (chain, seq) with its content; a content whose
 * attesters hold > 2/3 of the set's power is approved, once. An approved transfer is credited
 * from bridge_escrow at once, or waits (rate limit, escrow backing, pause) in a FIFO per chain
 * that the end block retries through the CreditQueue TimeQueue: it is never dropped.
 */
export class InboundKeeper {
  constructor(private readonly k: BridgeKeeper) {}

  get(ctx: Ctx, chain: string, seq: number): Inbound | undefined {
    return K.Inbounds.get(ctx, [chain, seq]);
  }

  attest(ctx: Ctx, validator: string, chainName: string, seq: number, claimed: InboundContent): void {
    const c = this.k.requireEnabled(ctx, chainName);
    if (claimed.amount <= 0n) throw new BridgeError("BRIDGE_INVALID_AMOUNT", "amount must be positive");
    const sender = canonicalAddress(c, claimed.sender);
    if (!sender.ok) throw new BridgeError("BRIDGE_INVALID_SENDER", `sender on ${c.family} chain "${chainName}": ${sender.reason}`, { chain: chainName });
    this.requireCreditable(claimed.recipient);
    const set = this.k.requireVoter(ctx, validator);
    const prev = K.Inbounds.get(ctx, [chainName, seq]);
    if (prev && prev.status !== "attesting") {
      throw new BridgeError("BRIDGE_ALREADY_PROCESSED", `inbound ${chainName}/${seq} is already ${prev.status === "credited" ? "credited" : "approved (waiting to be credited)"}`, { chain: chainName, seq, status: prev.status });
    }
    if (K.InboundVotes.has(ctx, [chainName, seq, validator])) {
      throw new BridgeError("BRIDGE_DUPLICATE_ATTESTATION", `${validator} already attested ${chainName}/${seq}`, { validator, chain: chainName, seq });
    }
    const content: StoredInboundContent = { sender: sender.address, recipient: claimed.recipient, amount: claimed.amount, sourceTx: claimed.sourceTx };
    const hash = inboundContentHash(chainName, seq, content);
    if (!K.InboundContents.has(ctx, [chainName, seq, hash])) K.InboundContents.set(ctx, [chainName, seq, hash], content);
    K.InboundVotes.set(ctx, [chainName, seq, validator], hash);
    const rec: Inbound = prev ?? { chain: chainName, seq, status: "attesting", firstHeight: ctx.block.height };
    K.Inbounds.set(ctx, [chainName, seq], rec);
    ctx.emit(BridgeEvents.InboundAttested, { chain: chainName, seq: String(seq), validator, contentHash: hash });
    // Every content is tallied again (the set may have changed since earlier votes); at most one can pass.
    for (const t of this.tallies(ctx, chainName, seq, set)) {
      if (t.passes) {
        this.approve(ctx, c, rec, t.contentHash);
        return;
      }
    }
  }

  /** An inbound credit never lands in a module account (it would break that module's books). */
  private requireCreditable(recipient: string): void {
    if (recipient === moduleAddress(BRIDGE_ESCROW)) throw new BridgeError("BRIDGE_INVALID_RECIPIENT", "the recipient is the bridge's own escrow");
    try {
      this.k.bank.requireNotBlocked(recipient);
    } catch (e) {
      throw new BridgeError("BRIDGE_INVALID_RECIPIENT", `the recipient cannot be credited: ${(e as Error).message}`, { recipient });
    }
  }

  tallies(ctx: Ctx, chainName: string, seq: number, set: VotingSet): { contentHash: string; power: bigint; passes: boolean }[] {
    const by = new Map<string, string[]>();
    for (const [[, , v], h] of K.InboundVotes.iterate(ctx, { prefix: [chainName, seq] })) {
      const list = by.get(h);
      if (list) list.push(v);
      else by.set(h, [v]);
    }
    return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([contentHash, voters]) => ({ contentHash, ...this.k.tally(set, voters) }));
  }

  private approve(ctx: Ctx, c: ChainSettings, rec: Inbound, hash: string): void {
    const content = K.InboundContents.get(ctx, [rec.chain, rec.seq, hash])!;
    const approved: Inbound = {
      ...rec,
      status: "waiting",
      contentHash: hash,
      content: { sender: content.sender, recipient: content.recipient, amount: content.amount.toString(), sourceTx: content.sourceTx },
      approvedHeight: ctx.block.height,
    };
    K.Inbounds.set(ctx, [rec.chain, rec.seq], approved);
    ctx.emit(BridgeEvents.InboundApproved, { chain: rec.chain, seq: String(rec.seq), contentHash: hash });
    // FIFO per chain: behind earlier waiting credits, this one waits too.
    const behind = this.hasWaiting(ctx, rec.chain);
    const r: CreditAttempt = behind ? { ok: false, code: "BRIDGE_RATE_LIMITED", retryAfterSeconds: 0 } : this.tryCredit(ctx, c, approved);
    if (r.ok) return;
    K.Waiting.set(ctx, [rec.chain, K.WaitOrder.nextNumber(ctx)], rec.seq);
    if (!behind) this.schedule(ctx, rec.chain, ctx.block.time + Math.max(1, r.retryAfterSeconds) * 1000);
    this.markWaiting(ctx, approved, behind ? "QUEUED" : r.code);
  }

  private hasWaiting(ctx: Ctx, chain: string): boolean {
    for (const _ of K.Waiting.keys(ctx, { prefix: [chain], limit: 1 })) return true;
    return false;
  }

  private markWaiting(ctx: Ctx, rec: Inbound, reason: string): void {
    K.Inbounds.set(ctx, [rec.chain, rec.seq], { ...rec, status: "waiting", waitReason: reason });
    ctx.emit(BridgeEvents.InboundWaiting, { chain: rec.chain, seq: String(rec.seq), reason, retryAtMs: String(K.ChainRetry.get(ctx, rec.chain) ?? "") });
  }

  /** Credit now if pause, escrow backing and the inbound bucket allow; nothing is written otherwise. */
  private tryCredit(ctx: Ctx, c: ChainSettings, rec: Inbound): CreditAttempt {
    const p = this.k.params(ctx);
    const content = rec.content!;
    const amount = BigInt(content.amount);
    if (!c.enabled) return { ok: false, code: "BRIDGE_CHAIN_DISABLED", retryAfterSeconds: p.retryIntervalSeconds };
    if (c.paused) return { ok: false, code: "BRIDGE_CHAIN_PAUSED", retryAfterSeconds: p.retryIntervalSeconds };
    // Only NXT that went out to this chain and was executed there (minted) may come back from it.
    const t = this.k.totals(ctx, c.name);
    const backing = t.executedOut - t.creditedIn;
    const escrow = this.k.bank.balance(ctx, moduleAddress(BRIDGE_ESCROW), NXT_DENOM);
    if (amount > backing || amount > escrow) return { ok: false, code: "BRIDGE_INSUFFICIENT_ESCROW", retryAfterSeconds: p.retryIntervalSeconds };
    const taken = this.k.takeTokens(ctx, c, "in", amount);
    if (!taken.ok) return { ok: false, code: "BRIDGE_RATE_LIMITED", retryAfterSeconds: taken.retryAfterSeconds ?? p.retryIntervalSeconds };
    this.k.bank.sendFromModule(ctx, BRIDGE_ESCROW, content.recipient, [{ denom: NXT_DENOM, amount }]);
    this.k.addTotals(ctx, c.name, { creditedIn: amount });
    const { waitReason: _, ...rest } = rec;
    K.Inbounds.set(ctx, [rec.chain, rec.seq], { ...rest, status: "credited", creditedHeight: ctx.block.height });
    ctx.emit(BridgeEvents.InboundCredited, { chain: rec.chain, seq: String(rec.seq), recipient: content.recipient, amount: content.amount });
    return { ok: true };
  }

  /** The chain's waiting head is retried at `atMs` (one queue entry per chain). */
  private schedule(ctx: Ctx, chain: string, atMs: number): void {
    const prev = K.ChainRetry.get(ctx, chain);
    if (prev !== undefined) K.CreditQueue.remove(ctx, prev, chain);
    K.ChainRetry.set(ctx, chain, atMs);
    K.CreditQueue.enqueue(ctx, atMs, chain, true);
  }

  /** Something changed that may let the chain's waiting credits pass (executed outbound, unpause, settings): retry now. */
  kick(ctx: Ctx, chain: string): void {
    const at = K.ChainRetry.get(ctx, chain);
    if (at !== undefined && at > ctx.block.time) this.schedule(ctx, chain, ctx.block.time);
  }

  /** Waiting credits due, FIFO per chain, at most params.maxCreditsPerBlock credited or tried. */
  endBlock(ctx: Ctx): void {
    let budget = this.k.params(ctx).maxCreditsPerBlock;
    for (const due of K.CreditQueue.popDue(ctx, ctx.block.time, budget)) {
      const chain = due.id;
      K.ChainRetry.delete(ctx, chain);
      const c = this.k.chain(ctx, chain);
      if (!c) continue; // chains are never removed; defensive
      for (;;) {
        const head = this.head(ctx, chain);
        if (!head) break;
        if (budget <= 0) {
          this.schedule(ctx, chain, ctx.block.time);
          break;
        }
        budget--;
        const rec = K.Inbounds.get(ctx, [chain, head.seq])!;
        const r = this.tryCredit(ctx, c, rec);
        if (r.ok) {
          K.Waiting.delete(ctx, [chain, head.order]);
          continue;
        }
        this.schedule(ctx, chain, ctx.block.time + Math.max(1, r.retryAfterSeconds) * 1000);
        if (rec.waitReason !== r.code) this.markWaiting(ctx, rec, r.code); // quiet while the reason stays the same
        break;
      }
    }
  }

  private head(ctx: Ctx, chain: string): { order: number; seq: number } | undefined {
    for (const [[, order], seq] of K.Waiting.iterate(ctx, { prefix: [chain], limit: 1 })) return { order, seq };
    return undefined;
  }

  view(ctx: Ctx, rec: Inbound): InboundView {
    const set = this.k.votingSet(ctx);
    const attestations = [...K.InboundVotes.iterate(ctx, { prefix: [rec.chain, rec.seq] })].map(([[, , validator], contentHash]) => ({ validator, contentHash }));
    const contents = this.tallies(ctx, rec.chain, rec.seq, set).map((t) => {
      const c = K.InboundContents.get(ctx, [rec.chain, rec.seq, t.contentHash])!;
      return { contentHash: t.contentHash, content: { sender: c.sender, recipient: c.recipient, amount: c.amount.toString(), sourceTx: c.sourceTx }, power: t.power.toString(), passes: t.passes };
    });
    return { ...rec, attestations, contents, totalPower: set.total.toString() };
  }
}
