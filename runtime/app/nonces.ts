import type { Ctx } from "../modules/types.ts";
import { decodeAddress } from "../crypto/address.ts";
import { bytesToUint, uintToBytes } from "../codec/uint.ts";

/** Account nonces live in the runtime's own "auth" namespace: key = address bytes. */
export const AUTH_NS = "auth";

export function getNonce(ctx: Ctx, address: string): bigint {
  return bytesToUint(ctx.kv(AUTH_NS).get(decodeAddress(address)));
}

export function setNonce(ctx: Ctx, address: string, nonce: bigint): void {
  ctx.kv(AUTH_NS).set(decodeAddress(address), uintToBytes(nonce));
}
