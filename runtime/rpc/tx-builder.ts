import { Band } from "../tx/bands.ts";
import { baseFee, defaultJoulesPerUnit, type JoulesPerUnit } from "../tx/fees.ts";
import { signTx, signerAddress, type Signer } from "../tx/sign.ts";
import { encodeTx, type DecodedTx, type Msg, type TxBody } from "../tx/envelope.ts";
/** Placeholder as wide as any real fee (9-byte CBOR uint), so the final encoding never grows. */
const FEE_PLACEHOLDER = 2n ** 63n;

export interface BuildTxOptions {
  chainId: string;
  signer: Signer;
  nonce: bigint | number | string;
  msgs: Msg[];
  /** Fixed fee limit; by default the exact base fee of the encoded transaction plus the tip. */
  feeLimit?: bigint;
  tip?: bigint;
  band?: Band;
  memo?: string;
  timeoutHeight?: number;
  /** The chain's joulesPerUnit table when governance changed it (defaults otherwise). */
  joulesPerUnit?: JoulesPerUnit;
}

/**
 * Build and sign a transaction. The fee is E = h·f over the encoded bytes, and feeLimit is
 * part of those bytes: we size the transaction with a maximal placeholder, then set
 * feeLimit = baseFee(size) + tip, then step once more toward the exact fee of the final bytes.
 * A smaller number encodes in no more bytes, so the limit always covers the node's charge.
 */
export function buildTx(o: BuildTxOptions): DecodedTx {
  const band = o.band ?? Band.NANO;
  const tip = o.tip ?? 0n;
  const body = (feeLimit: bigint): TxBody => ({
    chainId: o.chainId,
    sender: signerAddress(o.signer),
    nonce: BigInt(o.nonce),
    band,
    feeLimit,
    tip,
    timeoutHeight: o.timeoutHeight ?? 0,
    memo: o.memo ?? "",
    msgs: o.msgs,
  });
  if (o.feeLimit !== undefined) return signTx(body(o.feeLimit), [o.signer]);
  const jpu = o.joulesPerUnit ?? defaultJoulesPerUnit();
  // Signatures have a fixed length per scheme, so a zero-filled one sizes the tx without signing.
  const dummy = { scheme: o.signer.scheme.id, publicKey: o.signer.publicKey, signature: new Uint8Array(o.signer.scheme.signatureBytes) };
  const feeFor = (limit: bigint): bigint => baseFee(band, encodeTx({ body: body(limit), auth: [dummy] }).length, jpu) + tip;
  const safe = feeFor(FEE_PLACEHOLDER);
  // One more step usually reaches the exact fee: the smaller number may encode shorter.
  const exact = feeFor(safe);
  return signTx(body(feeFor(exact) <= exact ? exact : safe), [o.signer]);
}
