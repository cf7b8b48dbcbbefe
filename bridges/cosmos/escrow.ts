import { createMultisigThresholdPubkey, encodeSecp256k1Pubkey, pubkeyToAddress, type MultisigThresholdPubkey } from "@cosmjs/amino";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { fromHex, toHex } from "../../runtime/crypto/hash.ts";
import { thresholdFor, weakKeyedSetProblem, type AttestationKeys } from "../core/attestation-keys.ts";
import { CosmosBridgeError } from "./errors.ts";

/**
 * The escrow on a Cosmos chain: a LegacyAminoPubKey threshold multisig of the validators'
 * registered cosmos keys (NexusOS's `bridge/attestationKeys {family: "cosmos"}`), with the
 * smallest threshold k such that k·3 > n·2 (strictly more than 2/3 of the keys: 3 of 4, 5 of 7).
 * The keys are ordered as `<appd> keys add --multisig` orders them by default (by their 20-byte
 * address, ascending: cosmjs' createMultisigThresholdPubkey), so operators can rebuild the same
 * account with the chain's own CLI; the address is SHA-256 of its amino encoding, first 20 bytes.
 */
export interface EscrowMultisig {
  /** k: signatures needed. */
  readonly threshold: number;
  /** The members' compressed public keys (66 lowercase hex), in the multisig's order. */
  readonly members: readonly string[];
  /** The amino LegacyAminoPubKey ("tendermint/PubKeyMultisigThreshold"). */
  readonly pubkey: MultisigThresholdPubkey;
  /** Its bech32 address under the chain's prefix. */
  readonly address: string;
}

export { thresholdFor, type AttestationKeys };

/** The escrow multisig of `keys` (compressed secp256k1 public keys, hex) under `prefix`; threshold defaults to thresholdFor(n). */
export function escrowMultisig(keys: readonly string[], prefix: string, threshold?: number): EscrowMultisig {
  const bad = (msg: string) => new CosmosBridgeError("COSMOS_CONFIG_INVALID", `escrow multisig: ${msg}`, false);
  if (keys.length === 0) throw bad("no keys: no validator registered a cosmos attestation key");
  const seen = new Set<string>();
  for (const k of keys) {
    const hex = k.toLowerCase();
    if (!/^0[23][0-9a-f]{64}$/.test(hex)) throw bad(`key "${k}" is not a compressed secp256k1 public key (66 hex digits starting 02 or 03)`);
    try {
      secp256k1.Point.fromHex(hex);
    } catch {
      throw bad(`key "${k}" is not a point of secp256k1`);
    }
    if (seen.has(hex)) throw bad(`key ${hex} appears twice`);
    seen.add(hex);
  }
  const k = threshold ?? thresholdFor(keys.length);
  if (!Number.isSafeInteger(k) || k < 1 || k > keys.length) throw bad(`threshold ${k} is not between 1 and ${keys.length}`);
  if (k * 3 <= keys.length * 2) throw bad(`threshold ${k} of ${keys.length} keys is not above 2/3 of the keys`);
  const pubkey = createMultisigThresholdPubkey(
    keys.map((x) => encodeSecp256k1Pubkey(fromHex(x.toLowerCase()))),
    k,
  );
  const members = pubkey.value.pubkeys.map((p) => toHex(Buffer.from(p.value as string, "base64")));
  return { threshold: k, members, pubkey, address: pubkeyToAddress(pubkey, prefix) };
}

/**
 * The escrow multisig of NexusOS's cosmos attestation keys. Refuses, unless `allowWeakKeyedSet`,
 * a set whose validators with a cosmos key hold at most 2/3 of the whole active set's power:
 * the multisig counts keys, and the keys must at least belong to a NexusOS supermajority.
 */
export function escrowFromAttestationKeys(ak: AttestationKeys, prefix: string, opts: { allowWeakKeyedSet?: boolean; threshold?: number } = {}): EscrowMultisig {
  if (ak.family !== "cosmos") throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `attestation keys of family "${ak.family}", not "cosmos"`, false);
  const weak = weakKeyedSetProblem(ak);
  if (!opts.allowWeakKeyedSet && weak) throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", weak, false);
  return escrowMultisig(
    ak.keys.map((k) => k.key),
    prefix,
    opts.threshold,
  );
}
