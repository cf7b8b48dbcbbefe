import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { addressFor, addressMatchesKey } from "../../runtime/crypto/address.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { concatBytes, fromHex, sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { Endorsement } from "./records.ts";

/**
 * FEMTO multi-endorsement: active validators sign a proposal's content before it is
 * submitted (like the signatures of a multisig), and the submission carries the signatures.
 * What is signed binds the chain and exactly the proposal's band, title, summary and messages.
 */
export const ENDORSEMENT_DOMAIN = "nexus-gov-endorsement-v1";

export interface ProposalContent {
  readonly band: number;
  readonly title: string;
  readonly summary: string;
  readonly msgs: readonly { typeUrl: string; value: unknown }[];
}

export function contentHash(p: ProposalContent): string {
  return toHex(sha256(encodeCanonical({ band: p.band, msgs: p.msgs.map((m) => ({ typeUrl: m.typeUrl, value: m.value })), summary: p.summary, title: p.title })));
}

export function endorsementBytes(chainId: string, hash: string): Uint8Array {
  return concatBytes(utf8(`${ENDORSEMENT_DOMAIN}\n${chainId}\n`), fromHex(hash));
}

/** Sign a proposal's content with a validator's Ed25519 key (the CLI's `gov endorse`). */
export function endorse(chainId: string, content: ProposalContent, secretKey: Uint8Array): Endorsement {
  const pub = ed25519.generate(secretKey).publicKey;
  return { validator: addressFor(ed25519.id, pub), pubKey: toHex(pub), signature: toHex(ed25519.sign(secretKey, endorsementBytes(chainId, contentHash(content)))) };
}

/** Why an endorsement does not verify (null: it does). Whether the signer is an active validator is the keeper's question. */
export function endorsementProblem(chainId: string, hash: string, e: Endorsement): string | null {
  const pub = fromHex(e.pubKey);
  if (!addressMatchesKey(e.validator, ed25519.id, pub)) return `endorsement of ${e.validator}: pubKey is not that address's key`;
  if (!ed25519.verify(pub, endorsementBytes(chainId, hash), fromHex(e.signature))) return `endorsement of ${e.validator}: the signature does not verify over this proposal on ${chainId}`;
  return null;
}
