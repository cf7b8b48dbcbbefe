import { decodeCanonical, asArray, asBytes, asSafeUint, asString, CodecError } from "../codec/canonical.ts";
import { encodeTuple, EntryPairs } from "../codec/fast-encode.ts";
import type { ReceiptView, EventView } from "../node/node-api.ts";

/**
 * A receipt's canonical encoding is a leaf of the block's resultsRoot (merkleRoot hashes each
 * leaf), and a block's receipts are stored as the list of those encodings. The wire form is
 * a tuple in fixed field order (maps would be re-sorted on every encode):
 *   [version=1, txHash, height, index, code, codeName, log, sender, nonce, band, energyAj, fee,
 *    events: [type, [key, value]...]...]
 */
const RECEIPT_VERSION = 1;

export function encodeReceipt(r: ReceiptView): Uint8Array {
  const tuple = (events: unknown[]): unknown[] => [RECEIPT_VERSION, r.txHash, r.height, r.index, r.code, r.codeName, r.log, r.sender, r.nonce, r.band, r.energyAj, r.fee, events];
  return encodeTuple(
    tuple(r.events.map((e) => [e.type, new EntryPairs(e.attributes)])),
    () => tuple(r.events.map((e) => [e.type, Object.entries(e.attributes)])),
  );
}

export function decodeReceipt(b: Uint8Array): ReceiptView {
  const t = asArray(decodeCanonical(b, "receipt"), "receipt", 13, 13);
  if (asSafeUint(t[0], "receipt.version") !== RECEIPT_VERSION) throw new CodecError(`unsupported receipt version ${String(t[0])}`);
  const events: EventView[] = asArray(t[12], "receipt.events").map((e, i) => {
    const [type, attrs] = asArray(e, `receipt.events[${i}]`, 2, 2);
    return {
      type: asString(type, "event.type"),
      attributes: Object.fromEntries(asArray(attrs, "event.attributes").map((kv) => asArray(kv, "attribute", 2, 2).map((x) => asString(x, "attribute", 1 << 16)) as [string, string])),
    };
  });
  return {
    txHash: asString(t[1], "receipt.txHash"),
    height: asSafeUint(t[2], "receipt.height"),
    index: asSafeUint(t[3], "receipt.index"),
    code: asSafeUint(t[4], "receipt.code"),
    codeName: asString(t[5], "receipt.codeName"),
    log: asString(t[6], "receipt.log", 1 << 16),
    sender: asString(t[7], "receipt.sender"),
    nonce: asString(t[8], "receipt.nonce"),
    band: asSafeUint(t[9], "receipt.band"),
    energyAj: asString(t[10], "receipt.energyAj", 256),
    fee: asString(t[11], "receipt.fee"),
    events,
  };
}

export function encodeReceiptList(encoded: readonly Uint8Array[]): Uint8Array {
  return encodeTuple(encoded);
}

export function decodeReceiptList(b: Uint8Array): ReceiptView[] {
  return asArray(decodeCanonical(b, "receipts"), "receipts").map((r, i) => decodeReceipt(asBytes(r, `receipts[${i}]`)));
}

/** One receipt out of a stored list, decoding only that one. */
export function decodeReceiptAt(b: Uint8Array, index: number): ReceiptView | undefined {
  const list = asArray(decodeCanonical(b, "receipts"), "receipts");
  const r = list[index];
  return r === undefined ? undefined : decodeReceipt(asBytes(r, `receipts[${index}]`));
}
