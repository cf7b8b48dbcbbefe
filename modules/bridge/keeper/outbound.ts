import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { BRIDGE_ESCROW } from "../accounts.ts";
import { outboundDigest, recoverEvmSigner } from "../eip712.ts";
import { BridgeError } from "../errors.ts";
import { BridgeEvents } from "../events.ts";
import { canonicalAddress, signatureFormatProblem } from "../families.ts";
import * as K from "../keys.ts";
import { NXT_DENOM, type ChainSettings } from "../params.ts";
import type { Outbound, OutboundKind, OutboundResult } from "../records.ts";
import { blockSeconds, expiryPassed, transferId } from "../rules.ts";
import type { BridgeKeeper, VotingSet } from "./bridge-keeper.ts";

/** One outbound transfer with the signatures collected, as queries show it. */
export interface OutboundView extends Outbound {
  signatures: { validator: string; key: string; signature: string; counts: boolean }[];
  signedPower: string;
  totalPower: string;
  /** The signatures that count now pass the threshold. */
  passes: boolean;
  results: { validator: string; result: string }[];
}

/**
 * NexusOS → chain X (a transfer; or a BHLS delivery and its epoch update, keeper/bhls-delivery.ts): lock in bridge_escrow, sequence and transferId, validators' destination
 * signatures until the threshold ("ready"), then a result the threshold attests: "executed"
 * (the NXT stays in escrow, backing what was minted there) or "expired" (refunded).
 */
export class OutboundKeeper {
  constructor(private readonly k: BridgeKeeper) {}

  get(ctx: Ctx, chain: string, seq: number): Outbound | undefined {
    return K.Outbounds.get(ctx, [chain, seq]);
  }

  nextSeq(ctx: Ctx, chain: string): number {
    return K.NextSeq.get(ctx, chain) ?? 1;
  }

  bridgeOut(ctx: Ctx, sender: string, chainName: string, recipient: string, amount: bigint): Outbound {
    const c = this.k.requireEnabled(ctx, chainName);
    if (c.paused) throw new BridgeError("BRIDGE_CHAIN_PAUSED", `chain "${chainName}" is paused: no new transfers until the authority resumes it`, { chain: chainName });
    if (amount <= 0n) throw new BridgeError("BRIDGE_INVALID_AMOUNT", "amount must be positive");
    const min = BigInt(c.minAmount);
    if (amount < min) throw new BridgeError("BRIDGE_BELOW_MINIMUM", `amount ${amount} is below chain "${chainName}"'s minimum ${min}`, { minAmount: min.toString() });
    const cap = BigInt(c.rateLimit.capacity);
    if (amount > cap) throw new BridgeError("BRIDGE_ABOVE_CAPACITY", `amount ${amount} is above chain "${chainName}"'s rate-limit capacity ${cap}: split it`, { capacity: cap.toString() });
    const to = canonicalAddress(c, recipient);
    if (!to.ok) throw new BridgeError("BRIDGE_INVALID_RECIPIENT", `recipient for ${c.family} chain "${chainName}": ${to.reason}`, { chain: chainName });
    const taken = this.k.takeTokens(ctx, c, "out", amount);
    if (!taken.ok) {
      // null: the bucket never refills (refillPerSecond 0; above capacity was refused above).
      const when = taken.retryAfterSeconds === null ? "it does not refill (refillPerSecond 0): the authority must raise the rate" : `retry in ${taken.retryAfterSeconds} s`;
      throw new BridgeError("BRIDGE_RATE_LIMITED", `chain "${chainName}"'s outbound bucket holds ${taken.bucket.tokens}, below ${amount}; ${when}`, {
        available: taken.bucket.tokens.toString(),
        retryAfterSeconds: taken.retryAfterSeconds ?? -1,
      });
    }
    this.k.bank.sendToModule(ctx, sender, BRIDGE_ESCROW, [{ denom: NXT_DENOM, amount }]);
    return this.create(ctx, c, { sender, recipient: to.address, amount });
  }

  /**
   * Records an outbound of `chain` whose amount is already in bridge_escrow: the next seq, its
   * transferId and expiry, status pending; counts it as locked.
   */
  create(
    ctx: Ctx,
    c: ChainSettings,
    f: { sender: string; recipient: string; amount: bigint; kind?: OutboundKind; citizen?: string; epoch?: number; floorAmount?: bigint },
  ): Outbound {
    const seq = this.nextSeq(ctx, c.name);
    K.NextSeq.set(ctx, c.name, seq + 1);
    const o: Outbound = {
      chain: c.name,
      seq,
      ...(f.kind !== undefined && f.kind !== "transfer" ? { kind: f.kind } : {}),
      ...(f.citizen !== undefined ? { citizen: f.citizen } : {}),
      ...(f.epoch !== undefined ? { epoch: f.epoch } : {}),
      ...(f.floorAmount !== undefined ? { floorAmount: f.floorAmount.toString() } : {}),
      transferId: transferId(ctx.block.chainId, c.name, seq),
      sender: f.sender,
      recipient: f.recipient,
      amount: f.amount.toString(),
      expiresAt: blockSeconds(ctx.block.time) + c.outboundTtlSeconds,
      createdHeight: ctx.block.height,
      status: "pending",
    };
    K.Outbounds.set(ctx, [c.name, seq], o);
    this.k.addTotals(ctx, c.name, { lockedOut: f.amount });
    ctx.emit(BridgeEvents.Outbound, {
      chain: c.name,
      seq: String(seq),
      transferId: o.transferId,
      sender: o.sender,
      recipient: o.recipient,
      amount: o.amount,
      expiresAt: String(o.expiresAt),
      ...(o.kind !== undefined ? { kind: o.kind } : {}),
      ...(o.epoch !== undefined ? { epoch: String(o.epoch) } : {}),
    });
    return o;
  }

  private requireOpen(ctx: Ctx, chainName: string, seq: number): { c: ChainSettings; o: Outbound } {
    const c = this.k.requireChain(ctx, chainName);
    const o = this.get(ctx, chainName, seq);
    if (!o) throw new BridgeError("BRIDGE_UNKNOWN_OUTBOUND", `chain "${chainName}" has no outbound transfer ${seq} (next is ${this.nextSeq(ctx, chainName)})`, { chain: chainName, seq });
    if (o.status === "executed" || o.status === "expired") {
      throw new BridgeError("BRIDGE_OUTBOUND_COMPLETED", `outbound ${chainName}/${seq} is already ${o.status}`, { chain: chainName, seq, status: o.status });
    }
    return { c, o };
  }

  /**
   * A validator's destination signature. EVM chains with evmChainId and bridgeContract: the
   * signature must recover to the validator's registered EVM key over the record's digest (Mint,
   * BhlsDelivery or EpochUpdate by its kind); other
   * families: format only (stored for the relayer, verified by the destination).
   */
  sign(ctx: Ctx, validator: string, chainName: string, seq: number, signature: string): void {
    const { c, o } = this.requireOpen(ctx, chainName, seq);
    const set = this.k.requireVoter(ctx, validator);
    const key = this.k.attestationKey(ctx, validator, c.family);
    if (key === undefined) throw new BridgeError("BRIDGE_NO_ATTESTATION_KEY", `${validator} has no ${c.family} attestation key (MsgRegisterAttestationKey)`, { validator, family: c.family });
    const prev = K.OutboundSigs.get(ctx, [chainName, seq, validator]);
    const sig = signature.toLowerCase();
    // One signature per validator, replaced by a different one: after a key rotation, or when
    // what the destination executes changed (Cosmos: the escrow holding the funds after a
    // handover, so the release signed for the old one can no longer execute).
    if (prev && prev.key === key && prev.signature === sig) throw new BridgeError("BRIDGE_DUPLICATE_SIGNATURE", `${validator} already signed ${chainName}/${seq} with this signature`, { validator, chain: chainName, seq });
    if (blockSeconds(ctx.block.time) > o.expiresAt) {
      throw new BridgeError("BRIDGE_OUTBOUND_EXPIRED", `outbound ${chainName}/${seq} expired at ${o.expiresAt}: a signature cannot execute any more`, { expiresAt: o.expiresAt });
    }
    const problem = signatureFormatProblem(c.family, sig);
    if (problem) throw new BridgeError("BRIDGE_BAD_SIGNATURE", problem);
    if (c.family === "evm" && c.evm) {
      const digest = outboundDigest({ chainId: c.evm.chainId, verifyingContract: c.evm.bridgeContract }, o);
      const signer = recoverEvmSigner(digest, sig);
      if (signer !== key) {
        const what = o.kind === "bhls" ? "BhlsDelivery" : o.kind === "epoch" ? "EpochUpdate" : "Mint";
        throw new BridgeError("BRIDGE_BAD_SIGNATURE", `the signature recovers to ${signer ?? "nothing"}, not ${validator}'s EVM key ${key} (EIP-712 ${what}, domain NexusBridge v2, chainId ${c.evm.chainId})`, { expected: key, recovered: signer ?? "" });
      }
    }
    K.OutboundSigs.set(ctx, [chainName, seq, validator], { key, signature: sig });
    ctx.emit(BridgeEvents.OutboundSigned, { chain: chainName, seq: String(seq), validator });
    if (o.status === "pending" && this.signatureTally(ctx, c, chainName, seq, set).passes) {
      K.Outbounds.set(ctx, [chainName, seq], { ...o, status: "ready", readyHeight: ctx.block.height });
      ctx.emit(BridgeEvents.OutboundReady, { chain: chainName, seq: String(seq) });
    }
  }

  /** Signatures that count: by a member of the set in force, made with the key it holds now. */
  signatureTally(ctx: Ctx, c: ChainSettings, chainName: string, seq: number, set: VotingSet): { power: bigint; total: bigint; passes: boolean; counting: Set<string> } {
    const counting = new Set<string>();
    for (const [[, , v], s] of K.OutboundSigs.iterate(ctx, { prefix: [chainName, seq] })) {
      if (set.power.has(v) && this.k.attestationKey(ctx, v, c.family) === s.key) counting.add(v);
    }
    return { ...this.k.tally(set, counting), counting };
  }

  /**
   * A validator attests what happened on the destination. "expired" only once block time is
   * past expiresAt + params.expiryMarginSeconds. The result a threshold attests completes the
   * transfer: executed (stays in escrow) or expired (refunded to the sender).
   */
  attestResult(ctx: Ctx, validator: string, chainName: string, seq: number, result: OutboundResult): void {
    const { o } = this.requireOpen(ctx, chainName, seq);
    const set = this.k.requireVoter(ctx, validator);
    if (K.ResultVotes.has(ctx, [chainName, seq, validator])) {
      throw new BridgeError("BRIDGE_DUPLICATE_ATTESTATION", `${validator} already attested the result of ${chainName}/${seq}`, { validator, chain: chainName, seq });
    }
    if (result === "expired") {
      const margin = this.k.params(ctx).expiryMarginSeconds;
      const now = blockSeconds(ctx.block.time);
      if (!expiryPassed(now, o.expiresAt, margin)) {
        throw new BridgeError("BRIDGE_NOT_EXPIRED", `outbound ${chainName}/${seq} expires at ${o.expiresAt}; "expired" is accepted after ${o.expiresAt + margin} (block time ${now})`, {
          expiresAt: o.expiresAt,
          acceptedAfter: o.expiresAt + margin,
        });
      }
    }
    K.ResultVotes.set(ctx, [chainName, seq, validator], result);
    ctx.emit(BridgeEvents.OutboundResultAttested, { chain: chainName, seq: String(seq), validator, result });
    const voters: string[] = [];
    for (const [[, , v], r] of K.ResultVotes.iterate(ctx, { prefix: [chainName, seq] })) if (r === result) voters.push(v);
    if (!this.k.tally(set, voters).passes) return;
    const amount = BigInt(o.amount);
    if (result === "expired") {
      // A BHLS delivery's sender is its citizen: refunded here. An epoch update moves nothing.
      if (amount > 0n) this.k.bank.sendFromModule(ctx, BRIDGE_ESCROW, o.sender, [{ denom: NXT_DENOM, amount }]);
      this.k.addTotals(ctx, chainName, { refundedOut: amount });
    } else {
      this.k.addTotals(ctx, chainName, { executedOut: amount });
    }
    K.Outbounds.set(ctx, [chainName, seq], { ...o, status: result, completedHeight: ctx.block.height });
    ctx.emit(BridgeEvents.OutboundCompleted, { chain: chainName, seq: String(seq), result });
    // What the destination minted now backs inbound credits: retry any that wait.
    if (result === "executed") this.k.inbound.kick(ctx, chainName);
  }

  view(ctx: Ctx, o: Outbound): OutboundView {
    const c = this.k.requireChain(ctx, o.chain);
    const set = this.k.votingSet(ctx);
    const t = this.signatureTally(ctx, c, o.chain, o.seq, set);
    const signatures = [...K.OutboundSigs.iterate(ctx, { prefix: [o.chain, o.seq] })].map(([[, , validator], s]) => ({ validator, key: s.key, signature: s.signature, counts: t.counting.has(validator) }));
    const results = [...K.ResultVotes.iterate(ctx, { prefix: [o.chain, o.seq] })].map(([[, , validator], result]) => ({ validator, result }));
    return { ...o, signatures, signedPower: t.power.toString(), totalPower: t.total.toString(), passes: t.passes, results };
  }

  /** The escrow's address (tests, docs). */
  static escrowAddress(): string {
    return moduleAddress(BRIDGE_ESCROW);
  }
}
