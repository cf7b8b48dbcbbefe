import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { concatBytes, fromHex, sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";

/**
 * A PICO attestation: a registered attestor vouches that `citizen` controls the phone whose
 * salted hash is `phoneHash`, until `expiresAt`. The phone number itself never leaves the
 * attestor: phoneHash = SHA-256(salt ‖ E.164 number), the salt being the attestor's secret.
 * Shared by the bhls module (which verifies) and the attestor service (which signs).
 */
export interface Attestation {
  chainId: string;
  /** Address that becomes a citizen. */
  citizen: string;
  /** SHA-256(salt ‖ UTF-8 E.164 number), lowercase hex, 64 characters. */
  phoneHash: string;
  /** Unix seconds of block time after which the attestation no longer registers (nor keeps) a citizen. */
  expiresAt: number;
  /** The attestor's account address (registered with the bhls module by governance). */
  attestor: string;
}

/** Domain separation: an attestation signature is never valid as any other NexusOS signature. */
export const ATTESTATION_DOMAIN = "nexus-bhls-attestation-v1";

/** The bytes an attestor signs: the domain tag, then the attestation as canonical CBOR. */
export function attestationBytes(a: Attestation): Uint8Array {
  return concatBytes(utf8(`${ATTESTATION_DOMAIN}\n`), encodeCanonical({ attestor: a.attestor, chainId: a.chainId, citizen: a.citizen, expiresAt: a.expiresAt, phoneHash: a.phoneHash }));
}

/** SHA-256(salt ‖ E.164 number) as hex. `e164` must already be validated (+ and 8–15 digits). */
export function phoneHash(salt: Uint8Array, e164: string): string {
  return toHex(sha256(concatBytes(salt, utf8(e164))));
}

/** Ed25519 signature of the attestor over attestationBytes, hex. */
export function signAttestation(a: Attestation, attestorSecretKey: Uint8Array): string {
  return toHex(ed25519.sign(attestorSecretKey, attestationBytes(a)));
}

/** True when `signature` (hex) is the Ed25519 signature of `attestorPubKey` (hex) over `a`, and that key is a.attestor's. */
export function verifyAttestation(a: Attestation, attestorPubKey: string, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(attestorPubKey) || !/^[0-9a-f]{128}$/.test(signature)) return false;
  const pub = fromHex(attestorPubKey);
  if (addressFor(ed25519.id, pub) !== a.attestor) return false;
  return ed25519.verify(pub, attestationBytes(a), fromHex(signature));
}

/** Wire value of the registration message (append-only). */
export const REGISTER_CITIZEN_TYPE_URL = "/bhls.v1.MsgRegisterCitizen";

/**
 * The registration message an attestor submits in a PICO-band transaction it signs itself
 * (SPEC: a PICO transaction is valid only when its signers are registered attestors):
 * { sender: attestor address, attestation, attestorPubKey: hex, signature: hex }.
 */
export function registerCitizenMsg(attestation: Attestation, attestorPubKey: string, signature: string): { typeUrl: string; value: Record<string, unknown> } {
  return { typeUrl: REGISTER_CITIZEN_TYPE_URL, value: { sender: attestation.attestor, attestation: { ...attestation }, attestorPubKey, signature } };
}
