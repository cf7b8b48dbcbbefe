import type { Ctx } from "../modules/types.ts";
import { decodeAddress } from "../crypto/address.ts";
import { bytesToUint, uintToBytes } from "../codec/uint.ts";
import { getByKs, KeyStringMemo, setByKs } from "../modules/keyed-access.ts";

/** Account nonces live in the runtime's own "auth" namespace: key = address bytes. */
export const AUTH_NS = "auth";

/** An account's nonce key (its address bytes) as a key string: read and written by every transaction. */
const nonceKeys = new KeyStringMemo((address) => decodeAddress(address));

export function getNonce(ctx: Ctx, address: string): bigint {
  return bytesToUint(getByKs(ctx.kv(AUTH_NS), nonceKeys.get(address)));
}

export function setNonce(ctx: Ctx, address: string, nonce: bigint): void {
  setByKs(ctx.kv(AUTH_NS), nonceKeys.get(address), uintToBytes(nonce));
}
