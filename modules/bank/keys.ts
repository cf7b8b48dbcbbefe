import { concatBytes, utf8 } from "../../runtime/crypto/hash.ts";

/** Store layout of the bank namespace. Prefix bytes are wire values: append only. */
export const BALANCE_PREFIX = 0x01; // 0x01 | address(32) | denom → amount
export const MINTED_PREFIX = 0x02; // 0x02 | denom → total ever minted
export const BURNED_PREFIX = 0x03; // 0x03 | denom → total ever burned
export const PARAMS_KEY = new Uint8Array([0x04]);
export const METADATA_PREFIX = 0x05; // 0x05 | denom → denomination metadata (JSON)

const denomBytes = new Map<string, Uint8Array>();
function denomUtf8(denom: string): Uint8Array {
  let b = denomBytes.get(denom);
  if (!b) {
    b = utf8(denom);
    if (denomBytes.size > 10_000) denomBytes.clear();
    denomBytes.set(denom, b);
  }
  return b;
}

export function balanceKey(addr: Uint8Array, denom: string): Uint8Array {
  const d = denomUtf8(denom);
  const out = new Uint8Array(1 + addr.length + d.length);
  out[0] = BALANCE_PREFIX;
  out.set(addr, 1);
  out.set(d, 1 + addr.length);
  return out;
}

export function accountBalancesPrefix(addr: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([BALANCE_PREFIX]), addr);
}

export function mintedKey(denom: string): Uint8Array {
  return concatBytes(new Uint8Array([MINTED_PREFIX]), utf8(denom));
}

export function burnedKey(denom: string): Uint8Array {
  return concatBytes(new Uint8Array([BURNED_PREFIX]), utf8(denom));
}

export function metadataKey(denom: string): Uint8Array {
  return concatBytes(new Uint8Array([METADATA_PREFIX]), utf8(denom));
}
