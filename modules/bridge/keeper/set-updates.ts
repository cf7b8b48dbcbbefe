import type { Ctx } from "../../../runtime/modules/types.ts";
import { toHex } from "../../../runtime/crypto/hash.ts";
import { recoverEvmSigner, validatorSetDigest } from "../eip712.ts";
import { BridgeError } from "../errors.ts";
import { BridgeEvents } from "../events.ts";
import * as K from "../keys.ts";
import type { SetUpdateSignature } from "../records.ts";
import type { BridgeKeeper } from "./bridge-keeper.ts";

export interface SetUpdate {
  readonly setId: number;
  /** 0x + 40 hex digits each; strictly ascending. */
  readonly validators: readonly string[];
  readonly powers: readonly string[];
  readonly nonce: string;
}

/**
 * Signatures of NexusBridge's ValidatorSetUpdate, collected on NexusOS: an EVM chain's bridge
 * changes its set only on signatures of more than 2/3 of the power of its current set AND of the
 * incoming one. Each validator's watcher signs the update that makes the contract's set equal to
 * NexusOS's (bridge/attestationKeys); a relayer reads them here and submits. Any validator with a
 * registered EVM key may sign, bonded or not (members of the contract's current set may have left
 * NexusOS's set): the contract, not NexusOS, counts the power. Kept for the two newest set ids.
 */
export class SetUpdateKeeper {
  constructor(private readonly k: BridgeKeeper) {}

  sign(ctx: Ctx, validator: string, chainName: string, u: SetUpdate, signature: string): void {
    const c = this.k.requireChain(ctx, chainName);
    if (c.family !== "evm" || !c.evm) throw new BridgeError("BRIDGE_INVALID_CHAIN", `chain "${chainName}" is not an EVM chain with a bridge contract: no validator-set updates to sign`, { chain: chainName });
    if (this.k.staking.validator(ctx, validator) === undefined) throw new BridgeError("BRIDGE_NOT_VALIDATOR", `${validator} is not a validator`, { validator });
    const key = this.k.attestationKey(ctx, validator, "evm");
    if (key === undefined) throw new BridgeError("BRIDGE_NO_ATTESTATION_KEY", `${validator} has no evm attestation key (MsgRegisterAttestationKey)`, { validator, family: "evm" });
    const bad = (m: string) => new BridgeError("BRIDGE_INVALID_PARAMS", `validator-set update ${u.setId} for ${chainName}: ${m}`, { chain: chainName, setId: u.setId });
    if (u.validators.length === 0 || u.validators.length > 128) throw bad(`${u.validators.length} validators (1 to 128)`);
    if (u.powers.length !== u.validators.length) throw bad("one power per validator");
    for (let i = 0; i < u.validators.length; i++) {
      if (!/^0x[0-9a-f]{40}$/.test(u.validators[i]!)) throw bad(`validator ${i} is not a lowercase 0x address`);
      if (i > 0 && BigInt(u.validators[i]!) <= BigInt(u.validators[i - 1]!)) throw bad("validators must be strictly ascending");
      if (BigInt(u.powers[i]!) === 0n) throw bad(`power ${i} is zero`);
    }
    const sig = signature.toLowerCase();
    const digest = validatorSetDigest(
      { chainId: c.evm.chainId, verifyingContract: c.evm.bridgeContract },
      { setId: BigInt(u.setId), validators: u.validators, powers: u.powers.map(BigInt), nonce: BigInt(u.nonce) },
    );
    const signer = recoverEvmSigner(digest, sig);
    if (signer !== key) {
      throw new BridgeError("BRIDGE_BAD_SIGNATURE", `the signature recovers to ${signer ?? "nothing"}, not ${validator}'s EVM key ${key} (EIP-712 ValidatorSetUpdate, chainId ${c.evm.chainId})`, { expected: key, recovered: signer ?? "" });
    }
    const prev = K.SetUpdateSigs.get(ctx, [chainName, u.setId, validator]);
    if (prev && prev.digest === toHex(digest) && prev.key === key) {
      throw new BridgeError("BRIDGE_DUPLICATE_SIGNATURE", `${validator} already signed validator-set update ${u.setId} for ${chainName}`, { validator, chain: chainName, setId: u.setId });
    }
    const rec: SetUpdateSignature = { key, signature: sig, digest: toHex(digest), validators: [...u.validators], powers: [...u.powers], nonce: u.nonce, height: ctx.block.height };
    K.SetUpdateSigs.set(ctx, [chainName, u.setId, validator], rec);
    ctx.emit(BridgeEvents.SetUpdateSigned, { chain: chainName, setId: String(u.setId), validator });
    // Only the two newest set ids matter (the one to submit, and the one just applied).
    const stale: [string, number, string][] = [];
    for (const [k] of K.SetUpdateSigs.iterate(ctx, { prefix: [chainName] })) if (k[1] < u.setId - 1) stale.push(k);
    for (const k of stale) K.SetUpdateSigs.delete(ctx, k);
  }

  signatures(ctx: Ctx, chainName: string, setId: number): ({ validator: string } & SetUpdateSignature)[] {
    return [...K.SetUpdateSigs.iterate(ctx, { prefix: [chainName, setId] })].map(([[, , validator], s]) => ({ validator, ...s }));
  }
}
