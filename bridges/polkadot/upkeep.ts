import type { Logger } from "pino";
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import type { FamilyUpkeep } from "../core/families.ts";
import { pendingOutbound, toOutboundTransfer } from "../core/nexus.ts";
import { MultisigApprover, type ApprovalOutcome } from "./approvals.ts";
import type { Extrinsic, SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import type { BridgeMultisig } from "./multisig.ts";
import { acceptCall, acceptedBy, handoverCall, holdersOf, receiptOf, releaseCall, setupCall, voidCall, type BridgedAsset } from "./release.ts";
import type { MultisigSets } from "./sets.ts";

/** After a release executed but its call failed (a recipient the asset cannot reach), wait this long before approving it again. */
export const DEFAULT_REAPPROVE_AFTER_MS = 10 * 60_000;

/**
 * A validator's duties on a Substrate chain, once per watcher pass (FamilyChain.upkeep). The
 * "current" multisig is the one of NexusOS's key set now; the "holder" is the multisig that owns
 * the asset and the receipt collection on the chain (they differ after a key-set change, until
 * the handover):
 *
 * 1. setup: while the asset or the collection is missing, approve creating it (by the holder of
 *    the other, else the current multisig);
 * 2. handover, when the holder is an older multisig: as a member of the current one, approve its
 *    acceptance of the collection; as a member of the holder, once accepted, approve handing both
 *    over. Releases and voids go on through the holder meanwhile;
 * 3. for each open outbound transfer to the chain (NexusOS's bridge/pendingOutbound) without a
 *    receipt: as a member of the holder, approve its release while NexusOS's clock is at or before
 *    expiresAt, its void after (whichever reaches the threshold first wins; the other can never
 *    execute); with a receipt, cancel the losing operation if this validator opened it.
 *
 * Everything is read from the chain and NexusOS each pass, so a restart resumes where the
 * chain is; a second approval by the same key is skipped.
 */
export class MultisigUpkeep {
  /** callHash → when a release executed with a failed call (do not approve again before reapproveAfterMs). */
  private readonly failedAt = new Map<string, number>();
  private readonly approvers = new Map<string, MultisigApprover>();
  readonly me: string;

  constructor(
    private readonly o: {
      readonly client: SubstrateChain;
      readonly asset: BridgedAsset;
      readonly pair: KeyringPair;
      readonly sets: MultisigSets;
      /** The multisig of NexusOS's key set now (pinned by the options, or read each pass). */
      readonly current: (u: FamilyUpkeep) => Promise<BridgeMultisig>;
      readonly logger: Logger;
      readonly reapproveAfterMs?: number;
      readonly now?: () => number;
    },
  ) {
    this.me = u8aToHex(o.pair.publicKey).slice(2);
  }

  /** This validator's approver for `ms`, or undefined when its key is not a signatory. */
  approverFor(ms: BridgeMultisig): MultisigApprover | undefined {
    if (!ms.members.includes(this.me)) return undefined;
    let a = this.approvers.get(ms.account);
    if (!a) this.approvers.set(ms.account, (a = new MultisigApprover(this.o.client, ms, this.o.pair, this.o.logger)));
    return a;
  }

  async run(u: FamilyUpkeep): Promise<void> {
    if (u.role !== "watcher") return;
    const { client, asset, logger, sets } = this.o;
    const chain = client.chainName;
    const current = await this.o.current(u);
    sets.remember(current);
    const h = await holdersOf(client, asset);
    const holderAccount = h.asset ?? h.collection ?? current.account;
    const holder = sets.get(holderAccount);
    if (!holder) {
      // An earlier multisig this watcher never belonged to (a validator that joined with the new
      // key set), or a foreign account. The acceptance is safe either way: it only lets the
      // collection move TO the current multisig.
      const inNew = this.approverFor(current);
      if (inNew && h.asset && h.collection && (await acceptedBy(client, current.account)) !== asset.receiptCollection) {
        const r = await inNew.approve(acceptCall(client, asset), "handover: the new multisig accepts the receipt collection");
        logger.info({ chain, from: holderAccount, to: current.address, step: "accept", outcome: r.kind }, "handover to the new bridge multisig");
      }
      throw new PolkadotError(
        "POLKADOT_ASSET_NOT_BRIDGED",
        `${chain}: the asset and the receipt collection are held by ${holderAccount}, neither the current bridge multisig ${current.address} nor one this watcher has known: during a handover its signatories hand them over (nothing to do here); otherwise give its signatories in options.previousMultisigs, or choose other ids`,
        { chain, holder: holderAccount },
      );
    }
    const mine = this.approverFor(holder);

    const setup = setupCall(client, asset, h, holder.account);
    if (setup) {
      if (!mine) return void logger.info({ chain, holder: holder.address }, "setup waits for the holder multisig's signatories (this validator is not one)");
      const r = await mine.approve(setup, "setup (NXT asset and receipt collection)");
      logger.info({ chain, outcome: r.kind, ...(r.kind === "executed" ? { result: r.result } : {}) }, "setup approved");
      if (r.kind !== "executed" || r.result !== "ok") return; // releases need the asset
    }

    if (holder.account !== current.account) await this.handover(holder, current);

    if (!mine) return; // releases are approved by the holder's signatories
    const open = await pendingOutbound((path, params) => u.query(path, params), chain);
    if (!open.length) return;
    const now = await u.nowSeconds();
    const errors: string[] = [];
    // Read everything first, then send this pass's approvals together in utility batches: a few
    // inclusions per pass instead of one per approval (6-12 s apiece on Asset Hub).
    const batch: { tx: Extrinsic; what: string; callHash: string; seq: bigint; expired: boolean; transferId: string; recipient: string }[] = [];
    for (const o of open) {
      if ((o.kind ?? "transfer") !== "transfer") continue;
      const t = toOutboundTransfer(o);
      const what = `${chain} #${t.seq}`;
      try {
        const receipt = await receiptOf(client, asset, t.seq);
        if (receipt) {
          const loser = receipt === "done" ? voidCall(client, asset, t.seq) : releaseCall(client, asset, t);
          await mine.cancelIfMine(loser.method.hash.toHex(), `${receipt === "done" ? "void" : "release"} of ${what}`);
          continue;
        }
        const expired = now > o.expiresAt;
        const call = expired ? voidCall(client, asset, t.seq) : releaseCall(client, asset, t);
        const failed = this.failedAt.get(call.method.hash.toHex());
        if (failed !== undefined && this.clock() - failed < (this.o.reapproveAfterMs ?? DEFAULT_REAPPROVE_AFTER_MS)) continue;
        const p = await mine.prepare(call, `${expired ? "void" : "release"} of ${what}`);
        if ("skipped" in p) continue;
        batch.push({ ...p, seq: t.seq, expired, transferId: t.transferId, recipient: t.recipient });
      } catch (e) {
        errors.push(`${what}: ${(e as Error).message}`);
      }
    }
    const sent = await mine.approveMany(batch);
    sent.forEach((res, i) => {
      const b = batch[i]!;
      try {
        if (res instanceof Error) throw res;
        const r = res;
        if (r.kind === "executed" && r.result !== "ok") {
          this.failedAt.set(b.callHash, this.clock());
          logger.warn({ chain, seq: b.seq.toString(), result: r.result, recipient: b.recipient }, b.expired ? "void executed but failed" : "release executed but its call failed (nothing minted): approved again after reapproveAfterMs, voided after expiry");
        } else if (r.kind !== "skipped") {
          logger.info({ chain, seq: b.seq.toString(), transferId: b.transferId, outcome: r.kind, block: r.inclusion.blockHash }, b.expired ? "void approved" : "release approved");
        }
      } catch (e) {
        errors.push(`${b.what}: ${(e as Error).message}`);
      }
    });
    if (errors.length) throw new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${errors.length} approval(s) failed this pass (retried next pass): ${errors.slice(0, 3).join("; ")}`, { errors });
  }

  /** Step 1 (new multisig accepts the collection) and step 2 (old multisig hands over), as this validator can. */
  private async handover(holder: BridgeMultisig, current: BridgeMultisig): Promise<void> {
    const { client, asset, logger } = this.o;
    const chain = client.chainName;
    const accepted = (await acceptedBy(client, current.account)) === asset.receiptCollection;
    const log = (step: string, r: ApprovalOutcome) =>
      r.kind !== "skipped" && logger.info({ chain, from: holder.address, to: current.address, step, outcome: r.kind, ...(r.kind === "executed" ? { result: r.result } : {}) }, "handover to the new bridge multisig");
    const inNew = this.approverFor(current);
    if (!accepted) {
      if (inNew) log("accept", await inNew.approve(acceptCall(client, asset), "handover: the new multisig accepts the receipt collection"));
      return; // the old multisig hands over once the acceptance is on the chain
    }
    const inOld = this.approverFor(holder);
    if (inOld) log("hand over", await inOld.approve(handoverCall(client, asset, current.account), `handover to ${current.address}`));
  }

  private clock(): number {
    return this.o.now?.() ?? Date.now();
  }
}

