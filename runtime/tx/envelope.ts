import { assertCanonical, encodeCanonical, decodeCanonical, decodeItemAt, asArray, asBytes, asString, asUint, asSafeUint, CodecError } from "../codec/canonical.ts";
import { decodeAddress, encodeAddress } from "../crypto/address.ts";
import { sha256, toHex } from "../crypto/hash.ts";
import { isBand, type Band } from "./bands.ts";
import { TxError } from "./errors.ts";

/**
 * The transaction envelope. Wire form (canonical CBOR, a tuple so every byte counts):
 *   [version=1, body, auth[]]
 *   body = [chainId, sender(32 bytes), nonce, band, feeLimit, tip, timeoutHeight, memo, msgs[]]
 *   msg  = [typeUrl, value]          value: a JSON-shaped object checked by the message's schema
 *   auth = [schemeId, publicKey, signature]
 * auth[0] is the sender (pays the fee, owns the nonce); further entries are co-signers
 * (endorsements, multi-signer messages). Each signs signBytes(body, its schemeId).
 */
export const TX_VERSION = 1;
export const MAX_MSGS_PER_TX = 64;
export const MAX_SIGNERS_PER_TX = 16;
export const MAX_MEMO_CHARS = 256;

export interface Msg {
  readonly typeUrl: string;
  readonly value: Record<string, unknown>;
}

export interface TxBody {
  readonly chainId: string;
  readonly sender: string;
  readonly nonce: bigint;
  readonly band: Band;
  /** Most the sender will pay, tip included. */
  readonly feeLimit: bigint;
  readonly tip: bigint;
  /** 0 = never expires; otherwise invalid in blocks above this height. */
  readonly timeoutHeight: number;
  readonly memo: string;
  readonly msgs: readonly Msg[];
}

export interface AuthEntry {
  readonly scheme: string;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export interface Tx {
  readonly body: TxBody;
  readonly auth: readonly AuthEntry[];
}

/** A decoded transaction together with its exact bytes and hash. */
export interface DecodedTx {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  /** The hash in hex: the key of mempool and admission maps (one string, hashed by the engine once). */
  readonly hashHex: string;
  /** Canonical bytes of the body: what signatures cover (with the domain and scheme id). */
  readonly bodyBytes: Uint8Array;
}

export function bodyToWire(b: TxBody): unknown[] {
  return [
    b.chainId,
    decodeAddress(b.sender),
    b.nonce,
    b.band,
    b.feeLimit,
    b.tip,
    b.timeoutHeight,
    b.memo,
    b.msgs.map((m) => [m.typeUrl, m.value]),
  ];
}

export function encodeBody(b: TxBody): Uint8Array {
  return encodeCanonical(bodyToWire(b));
}

export function encodeTx(tx: Tx): Uint8Array {
  return encodeCanonical([TX_VERSION, bodyToWire(tx.body), tx.auth.map((a) => [a.scheme, a.publicKey, a.signature])]);
}

export function txHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/** Decode and structurally validate; every failure is a TX_MALFORMED with the reason. */
export function decodeTx(bytes: Uint8Array, maxBytes = Infinity): DecodedTx {
  if (bytes.length > maxBytes) {
    throw new TxError("TX_TOO_LARGE", `transaction is ${bytes.length} bytes, the limit is ${maxBytes}`, { size: bytes.length, maxBytes });
  }
  try {
    // Fast path for the shape every v1 transaction has: 0x83 (array of 3), 0x01 (version),
    // then the body, whose bytes are sliced out rather than encoded again.
    let top: unknown[];
    let bodyBytes: Uint8Array;
    if (bytes.length > 2 && bytes[0] === 0x83 && bytes[1] === TX_VERSION) {
      // Byte strings (sender, keys, signatures) come back as views into `bytes`, which the
      // DecodedTx keeps anyway.
      const body = decodeItemAt(bytes, 2, "transaction body");
      const auth = decodeItemAt(bytes, body.next, "transaction auth");
      if (auth.next !== bytes.length) throw new CodecError(`${bytes.length - auth.next} trailing bytes after the transaction`);
      top = [TX_VERSION, body.value, auth.value];
      assertCanonical(bytes, top, "transaction");
      bodyBytes = bytes.subarray(2, body.next);
    } else {
      top = asArray(decodeCanonical(bytes, "transaction"), "transaction", 3, 3);
      const version = asSafeUint(top[0], "version");
      if (version !== TX_VERSION) throw new CodecError(`unsupported transaction version ${version}, this node speaks ${TX_VERSION}`);
      bodyBytes = encodeCanonical(top[1]);
    }
    const w = asArray(top[1], "body", 9, 9);
    const senderBytes = asBytes(w[1], "body.sender", 32);
    const band = asSafeUint(w[3], "body.band");
    if (!isBand(band)) throw new CodecError(`body.band must be 1..7, got ${band}`);
    const msgsW = asArray(w[8], "body.msgs", 1, MAX_MSGS_PER_TX);
    const msgs: Msg[] = msgsW.map((m, i) => {
      const pair = asArray(m, `body.msgs[${i}]`, 2, 2);
      const value = pair[1];
      if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
        throw new CodecError(`body.msgs[${i}].value must be an object`);
      }
      return { typeUrl: asString(pair[0], `body.msgs[${i}].typeUrl`, 128), value: value as Record<string, unknown> };
    });
    const body: TxBody = {
      chainId: asString(w[0], "body.chainId", 64),
      sender: encodeAddress(senderBytes),
      nonce: asUint(w[2], "body.nonce"),
      band,
      feeLimit: asUint(w[4], "body.feeLimit"),
      tip: asUint(w[5], "body.tip"),
      timeoutHeight: asSafeUint(w[6], "body.timeoutHeight"),
      memo: asString(w[7], "body.memo", MAX_MEMO_CHARS),
      msgs,
    };
    const authW = asArray(top[2], "auth", 1, MAX_SIGNERS_PER_TX);
    const auth: AuthEntry[] = authW.map((a, i) => {
      const t = asArray(a, `auth[${i}]`, 3, 3);
      return {
        scheme: asString(t[0], `auth[${i}].scheme`, 64),
        publicKey: asBytes(t[1], `auth[${i}].publicKey`),
        signature: asBytes(t[2], `auth[${i}].signature`),
      };
    });
    const hash = txHash(bytes);
    return { tx: { body, auth }, bytes, hash, hashHex: toHex(hash), bodyBytes };
  } catch (e) {
    if (e instanceof TxError) throw e;
    throw new TxError("TX_MALFORMED", (e as Error).message);
  }
}
