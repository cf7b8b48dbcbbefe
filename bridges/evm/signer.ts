import type { Address, Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { DestinationSigner, OutboundTransfer } from "../core/types.ts";
import { bridgeDomain, OUTBOUND_TYPES, VALIDATOR_SET_TYPES } from "./abi.ts";
import { outboundCall } from "./transfer.ts";
import type { ValidatorSetUpdate } from "./validator-set.ts";

export interface EvmDestinationSignerOptions {
  readonly chain: string;
  readonly chainId: number;
  readonly bridgeAddress: Address;
  /** The validator's EVM attestation key (kept in a private field: never logged or serialized). */
  readonly account: PrivateKeyAccount;
  /** Awaited before each signature: the chain check (client.ts checkBridge), so a validator never signs for a misconfigured domain. */
  readonly ready?: () => Promise<unknown>;
}

/**
 * A validator's EVM attestation key: signs NexusBridge's EIP-712 Mint for outbound transfers
 * (BhlsDelivery and EpochUpdate for cross-chain BHLS)
 * (domain {"NexusBridge", "2", chainId, bridgeAddress}), and ValidatorSetUpdate messages.
 * Signatures are 65 bytes r‖s‖v (v 27/28, low s), hex without 0x as core's types say.
 */
export class EvmDestinationSigner implements DestinationSigner {
  readonly chain: string;
  /** The lowercase 0x address registered on NexusOS (MsgRegisterAttestationKey family "evm"). */
  readonly key: string;
  readonly #account: PrivateKeyAccount;
  readonly #domain: ReturnType<typeof bridgeDomain>;
  readonly #ready: () => Promise<unknown>;

  constructor(o: EvmDestinationSignerOptions) {
    this.chain = o.chain;
    this.#account = o.account;
    this.key = o.account.address.toLowerCase();
    this.#domain = bridgeDomain(o.chainId, o.bridgeAddress);
    this.#ready = o.ready ?? (async () => undefined);
  }

  /** Signs what the record carries out: Mint, BhlsDelivery or EpochUpdate (transfer.ts outboundCall). */
  async sign(t: OutboundTransfer): Promise<string> {
    const call = outboundCall(this.chain, t);
    await this.#ready();
    const sig = await this.#account.signTypedData({ domain: this.#domain, types: OUTBOUND_TYPES, primaryType: call.primaryType, message: call.message as never });
    return sig.slice(2);
  }

  /** Signs a ValidatorSetUpdate (as a member of the current set or of the incoming one). */
  async signValidatorSetUpdate(u: ValidatorSetUpdate): Promise<string> {
    await this.#ready();
    const sig: Hex = await this.#account.signTypedData({
      domain: this.#domain,
      types: VALIDATOR_SET_TYPES,
      primaryType: "ValidatorSetUpdate",
      message: { setId: u.setId, validators: [...u.validators], powers: [...u.powers], nonce: u.nonce },
    });
    return sig.slice(2);
  }

  toJSON(): { chain: string; key: string } {
    return { chain: this.chain, key: this.key };
  }
}
