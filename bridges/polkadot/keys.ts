import type { Logger } from "pino";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, sr25519Verify } from "@polkadot/util-crypto";
import { fromHex } from "../../runtime/crypto/hash.ts";
import { readSecretKeyHex, type KeySource } from "../core/secret-key.ts";
import { PolkadotError } from "./errors.ts";

export type { KeySource };

/**
 * A validator's Substrate attestation key: an sr25519 pair from a 32-byte seed (the
 * "mini secret" `subkey inspect 0x…` takes). Its public key is both what NexusOS registers
 * (MsgRegisterAttestationKey family "substrate", 64 hex digits) and the validator's account on
 * the chain, a signatory of the bridge's multisig that submits and pays for its approvals.
 */
export class SubstrateKey {
  readonly pair: KeyringPair;
  /** 64 lowercase hex digits, no 0x. */
  readonly publicKeyHex: string;

  constructor(seed: Uint8Array) {
    this.pair = new Keyring({ type: "sr25519" }).addFromSeed(seed);
    this.publicKeyHex = u8aToHex(this.pair.publicKey).slice(2);
  }

  /** sr25519 (randomized): 64 bytes. */
  sign(message: Uint8Array): Uint8Array {
    return this.pair.sign(message);
  }

  toJSON(): { publicKey: string } {
    return { publicKey: this.publicKeyHex };
  }
}

export function verifySubstrateSignature(signature: Uint8Array, message: Uint8Array, publicKeyHex: string): boolean {
  try {
    return signature.length === 64 && sr25519Verify(message, signature, fromHex(publicKeyHex));
  } catch {
    return false;
  }
}

/** Loads the seed from `source`; errors name the variable or file, never the key. */
export async function loadSubstrateKey(source: KeySource, what: string, opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {}): Promise<SubstrateKey> {
  const { hex } = readSecretKeyHex(source, what, (m) => new PolkadotError("POLKADOT_CONFIG_INVALID", m), opts);
  await cryptoWaitReady();
  return new SubstrateKey(fromHex(hex));
}
