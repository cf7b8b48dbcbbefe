import { encodePubkey } from "@cosmjs/proto-signing";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { CompactBitArray, MultiSignature } from "cosmjs-types/cosmos/crypto/multisig/v1beta1/multisig";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { OutboundTransfer } from "../core/types.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import type { EscrowMultisig } from "./escrow.ts";

/**
 * The one transaction that carries out an outbound transfer on a Cosmos chain, derivable by
 * every validator and relayer from the OutboundTransfer and the chain's settings alone:
 *
 *   TxBody { messages: [MsgSend{ from: escrow, to: recipient, amount: [amount denom] }],
 *            memo: transferId, unordered: true, timeout_timestamp: T }
 *   signed by the escrow multisig (sequence 0, SIGN_MODE_LEGACY_AMINO_JSON for every member),
 *   fee fixed by the family's options, paid by the escrow (or its fee granter).
 *
 * T = (expiresAt − 1) s + (seq mod 10⁹) ns: strictly before expiresAt (the chain refuses an
 * unordered tx once block time is after T, so it never executes at or after expiresAt), and
 * unique per transfer — Cosmos SDK 0.53 deduplicates unordered transactions by (signer,
 * timeout_timestamp in ns), so whichever relayer broadcasts whichever signature subset, the
 * escrow executes a transfer at most once.
 */
export const MSG_SEND_TYPE_URL = "/cosmos.bank.v1beta1.MsgSend";

export interface Coin {
  readonly denom: string;
  readonly amount: string;
}

export interface ReleaseFee {
  readonly amount: readonly Coin[];
  readonly gas: bigint;
  /** x/feegrant: an account that granted the escrow an allowance pays the fee. */
  readonly granter?: string;
}

export interface Release {
  readonly chainId: string;
  readonly accountNumber: bigint;
  readonly escrow: string;
  readonly recipient: string;
  readonly denom: string;
  readonly amount: bigint;
  /** The transferId (64 hex digits). */
  readonly memo: string;
  readonly timeout: { readonly seconds: bigint; readonly nanos: number };
  readonly fee: ReleaseFee;
}

/** T of a transfer (see above). */
export function releaseTimeout(t: Pick<OutboundTransfer, "seq" | "expiresAt">): { seconds: bigint; nanos: number } {
  return { seconds: t.expiresAt - 1n, nanos: Number(t.seq % 1_000_000_000n) };
}

/** T as unix nanoseconds (the unordered nonce the chain records). */
export function timeoutNanos(timeout: { seconds: bigint; nanos: number }): bigint {
  return timeout.seconds * 1_000_000_000n + BigInt(timeout.nanos);
}

/** Go's time.Format(RFC3339) for nanos = 0, else RFC3339Nano (trailing zeros trimmed), UTC: what x/tx's amino JSON writes for a Timestamp. */
export function rfc3339(timeout: { seconds: bigint; nanos: number }): string {
  const iso = new Date(Number(timeout.seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const base = iso.slice(0, 19);
  if (timeout.nanos === 0) return `${base}Z`;
  const frac = timeout.nanos.toString().padStart(9, "0").replace(/0+$/, "");
  return `${base}.${frac}Z`;
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * The SIGN_MODE_LEGACY_AMINO_JSON document of the release, as Cosmos SDK 0.53's x/tx renders it:
 * the legacy StdSignDoc (account_number, chain_id, fee {amount, gas[, granter]}, memo, msgs,
 * sequence "0") plus `timeout_timestamp` and `unordered: true` (timeout_height 0 is omitted),
 * keys sorted, no spaces.
 */
export function aminoSignDoc(r: Release): Record<string, unknown> {
  return {
    account_number: r.accountNumber.toString(),
    chain_id: r.chainId,
    fee: {
      amount: r.fee.amount.map((c) => ({ amount: c.amount, denom: c.denom })),
      gas: r.fee.gas.toString(),
      ...(r.fee.granter ? { granter: r.fee.granter } : {}),
    },
    memo: r.memo,
    msgs: [{ type: "cosmos-sdk/MsgSend", value: { amount: [{ amount: r.amount.toString(), denom: r.denom }], from_address: r.escrow, to_address: r.recipient } }],
    sequence: "0",
    timeout_timestamp: rfc3339(r.timeout),
    unordered: true,
  };
}

/** An amino JSON document's sign bytes: the sorted JSON with &, <, > escaped as Go's encoder does. */
export function aminoJsonBytes(doc: Record<string, unknown>): Uint8Array {
  return utf8(sortedJson(doc).replace(/&/g, "\\u0026").replace(/</g, "\\u003c").replace(/>/g, "\\u003e"));
}

/** The bytes each member signs. */
export function releaseSignBytes(r: Release): Uint8Array {
  return aminoJsonBytes(aminoSignDoc(r));
}

export function releaseBody(r: Release): Uint8Array {
  return TxBody.encode(
    TxBody.fromPartial({
      messages: [{ typeUrl: MSG_SEND_TYPE_URL, value: MsgSend.encode(MsgSend.fromPartial({ fromAddress: r.escrow, toAddress: r.recipient, amount: [{ denom: r.denom, amount: r.amount.toString() }] })).finish() }],
      memo: r.memo,
      unordered: true,
      timeoutTimestamp: { seconds: r.timeout.seconds, nanos: r.timeout.nanos },
    }),
  ).finish();
}

/**
 * The broadcastable transaction: the escrow's signer info (the multisig public key, a bit array
 * of who signed, LEGACY_AMINO_JSON for each, sequence 0) and the MultiSignature of the
 * `signatures` given by member index (exactly those members sign).
 */
export function releaseTx(r: Release, escrow: EscrowMultisig, signatures: ReadonlyMap<number, Uint8Array>): { bytes: Uint8Array; hash: string } {
  return multisigTx(releaseBody(r), escrow, signatures, r.fee, 0n);
}

/**
 * A transaction of `bodyBytes` signed by the escrow multisig `escrow` in LEGACY_AMINO_JSON:
 * its signer info (the multisig public key, the bit array of who signed, `sequence`: 0 for an
 * unordered release, the account's sequence for an ordered one) and the MultiSignature of the
 * `signatures` given by member index (exactly those members sign).
 */
export function multisigTx(bodyBytes: Uint8Array, escrow: EscrowMultisig, signatures: ReadonlyMap<number, Uint8Array>, fee: ReleaseFee, sequence: bigint): { bytes: Uint8Array; hash: string } {
  const bits = new Uint8Array(Math.ceil(escrow.members.length / 8));
  const sigs: Uint8Array[] = [];
  for (let i = 0; i < escrow.members.length; i++) {
    const s = signatures.get(i);
    if (!s) continue;
    bits[i >> 3]! |= 0x80 >> (i % 8);
    sigs.push(s);
  }
  const authInfo = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: encodePubkey(escrow.pubkey),
          modeInfo: {
            multi: {
              bitarray: CompactBitArray.fromPartial({ extraBitsStored: escrow.members.length % 8, elems: bits }),
              modeInfos: sigs.map(() => ({ single: { mode: SignMode.SIGN_MODE_LEGACY_AMINO_JSON } })),
            },
          },
          sequence,
        },
      ],
      fee: { amount: fee.amount.map((c) => ({ ...c })), gasLimit: fee.gas, payer: "", granter: fee.granter ?? "" },
    }),
  ).finish();
  const bytes = TxRaw.encode(TxRaw.fromPartial({ bodyBytes, authInfoBytes: authInfo, signatures: [MultiSignature.encode(MultiSignature.fromPartial({ signatures: sigs })).finish()] })).finish();
  return { bytes, hash: txHash(bytes) };
}

/** CometBFT's transaction hash: SHA-256 of the bytes, uppercase hex. */
export function txHash(bytes: Uint8Array): string {
  return Buffer.from(sha256(bytes)).toString("hex").toUpperCase();
}
