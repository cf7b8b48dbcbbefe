import { keccak_256 } from "@noble/hashes/sha3.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes, fromHex, toHex, utf8 } from "../../runtime/crypto/hash.ts";

/**
 * EIP-712 digests of NexusBridge (docs/bridge-protocol.md: domain name "NexusBridge", version
 * "2") and recovery of the signer's address, with @noble only. Pure functions.
 */

const DOMAIN_TYPEHASH = keccak_256(utf8("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
export const MINT_TYPE = "Mint(bytes32 transferId,address recipient,uint256 amount,uint64 expiresAt)";
const MINT_TYPEHASH = keccak_256(utf8(MINT_TYPE));
export const BHLS_DELIVERY_TYPE = "BhlsDelivery(bytes32 transferId,bytes32 citizen,uint64 epoch,address recipient,uint256 amount,uint64 expiresAt)";
const BHLS_DELIVERY_TYPEHASH = keccak_256(utf8(BHLS_DELIVERY_TYPE));
export const EPOCH_UPDATE_TYPE = "EpochUpdate(uint64 epoch,uint256 floorAmount)";
export const VALIDATOR_SET_UPDATE_TYPE = "ValidatorSetUpdate(uint64 setId,address[] validators,uint256[] powers,uint256 nonce)";
const VALIDATOR_SET_UPDATE_TYPEHASH = keccak_256(utf8(VALIDATOR_SET_UPDATE_TYPE));
const EPOCH_UPDATE_TYPEHASH = keccak_256(utf8(EPOCH_UPDATE_TYPE));
/** secp256k1 group order; OpenZeppelin's ECDSA refuses s above n/2 (malleable twins). */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function word(v: bigint): Uint8Array {
  if (v < 0n || v >= 1n << 256n) throw new RangeError(`uint256 out of range: ${v}`);
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function addressWord(addr: string): Uint8Array {
  const out = new Uint8Array(32);
  out.set(fromHex(addr.slice(2).toLowerCase()), 12);
  return out;
}

export interface EvmDomain {
  readonly chainId: number;
  /** 0x + 40 hex digits. */
  readonly verifyingContract: string;
}

export function domainSeparator(d: EvmDomain): Uint8Array {
  return keccak_256(concatBytes(DOMAIN_TYPEHASH, keccak_256(utf8("NexusBridge")), keccak_256(utf8("2")), word(BigInt(d.chainId)), addressWord(d.verifyingContract)));
}

export interface MintFields {
  /** 64 hex digits (with or without 0x). */
  readonly transferId: string;
  readonly recipient: string;
  readonly amount: bigint;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(Mint)). */
export function mintDigest(d: EvmDomain, m: MintFields): Uint8Array {
  const id = fromHex(m.transferId.replace(/^0x/, ""));
  const struct = keccak_256(concatBytes(MINT_TYPEHASH, id, addressWord(m.recipient), word(m.amount), word(BigInt(m.expiresAt))));
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), domainSeparator(d), struct));
}

function typedDigest(d: EvmDomain, struct: Uint8Array): Uint8Array {
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), domainSeparator(d), struct));
}

export interface BhlsDeliveryFields extends MintFields {
  /** 64 hex digits: the citizen's id (rules.citizenId). */
  readonly citizen: string;
  readonly epoch: number;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(BhlsDelivery)): what deliverBhls checks. */
export function bhlsDigest(d: EvmDomain, m: BhlsDeliveryFields): Uint8Array {
  const id = fromHex(m.transferId.replace(/^0x/, ""));
  const citizen = fromHex(m.citizen.replace(/^0x/, ""));
  return typedDigest(
    d,
    keccak_256(concatBytes(BHLS_DELIVERY_TYPEHASH, id, citizen, word(BigInt(m.epoch)), addressWord(m.recipient), word(m.amount), word(BigInt(m.expiresAt)))),
  );
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(EpochUpdate)): what updateEpoch checks. */
export function epochDigest(d: EvmDomain, m: { readonly epoch: number; readonly floorAmount: bigint }): Uint8Array {
  return typedDigest(d, keccak_256(concatBytes(EPOCH_UPDATE_TYPEHASH, word(BigInt(m.epoch)), word(m.floorAmount))));
}

export interface ValidatorSetUpdateFields {
  readonly setId: bigint;
  /** 0x + 40 hex each, strictly ascending. */
  readonly validators: readonly string[];
  readonly powers: readonly bigint[];
  readonly nonce: bigint;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(ValidatorSetUpdate)): what updateValidatorSet checks (arrays hash as EIP-712 says). */
export function validatorSetDigest(d: EvmDomain, u: ValidatorSetUpdateFields): Uint8Array {
  const keys = keccak_256(concatBytes(...u.validators.map(addressWord)));
  const powers = keccak_256(concatBytes(...u.powers.map(word)));
  return typedDigest(d, keccak_256(concatBytes(VALIDATOR_SET_UPDATE_TYPEHASH, word(u.setId), keys, powers, word(u.nonce))));
}

/** The digest a validator signs for an outbound record of any kind. */
export function outboundDigest(
  d: EvmDomain,
  o: { kind?: string; transferId: string; recipient: string; amount: string; expiresAt: number; citizen?: string; epoch?: number; floorAmount?: string },
): Uint8Array {
  switch (o.kind ?? "transfer") {
    case "bhls":
      return bhlsDigest(d, { transferId: o.transferId, citizen: o.citizen!, epoch: o.epoch!, recipient: o.recipient, amount: BigInt(o.amount), expiresAt: o.expiresAt });
    case "epoch":
      return epochDigest(d, { epoch: o.epoch!, floorAmount: BigInt(o.floorAmount!) });
    default:
      return mintDigest(d, { transferId: o.transferId, recipient: o.recipient, amount: BigInt(o.amount), expiresAt: o.expiresAt });
  }
}

/** Ethereum address (0x + lowercase hex) of an uncompressed or compressed secp256k1 public key. */
export function evmAddressOf(publicKey: Uint8Array): string {
  const uncompressed = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return "0x" + toHex(keccak_256(uncompressed.subarray(1)).subarray(12));
}

/**
 * The address that made a 65-byte r‖s‖v signature (v 27 or 28) of `digest`, or null when the
 * signature is malformed, has another v, a high s, or recovers nothing: exactly what ecrecover
 * with OpenZeppelin's checks would accept (ECDSA.tryRecover hands v to ecrecover, which returns
 * nothing for v 0/1, so NexusBridge and the relayer refuse those too).
 */
export function recoverEvmSigner(digest: Uint8Array, sigHex: string): string | null {
  const hex = sigHex.replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) return null;
  const sig = fromHex(hex.toLowerCase());
  const v = sig[64]!;
  if (v !== 27 && v !== 28) return null;
  const recovery = v - 27;
  const s = BigInt("0x" + toHex(sig.subarray(32, 64)));
  if (s === 0n || s > N / 2n) return null;
  try {
    const rec = new Uint8Array(65);
    rec[0] = recovery;
    rec.set(sig.subarray(0, 64), 1);
    return evmAddressOf(secp256k1.recoverPublicKey(rec, digest, { prehash: false }));
  } catch {
    return null;
  }
}

/** Sign a digest as an EVM validator key would (tests, scripts): 0x + r‖s‖v with v 27/28. */
export function signEvmDigest(digest: Uint8Array, secretKey: Uint8Array): string {
  const rec = secp256k1.sign(digest, secretKey, { prehash: false, format: "recovered" });
  const out = new Uint8Array(65);
  out.set(rec.subarray(1), 0);
  out[64] = rec[0]! + 27;
  return "0x" + toHex(out);
}
