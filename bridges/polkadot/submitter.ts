import type { DestinationSignature, DestinationStatus, DestinationSubmitter, OutboundTransfer } from "../core/types.ts";
import type { SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import { checkTransfer, receiptOf, type BridgedAsset } from "./release.ts";

/**
 * The status of NexusOS → Substrate transfers, read from the receipt collection: "done" once
 * the release executed (receipt item <seq> owned by the multisig), "expired" once the
 * validators voided it (item <seq> owned by VOID_ACCOUNT: the release can never execute),
 * else "pending". There is nothing for a relayer to carry: pallet-multisig executes a call only
 * from its signatories' own extrinsics, so the validators' watchers approve and thereby execute
 * releases (upkeep.ts); submit() says so.
 */
export class SubstrateDestinationSubmitter implements DestinationSubmitter {
  readonly chain: string;

  constructor(private readonly o: { readonly client: SubstrateChain; readonly asset: BridgedAsset }) {
    this.chain = o.client.chainName;
  }

  async status(t: OutboundTransfer): Promise<DestinationStatus> {
    checkTransfer(this.chain, t);
    const r = await receiptOf(this.o.client, this.o.asset, t.seq);
    return r === "done" ? "done" : r === "void" ? "expired" : "pending";
  }

  async submit(t: OutboundTransfer, _signatures: readonly DestinationSignature[]): Promise<{ txHash: string }> {
    throw new PolkadotError("POLKADOT_NO_RELAYER_ROLE", `${this.chain} #${t.seq}: releases on a Substrate chain are executed by the validators' own multisig approvals (their watchers), not carried by a relayer`);
  }
}
