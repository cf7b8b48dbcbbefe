import { encodeCanonical, decodeCanonical, asArray, asBytes } from "../codec/canonical.ts";
import type { ReceiptView } from "../node/node-api.ts";

/**
 * A receipt's canonical encoding (CBOR of its JSON view) is a leaf of the block's resultsRoot
 * (merkleRoot hashes each leaf); a block's receipts are stored as the list of those encodings.
 */
export function encodeReceipt(r: ReceiptView): Uint8Array {
  return encodeCanonical(r);
}

export function encodeReceiptList(encoded: readonly Uint8Array[]): Uint8Array {
  return encodeCanonical(encoded);
}

export function decodeReceiptList(b: Uint8Array): ReceiptView[] {
  return asArray(decodeCanonical(b, "receipts"), "receipts").map((r, i) => decodeCanonical(asBytes(r, `receipts[${i}]`), "receipt") as ReceiptView);
}

/** One receipt out of a stored list, decoding only that one. */
export function decodeReceiptAt(b: Uint8Array, index: number): ReceiptView | undefined {
  const list = asArray(decodeCanonical(b, "receipts"), "receipts");
  const r = list[index];
  return r === undefined ? undefined : (decodeCanonical(asBytes(r, `receipts[${index}]`), "receipt") as ReceiptView);
}
