import { utf8, sha256 } from "../crypto/hash.ts";
import { addressMatchesKey, addressFor } from "../crypto/address.ts";
import type { SchemeRegistry, SignatureScheme } from "../crypto/signature-scheme.ts";
import { encodeBody, encodeTx, decodeTx, type AuthEntry, type DecodedTx, type Tx, type TxBody } from "./envelope.ts";
import { TxError } from "./errors.ts";

const TX_DOMAIN = utf8("NEXUS-TX-V1");

/**
 * What a signer signs: SHA-256 over a domain tag, the signer's scheme id and the body.
 * Binding the scheme id stops a signature being replayed under another scheme's rules.
 */
export function signBytes(bodyBytes: Uint8Array, schemeId: string): Uint8Array {
  return sha256(TX_DOMAIN, new Uint8Array([0]), utf8(schemeId), new Uint8Array([0]), bodyBytes);
}

export interface Signer {
  readonly scheme: SignatureScheme;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function signerAddress(s: Signer): string {
  return addressFor(s.scheme.id, s.publicKey);
}

/** Sign a body with the sender first, then any co-signers; returns the wire bytes and hash. */
export function signTx(body: TxBody, signers: readonly Signer[]): DecodedTx {
  const bodyBytes = encodeBody(body);
  const auth: AuthEntry[] = signers.map((s) => ({
    scheme: s.scheme.id,
    publicKey: s.publicKey,
    signature: s.scheme.sign(s.secretKey, signBytes(bodyBytes, s.scheme.id)),
  }));
  const tx: Tx = { body, auth };
  return decodeTx(encodeTx(tx));
}

/** One signature check, in a form that can be shipped to a worker thread. */
export interface SigCheck {
  readonly scheme: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Everything about a transaction's signatures that does not need a private key or state:
 * known schemes, sender derivation, and the list of (key, message, signature) to verify.
 */
export function signatureChecks(d: DecodedTx, schemes: SchemeRegistry): SigCheck[] {
  const { tx } = d;
  const first = tx.auth[0]!;
  const checks: SigCheck[] = [];
  for (const [i, a] of tx.auth.entries()) {
    if (!schemes.has(a.scheme)) {
      throw new TxError("TX_UNKNOWN_SCHEME", `auth[${i}] uses signature scheme "${a.scheme}", which this chain does not register (known: ${schemes.ids().join(", ")})`);
    }
    const scheme = schemes.get(a.scheme);
    if (a.publicKey.length !== scheme.publicKeyBytes) {
      throw new TxError("TX_BAD_SIGNATURE", `auth[${i}] ${a.scheme} public key is ${a.publicKey.length} bytes, expected ${scheme.publicKeyBytes}`);
    }
    if (a.signature.length !== scheme.signatureBytes) {
      throw new TxError("TX_BAD_SIGNATURE", `auth[${i}] ${a.scheme} signature is ${a.signature.length} bytes, expected ${scheme.signatureBytes}`);
    }
    checks.push({ scheme: a.scheme, publicKey: a.publicKey, message: signBytes(d.bodyBytes, a.scheme), signature: a.signature });
  }
  const signers = txSigners(tx);
  if (signers[0] !== tx.body.sender) {
    throw new TxError("TX_SENDER_MISMATCH", `sender ${tx.body.sender} is not the address of auth[0]'s ${first.scheme} key (${signers[0]})`);
  }
  if (signers.length > 1) {
    const seen = new Set<string>();
    for (const addr of signers) {
      if (seen.has(addr)) throw new TxError("TX_BAD_SIGNATURE", `signer ${addr} appears twice in auth`);
      seen.add(addr);
    }
  }
  return checks;
}

/** Verify in this thread (tests, tools); the node verifies in its worker pool. */
export function verifyTxSignatures(d: DecodedTx, schemes: SchemeRegistry): void {
  const checks = signatureChecks(d, schemes);
  checks.forEach((c, i) => {
    if (!schemes.get(c.scheme).verify(c.publicKey, c.message, c.signature)) {
      throw new TxError("TX_BAD_SIGNATURE", `signature ${i} (${c.scheme}) does not verify for this transaction body and chain`);
    }
  });
}

/** Addresses of all signers of a transaction, sender first. */
export function txSigners(tx: Tx): readonly string[] {
  return tx.auth.map((a) => addressFor(a.scheme, a.publicKey));
}
