import { moduleAddress } from "../../../runtime/crypto/address.ts";
import type { Ctx } from "../../../runtime/modules/types.ts";
import { BRIDGE_ESCROW } from "../accounts.ts";
import { BridgeEvents } from "../events.ts";
import type { BhlsForBridge } from "../expected-keepers.ts";
import { canonicalAddress } from "../families.ts";
import * as K from "../keys.ts";
import { citizenId } from "../rules.ts";
import type { BridgeKeeper } from "./bridge-keeper.ts";

/** BHLS claims turned into outbound records per block, at most. */
export const BHLS_DELIVERIES_PER_BLOCK = 50;
const BHLS_ESCROW = "bhls_bridge_escrow";

/**
 * Cross-chain BHLS (docs/bridges.md): a citizen's claim directed to an EVM chain, escrowed by
 * the BHLS module, becomes an outbound record of kind "bhls" that validators sign as an EIP-712
 * BhlsDelivery and a relayer submits to NexusBridge.deliverBhls, which pays through the chain's
 * BHLSDistributor at most once per (citizen, epoch). Before a chain's first delivery of an epoch
 * comes an outbound of kind "epoch" (EpochUpdate: the epoch and its share as the floor), which
 * opens the epoch on the distributor. The claim's NXT moves from the BHLS escrow to bridge_escrow
 * (it backs the WNXT minted there); if the delivery expires, the citizen is refunded here.
 * Claims for a chain that is not an enabled, unpaused EVM chain wait in the BHLS escrow.
 */
export class BhlsDeliveryKeeper {
  constructor(
    private readonly k: BridgeKeeper,
    private readonly bhls: BhlsForBridge | null,
  ) {}

  endBlock(ctx: Ctx): void {
    if (this.bhls === null) return;
    const open = new Set(this.k.chains(ctx).filter((c) => c.family === "evm" && c.enabled && !c.paused && c.evm).map((c) => c.name));
    if (open.size === 0) return;
    for (const claim of this.bhls.bridgeClaimsFor(ctx, open, BHLS_DELIVERIES_PER_BLOCK)) {
      const c = this.k.requireChain(ctx, claim.chain);
      const amount = BigInt(claim.amount);
      const to = canonicalAddress(c, claim.address);
      if (!to.ok) {
        // Never lost: an address the destination cannot pay is paid to the citizen here.
        this.bhls.releaseBridgeClaim(ctx, claim.id, claim.citizen);
        ctx.emit(BridgeEvents.BhlsRefused, { chain: c.name, claim: String(claim.id), citizen: claim.citizen, reason: to.reason });
        continue;
      }
      if (claim.epoch > (K.BhlsEpochs.get(ctx, c.name) ?? 0)) {
        const floor = BigInt(this.bhls.epochShare(ctx, claim.epoch)?.share ?? claim.amount);
        this.k.outbound.create(ctx, c, { kind: "epoch", sender: moduleAddress(BHLS_ESCROW), recipient: c.evm!.bridgeContract, amount: 0n, epoch: claim.epoch, floorAmount: floor });
        K.BhlsEpochs.set(ctx, c.name, claim.epoch);
      }
      this.bhls.releaseBridgeClaim(ctx, claim.id, moduleAddress(BRIDGE_ESCROW));
      this.k.outbound.create(ctx, c, { kind: "bhls", sender: claim.citizen, recipient: to.address, amount, citizen: citizenId(claim.citizen), epoch: claim.epoch });
    }
  }
}
