import { concatBytes } from "../../runtime/crypto/hash.ts";
import { decodeAddress } from "../../runtime/crypto/address.ts";

/** Store layout of the "counter" namespace. Prefix bytes are wire values: append only. */
export const COUNT_PREFIX = 0x01; // 0x01 | address(32) → that account's count
export const TOTAL_KEY = new Uint8Array([0x02]); // sum of all counts
export const PARAMS_KEY = new Uint8Array([0x03]);
export const SNAPSHOT_KEY = new Uint8Array([0x04]); // { height, total } written by the block hook

export const countKey = (address: string): Uint8Array => concatBytes(new Uint8Array([COUNT_PREFIX]), decodeAddress(address));
