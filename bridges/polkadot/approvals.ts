import type { Logger } from "pino";
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import { decodeAddress } from "@polkadot/util-crypto";
import type { EventRecord } from "@polkadot/types/interfaces";
import type { Extrinsic, Inclusion, SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import type { BridgeMultisig } from "./multisig.ts";

/** Approvals per utility batch extrinsic. */
export const APPROVALS_PER_BATCH = 16;

/** A pending multisig operation (pallet-multisig `Multisigs` entry). */
export interface MultisigOp {
  readonly when: { readonly height: number; readonly index: number };
  readonly depositor: string;
  /** Approving signatories, 0x + 64 hex. */
  readonly approvals: readonly string[];
}

/** What one approval did on the chain. */
export type ApprovalOutcome =
  | { readonly kind: "skipped"; readonly why: string }
  | { readonly kind: "opened" | "approved"; readonly inclusion: Inclusion }
  | { readonly kind: "executed"; readonly inclusion: Inclusion; readonly result: "ok" | string };

/**
 * A validator's signatory side of the bridge multisig: approving a call with `as_multi` from its
 * own account (pallet-multisig executes the call with the approval that reaches the threshold),
 * and cancelling an operation it opened that can no longer execute (its deposit comes back).
 * Works with the multisig pallet of current runtimes (call, max_weight: Weight) and of older ones
 * (WrapperKeepOpaque call, store_call, max_weight: u64), as the chain's metadata says.
 */
export class MultisigApprover {
  readonly me: string;

  constructor(
    private readonly c: SubstrateChain,
    private readonly ms: BridgeMultisig,
    private readonly pair: KeyringPair,
    private readonly log: Logger,
  ) {
    this.me = u8aToHex(pair.publicKey);
    if (!ms.members.includes(this.me.slice(2))) {
      throw new PolkadotError("POLKADOT_CONFIG_INVALID", `${c.chainName}: the key ${this.me} is not a signatory of the bridge multisig ${ms.address}: register it on NexusOS (MsgRegisterAttestationKey family "substrate") or pin the multisig that has it`);
    }
  }

  private get others(): string[] {
    return this.ms.members.filter((m) => m !== this.me.slice(2)).map((m) => `0x${m}`);
  }

  async op(callHash: string): Promise<MultisigOp | undefined> {
    const j = (await this.c.read("multisig operation", () => this.c.api.query.multisig.multisigs(this.ms.account, callHash))).toJSON() as {
      when: { height: number; index: number };
      depositor: string;
      approvals: string[];
    } | null;
    if (!j) return undefined;
    return { when: j.when, depositor: toHex32(j.depositor), approvals: j.approvals.map(toHex32) };
  }

  /** Approves `call` unless this signatory already did; opens the operation when none is pending. */
  async approve(call: Extrinsic, what: string): Promise<ApprovalOutcome> {
    const p = await this.prepare(call, what);
    if ("skipped" in p) return { kind: "skipped", why: p.skipped };
    return this.outcome(await this.c.submit(this.pair, p.tx, `approve ${what}`), what, p.callHash);
  }

  /**
   * The as_multi extrinsic approving `call` (with the pending operation's timepoint), or why there
   * is none to send; send it (SubstrateChain.submit, or approveMany for several) and read it with outcome().
   */
  async prepare(call: Extrinsic, what: string): Promise<{ tx: Extrinsic; callHash: string; what: string } | { skipped: string }> {
    const callHash = call.method.hash.toHex();
    const op = await this.op(callHash);
    if (op?.approvals.includes(this.me)) return { skipped: `already approved (${op.approvals.length} of ${this.ms.threshold})` };
    return { tx: await this.asMulti(call, op?.when ?? null), callHash, what };
  }

  /**
   * Sends prepared approvals as utility batches of up to APPROVALS_PER_BATCH calls, one extrinsic
   * each, so a pass costs a few inclusions instead of one per approval (6-12 s apiece on Asset
   * Hub), and one nonce per extrinsic. utility.force_batch where the runtime has it; else
   * utility.batch, which stops at a failing call (e.g. NoTimepoint after another signatory opened
   * the operation in the same block): the calls after it are not executed and are retried by the
   * next pass. Resolves with each approval's outcome or error, in order.
   */
  async approveMany(items: readonly { tx: Extrinsic; callHash: string; what: string }[]): Promise<(ApprovalOutcome | Error)[]> {
    const out: (ApprovalOutcome | Error)[] = [];
    const tx = this.c.api.tx.utility as unknown as Record<string, ((calls: unknown[]) => Extrinsic) | undefined>;
    const batch = tx.forceBatch ?? tx.batch!;
    for (let start = 0; start < items.length; start += APPROVALS_PER_BATCH) {
      const chunk = items.slice(start, start + APPROVALS_PER_BATCH);
      let inc: Inclusion;
      try {
        inc = await this.c.submit(this.pair, batch(chunk.map((x) => x.tx.method)), `approve ${chunk.length} operation(s)`);
      } catch (e) {
        for (let i = 0; i < chunk.length; i++) out.push(e as Error);
        continue;
      }
      if (!inc.ok) {
        for (const x of chunk) out.push(new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${this.c.chainName}: approving ${x.what}: ${inc.error}`, { error: inc.error }));
        continue;
      }
      // The batch's events, item by item: each item's own, then ItemCompleted (or ItemFailed);
      // BatchInterrupted(index, error) ends utility.batch early. An executed release's own
      // batch_all emits ItemCompleted events too, before MultisigExecuted: an item ends at the
      // first ItemCompleted after its multisig event.
      const results: (ApprovalOutcome | Error | undefined)[] = new Array(chunk.length).fill(undefined);
      let i = 0;
      let events: EventRecord[] = [];
      for (const rec of inc.events) {
        const e = rec.event;
        const ownDone = events.some((x) => x.event.section === "multisig");
        if (e.section === "utility" && e.method === "ItemCompleted" && ownDone && i < chunk.length) {
          results[i] = this.outcome(inc, chunk[i]!.what, chunk[i]!.callHash, events);
          i++;
          events = [];
        } else if (e.section === "utility" && (e.method === "ItemFailed" || e.method === "BatchInterrupted")) {
          const failedAt = e.method === "BatchInterrupted" ? Number((e.data[0] as unknown as { toString(): string }).toString()) : i;
          const err = this.c.describeError(e.data[e.data.length - 1] as unknown as Parameters<SubstrateChain["describeError"]>[0]);
          results[failedAt] = new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${this.c.chainName}: approving ${chunk[failedAt]!.what}: ${err}`, { error: err });
          if (e.method === "BatchInterrupted") break;
          i++;
          events = [];
        } else events.push(rec);
      }
      chunk.forEach((x, k) => out.push(results[k] ?? new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${this.c.chainName}: ${x.what}: not executed (the batch stopped at an earlier approval): retried next pass`)));
    }
    return out;
  }

  /** What an included approval did (`events`: its own; default the extrinsic's). Throws POLKADOT_EXTRINSIC_FAILED when it failed. */
  outcome(inc: Inclusion, what: string, callHash: string, events: readonly EventRecord[] = inc.events): ApprovalOutcome {
    if (!inc.ok) {
      // NoTimepoint / UnexpectedTimepoint: another signatory opened or executed the operation
      // between our read and our inclusion; the next pass reads again.
      throw new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${this.c.chainName}: approving ${what}: ${inc.error}`, { error: inc.error, block: inc.blockHash });
    }
    for (const { event } of events) {
      if (event.section !== "multisig") continue;
      if (event.method === "MultisigExecuted") {
        const r = event.data[event.data.length - 1] as unknown as { isErr: boolean; asErr: Parameters<SubstrateChain["describeError"]>[0] };
        const result = r.isErr ? this.c.describeError(r.asErr) : "ok";
        this.log.info({ what, callHash, block: inc.blockHash, result }, result === "ok" ? "multisig executed" : "multisig executed, the call failed");
        return { kind: "executed", inclusion: inc, result };
      }
      if (event.method === "NewMultisig") return { kind: "opened", inclusion: inc };
      if (event.method === "MultisigApproval") return { kind: "approved", inclusion: inc };
    }
    return { kind: "approved", inclusion: inc };
  }

  /** Cancels the operation of `callHash` if this signatory opened it (its deposit is returned). */
  async cancelIfMine(callHash: string, what: string): Promise<boolean> {
    const op = await this.op(callHash);
    if (!op || op.depositor !== this.me) return false;
    const tx = this.c.api.tx.multisig.cancelAsMulti(this.ms.threshold, this.others, op.when, callHash);
    const inc = await this.c.submit(this.pair, tx, `cancel ${what}`);
    if (!inc.ok) throw new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${this.c.chainName}: cancelling ${what}: ${inc.error}`, { error: inc.error });
    this.log.info({ what, callHash }, "cancelled our multisig operation that can no longer execute; its deposit is back");
    return true;
  }

  private async asMulti(call: Extrinsic, timepoint: MultisigOp["when"] | null): Promise<Extrinsic> {
    const api = this.c.api;
    const args = api.tx.multisig.asMulti.meta.args;
    const info = await this.c.read("call weight", () => call.paymentInfo(this.pair.address));
    const w = info.weight as unknown as { refTime?: { toBigInt(): bigint }; proofSize?: { toBigInt(): bigint }; toBigInt?: () => bigint };
    // Room above the call's declared weight: pallet-multisig refuses a max_weight below it.
    const up = (x: bigint) => (x * 12n) / 10n + 1n;
    const ref = up(w.refTime ? w.refTime.toBigInt() : w.toBigInt!());
    const v1 = args[args.length - 1]!.type.toString() === "u64";
    const maxWeight = v1 ? ref : { refTime: ref, proofSize: up(w.proofSize?.toBigInt() ?? 0n) };
    // Older runtimes: as_multi(threshold, others, timepoint, call, store_call, max_weight).
    // (the augmented types describe current runtimes only: the call is built from the metadata)
    const asMulti = api.tx.multisig.asMulti as unknown as (...a: unknown[]) => Extrinsic;
    return args.length === 6 ? asMulti(this.ms.threshold, this.others, timepoint, call.method, false, maxWeight) : asMulti(this.ms.threshold, this.others, timepoint, call.method, maxWeight);
  }
}

function toHex32(a: string): string {
  if (/^0x[0-9a-fA-F]{64}$/.test(a)) return a.toLowerCase();
  // SS58 from toJSON
  return u8aToHex(decodeAddress(a));
}
