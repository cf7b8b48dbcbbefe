import { concat, getAddress, recoverAddress, type Address, type Hex } from "viem";
import type { DestinationSignature } from "../core/types.ts";

/** secp256k1 group order; OpenZeppelin's ECDSA refuses s above n/2. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface PackedSignatures {
  /** 65 bytes per signature, r‖s‖v, by strictly ascending signer address: what NexusBridge takes. */
  readonly packed: Hex;
  /** The signers used, ascending. */
  readonly signers: readonly Address[];
  readonly signedPower: bigint;
  readonly totalPower: bigint;
  /** signedPower * 3 > totalPower * 2. */
  readonly passes: boolean;
  /** Signatures left out, and why (not in the set, not recovering to their key, duplicate). */
  readonly dropped: readonly { key: string; reason: string }[];
}

/**
 * Checks each signature against `digest` off chain (it must recover to the key it claims, with
 * a low s, as NexusBridge's ECDSA demands), keeps those of members of `set`, one per key, and
 * packs them in ascending signer order. With `minimal` (default) it keeps only as many, by
 * descending power, as pass the threshold: each signature costs gas. A signature the contract
 * would reject never reaches it, so one bad or stale key cannot block a transfer.
 */
export async function packSignatures(
  digest: Hex,
  signatures: readonly DestinationSignature[],
  set: { readonly keys: readonly Address[]; readonly powers: readonly bigint[] },
  opts: { minimal?: boolean } = {},
): Promise<PackedSignatures> {
  const power = new Map<string, bigint>();
  let totalPower = 0n;
  set.keys.forEach((k, i) => {
    power.set(k.toLowerCase(), set.powers[i]!);
    totalPower += set.powers[i]!;
  });
  const dropped: { key: string; reason: string }[] = [];
  const good = new Map<string, { signer: Address; sig: Hex; power: bigint }>();
  for (const s of signatures) {
    const key = s.key.toLowerCase();
    const p = power.get(key);
    if (p === undefined) {
      dropped.push({ key, reason: "not in the bridge's validator set" });
      continue;
    }
    if (good.has(key)) {
      dropped.push({ key, reason: "duplicate" });
      continue;
    }
    const hex = s.signature.replace(/^0x/, "");
    if (!/^[0-9a-fA-F]{130}$/.test(hex)) {
      dropped.push({ key, reason: "not 65 bytes of hex" });
      continue;
    }
    const sig = `0x${hex.toLowerCase()}` as Hex;
    const sValue = BigInt(`0x${hex.slice(64, 128)}`);
    const v = parseInt(hex.slice(128, 130), 16);
    if (sValue === 0n || sValue > N / 2n || (v !== 27 && v !== 28)) {
      dropped.push({ key, reason: "high s or bad v" });
      continue;
    }
    let signer: Address;
    try {
      signer = await recoverAddress({ hash: digest, signature: sig });
    } catch {
      dropped.push({ key, reason: "does not recover" });
      continue;
    }
    if (signer.toLowerCase() !== key) {
      dropped.push({ key, reason: `recovers to ${signer.toLowerCase()}, not its key` });
      continue;
    }
    good.set(key, { signer: getAddress(signer), sig, power: p });
  }
  let chosen = [...good.values()];
  if (opts.minimal ?? true) {
    chosen.sort((a, b) => (a.power > b.power ? -1 : a.power < b.power ? 1 : BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    const picked: typeof chosen = [];
    let acc = 0n;
    for (const c of chosen) {
      if (acc * 3n > totalPower * 2n) break;
      picked.push(c);
      acc += c.power;
    }
    chosen = picked;
  }
  chosen.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  const signedPower = chosen.reduce((s, c) => s + c.power, 0n);
  return {
    packed: chosen.length === 0 ? "0x" : concat(chosen.map((c) => c.sig)),
    signers: chosen.map((c) => c.signer),
    signedPower,
    totalPower,
    passes: totalPower > 0n && signedPower * 3n > totalPower * 2n,
    dropped,
  };
}
