import type { Logger } from "pino";
import type { FamilyUpkeep } from "../core/families.ts";
import { pendingOutbound, toOutboundTransfer } from "../core/nexus.ts";
import type { MultisigApprover } from "./approvals.ts";
import type { SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import { receiptOf, releaseCall, setupCall, voidCall, type BridgedAsset } from "./release.ts";

/** After a release executed but its call failed (a recipient the asset cannot reach), wait this long before approving it again. */
export const DEFAULT_REAPPROVE_AFTER_MS = 10 * 60_000;

/**
 * A validator's duties on a Substrate chain, once per watcher pass (FamilyChain.upkeep):
 *
 * 1. setup: while the NXT asset or the receipt collection is missing, approve the setup call;
 * 2. for each open outbound transfer to the chain (NexusOS's bridge/pendingOutbound) without a
 *    receipt: approve its release while NexusOS's clock is at or before expiresAt, its void
 *    after (whichever reaches the threshold first wins; the other can never execute);
 * 3. a transfer with a receipt: cancel the losing operation if this validator opened it (its
 *    deposit comes back). Its result is attested by the core (status "done" / "expired").
 *
 * Everything is read from the chain and NexusOS each pass, so a restart resumes where the
 * chain is; a second approval by the same key is refused by the pallet (we skip it first).
 */
export class MultisigUpkeep {
  /** callHash → when a release executed with a failed call (do not approve again before reapproveAfterMs). */
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly o: {
      readonly client: SubstrateChain;
      readonly asset: BridgedAsset;
      readonly approver: MultisigApprover;
      readonly logger: Logger;
      readonly reapproveAfterMs?: number;
      readonly now?: () => number;
    },
  ) {}

  async run(u: FamilyUpkeep): Promise<void> {
    if (u.role !== "watcher") return;
    const { client, asset, approver, logger } = this.o;
    const chain = client.chainName;
    const setup = await setupCall(client, asset);
    if (setup) {
      const r = await approver.approve(setup, "setup (NXT asset and receipt collection)");
      logger.info({ chain, outcome: r.kind, ...(r.kind === "executed" ? { result: r.result } : {}) }, "setup approved");
      if (r.kind !== "executed" || r.result !== "ok") return; // releases need the asset
    }
    const open = await pendingOutbound((path, params) => u.query(path, params), chain);
    if (!open.length) return;
    const now = await u.nowSeconds();
    const errors: string[] = [];
    for (const o of open) {
      if ((o.kind ?? "transfer") !== "transfer") continue;
      const t = toOutboundTransfer(o);
      const what = `${chain} #${t.seq}`;
      try {
        const receipt = await receiptOf(client, asset, t.seq);
        if (receipt) {
          const loser = receipt === "done" ? voidCall(client, asset, t.seq) : releaseCall(client, asset, t);
          await approver.cancelIfMine(loser.method.hash.toHex(), `${receipt === "done" ? "void" : "release"} of ${what}`);
          continue;
        }
        const expired = now > o.expiresAt;
        const call = expired ? voidCall(client, asset, t.seq) : releaseCall(client, asset, t);
        const hash = call.method.hash.toHex();
        const failed = this.failedAt.get(hash);
        if (failed !== undefined && this.clock() - failed < (this.o.reapproveAfterMs ?? DEFAULT_REAPPROVE_AFTER_MS)) continue;
        const r = await approver.approve(call, `${expired ? "void" : "release"} of ${what}`);
        if (r.kind === "skipped") continue;
        if (r.kind === "executed" && r.result !== "ok") {
          this.failedAt.set(hash, this.clock());
          logger.warn({ chain, seq: t.seq.toString(), result: r.result, recipient: t.recipient }, expired ? "void executed but failed" : "release executed but its call failed (nothing minted): approved again after reapproveAfterMs, voided after expiry");
        } else {
          logger.info({ chain, seq: t.seq.toString(), transferId: t.transferId, outcome: r.kind, block: r.inclusion.blockHash }, expired ? "void approved" : "release approved");
        }
      } catch (e) {
        errors.push(`${what}: ${(e as Error).message}`);
      }
    }
    if (errors.length) throw new PolkadotError("POLKADOT_EXTRINSIC_FAILED", `${errors.length} approval(s) failed this pass (retried next pass): ${errors.slice(0, 3).join("; ")}`, { errors });
  }

  private clock(): number {
    return this.o.now?.() ?? Date.now();
  }
}
