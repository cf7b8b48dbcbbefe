import { u8aConcat, hexToU8a, stringToU8a } from "@polkadot/util";
import { toHex } from "../../runtime/crypto/hash.ts";
import type { DestinationSigner, OutboundTransfer } from "../core/types.ts";
import type { SubstrateChain } from "./chain.ts";
import type { SubstrateKey } from "./keys.ts";
import { releaseCall, type BridgedAsset } from "./release.ts";

const DOMAIN = stringToU8a("nexusos/bridge/substrate/v1");

/** What a validator's NexusOS signature of outbound t covers: domain ‖ the chain's genesis hash ‖ the release call's hash. */
export function releaseSigningMessage(client: SubstrateChain, asset: BridgedAsset, t: OutboundTransfer): Uint8Array {
  return u8aConcat(DOMAIN, client.api.genesisHash.toU8a(), hexToU8a(releaseCall(client, asset, t).method.hash.toHex()));
}

/**
 * A validator's Substrate key as NexusOS's DestinationSigner: its sr25519 signature over the
 * exact release call (releaseSigningMessage) goes on NexusOS with MsgSignOutbound, a public
 * record of which validators stand behind the call their multisig approvals execute. The chain
 * itself counts only the approvals (upkeep.ts); NexusOS's signatures make the transfer "ready".
 */
export class SubstrateDestinationSigner implements DestinationSigner {
  readonly chain: string;
  readonly key: string;

  constructor(private readonly o: { readonly client: SubstrateChain; readonly asset: BridgedAsset; readonly key: SubstrateKey }) {
    this.chain = o.client.chainName;
    this.key = o.key.publicKeyHex;
  }

  async sign(t: OutboundTransfer): Promise<string> {
    return toHex(this.o.key.sign(releaseSigningMessage(this.o.client, this.o.asset, t)));
  }

  toJSON(): { chain: string; key: string } {
    return { chain: this.chain, key: this.key };
  }
}
