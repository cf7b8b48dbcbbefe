import { u8aToHex } from "@polkadot/util";
import { createKeyMulti, encodeAddress } from "@polkadot/util-crypto";
import { fromHex } from "../../runtime/crypto/hash.ts";
import { thresholdFor, weakKeyedSetProblem, type AttestationKeys } from "../core/attestation-keys.ts";
import { PolkadotError } from "./errors.ts";

/**
 * The bridge account on a Substrate chain: the pallet-multisig account of the validators'
 * registered substrate keys (NexusOS's `bridge/attestationKeys {family: "substrate"}`) with the
 * smallest threshold k such that k·3 > n·2. pallet-multisig derives it from the sorted
 * signatories and k (blake2_256("modlpy/utilisuba" ‖ signatories ‖ k)), so any operator can
 * rebuild it with polkadot.js Apps or `subkey`; the NXT asset and the receipt collection are
 * owned by it, and only k of the validators' own extrinsics move it.
 */
export interface BridgeMultisig {
  readonly threshold: number;
  /** Signatories' public keys (64 lowercase hex, no 0x), sorted as the pallet sorts them. */
  readonly members: readonly string[];
  /** The multisig account, 0x + 64 hex. */
  readonly account: string;
  /** Its SS58 address under the chain's prefix. */
  readonly address: string;
}

export function bridgeMultisig(keys: readonly string[], ss58Prefix: number, threshold?: number): BridgeMultisig {
  const bad = (msg: string) => new PolkadotError("POLKADOT_CONFIG_INVALID", `bridge multisig: ${msg}`);
  if (keys.length === 0) throw bad("no keys: no validator registered a substrate attestation key");
  const seen = new Set<string>();
  for (const k of keys) {
    const hex = k.toLowerCase().replace(/^0x/, "");
    if (!/^[0-9a-f]{64}$/.test(hex)) throw bad(`key "${k}" is not a 32-byte public key (64 hex digits)`);
    if (seen.has(hex)) throw bad(`key ${hex} appears twice`);
    seen.add(hex);
  }
  const n = seen.size;
  const k = threshold ?? thresholdFor(n);
  if (!Number.isSafeInteger(k) || k < 2 || k > n) throw bad(`threshold ${k} is not between 2 and ${n} (pallet-multisig needs at least 2; a single key is no multisig)`);
  if (k * 3 <= n * 2) throw bad(`threshold ${k} of ${n} keys is not above 2/3 of the keys`);
  const members = [...seen].sort();
  const account = createKeyMulti(members.map((m) => fromHex(m)), k);
  return { threshold: k, members, account: u8aToHex(account), address: encodeAddress(account, ss58Prefix) };
}

/** The multisig of NexusOS's substrate attestation keys; refuses a keyed set of ≤ 2/3 of the power unless allowWeakKeyedSet. */
export function multisigFromAttestationKeys(ak: AttestationKeys, ss58Prefix: number, opts: { allowWeakKeyedSet?: boolean; threshold?: number } = {}): BridgeMultisig {
  if (ak.family !== "substrate") throw new PolkadotError("POLKADOT_CONFIG_INVALID", `attestation keys of family "${ak.family}", not "substrate"`);
  const weak = weakKeyedSetProblem(ak);
  if (weak && !opts.allowWeakKeyedSet) throw new PolkadotError("POLKADOT_CONFIG_INVALID", weak, { height: ak.height });
  return bridgeMultisig(
    ak.keys.map((k) => k.key),
    ss58Prefix,
    opts.threshold,
  );
}
