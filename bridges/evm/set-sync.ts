import type { Logger } from "pino";
import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";
import { bridgeMsg } from "../../modules/bridge/client.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { CheckedBridge } from "./client.ts";
import { EvmBridgeError } from "./errors.ts";
import type { EvmDestinationSigner } from "./signer.ts";
import { desiredSet, planValidatorSetUpdate, readBridgeSet, submitValidatorSetUpdate, validatorSetUpdateDigest, type AttestationKeys } from "./validator-set.ts";

/** One collected signature as bridge/setUpdateSignatures lists it. */
interface CollectedSignature {
  validator: string;
  key: string;
  signature: string;
  digest: string;
}

export interface SetSyncOptions {
  readonly chain: string;
  readonly client: PublicClient;
  readonly bridge: () => Promise<CheckedBridge>;
  readonly logger: Logger;
  /** A watcher's signer: signs the update when its key is in the contract's set or the incoming one. */
  readonly signer?: EvmDestinationSigner;
  /** A relayer's wallet: submits the update once the collected signatures pass both thresholds. */
  readonly wallet?: WalletClient<Transport, Chain, Account>;
  readonly receiptTimeoutMs?: number;
}

/**
 * The EVM family's upkeep: NexusBridge's validator set follows NexusOS's. Each pass compares the
 * contract's set with the one NexusOS's attestation keys give (validator-set.ts desiredSet); when
 * they differ, a watcher whose key is in either set signs the ValidatorSetUpdate and publishes the
 * signature on NexusOS (MsgSignValidatorSetUpdate, checked there), and a relayer collects the
 * signatures (bridge/setUpdateSignatures) and submits updateValidatorSet once they hold more
 * than 2/3 of both sets' power. Anyone may relay; the contract checks everything itself.
 */
export function validatorSetUpkeep(o: SetSyncOptions): (u: FamilyUpkeep) => Promise<void> {
  const log = o.logger.child({ upkeep: "validator-set" });
  return async (u) => {
    const ak = await u.query<AttestationKeys>("bridge/attestationKeys", { family: "evm" });
    let desired;
    try {
      desired = desiredSet(ak);
    } catch (e) {
      // Not enough keys registered yet (or a malformed answer): nothing to sign or send.
      log.debug({ reason: (e as Error).message }, "NexusOS's EVM keys do not make a set yet");
      return;
    }
    const bridge = await o.bridge();
    const current = await readBridgeSet(o.client, bridge.bridgeAddress);
    const plan = planValidatorSetUpdate(desired, current);
    if (!plan.needed) return;
    const update = plan.update;
    const digest = validatorSetUpdateDigest(bridge.chainId, bridge.bridgeAddress, update).slice(2);
    const setId = Number(update.setId);
    const collected = (await u.query<{ signatures: CollectedSignature[] }>("bridge/setUpdateSignatures", { chain: o.chain, setId })).signatures.filter((s) => s.digest === digest);

    if (u.role === "watcher" && o.signer && u.send && u.validator) {
      const key = o.signer.key;
      const member = current.validators.some((v) => v.toLowerCase() === key) || update.validators.some((v) => v.toLowerCase() === key);
      if (member && !collected.some((s) => s.validator === u.validator)) {
        const signature = `0x${await o.signer.signValidatorSetUpdate(update)}`;
        const msg = bridgeMsg.signValidatorSetUpdate(u.validator, o.chain, { setId, validators: update.validators.map((v) => v.toLowerCase()), powers: update.powers.map(String), nonce: update.nonce.toString() }, signature);
        const r = await u.send(msg);
        if (r.codeName !== "OK" && r.codeName !== "BRIDGE_DUPLICATE_SIGNATURE") throw new Error(`MsgSignValidatorSetUpdate refused: ${r.codeName}: ${r.log}`);
        log.info({ setId, validators: update.validators.length }, "signed the bridge's next validator set");
      }
    }

    if (u.role === "relayer" && o.wallet) {
      const sigs = collected.map((s) => ({ key: s.key, signature: s.signature }));
      try {
        const r = await submitValidatorSetUpdate({ client: o.client, wallet: o.wallet, bridge, update, currentSignatures: sigs, incomingSignatures: sigs, logger: log, ...(o.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: o.receiptTimeoutMs }) });
        log.info({ setId, tx: r.txHash, alreadyApplied: r.alreadyApplied }, "bridge validator set now follows NexusOS's");
      } catch (e) {
        if (e instanceof EvmBridgeError && e.code === "EVM_INSUFFICIENT_POWER") {
          log.debug({ setId, signatures: sigs.length, reason: e.message }, "waiting for more validator-set signatures");
          return;
        }
        throw e;
      }
    }
  };
}
