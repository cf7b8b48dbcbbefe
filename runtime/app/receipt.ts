import { encodeCanonical, decodeCanonical } from "../codec/canonical.ts";
import { sha256 } from "../crypto/hash.ts";
import type { ReceiptView } from "../node/node-api.ts";

/** Receipts are stored and hashed as canonical CBOR of their JSON view. */
export function encodeReceipts(rs: readonly ReceiptView[]): Uint8Array {
  return encodeCanonical(rs);
}

export function decodeReceipts(b: Uint8Array): ReceiptView[] {
  return decodeCanonical(b, "receipts") as ReceiptView[];
}

export function receiptHash(r: ReceiptView): Uint8Array {
  return sha256(encodeCanonical(r));
}
