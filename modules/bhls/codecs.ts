import { decodeAddress, encodeAddress } from "../../runtime/crypto/address.ts";
import { bytesToUint, uintToBytes } from "../../runtime/codec/uint.ts";
import { AMOUNT_PATTERN } from "../../runtime/modules/schemas.ts";
import { CollectionError, type ValueCodec } from "../../runtime/state/collections/index.ts";
import { PHONE_HASH_PATTERN, type Citizen, type EpochShare } from "./records.ts";

/**
 * Compact binary forms of the two records every claim reads (and the citizen record it
 * rewrites): fixed layouts, no JSON, no schema walk. Each checks what the record's JSON Schema
 * checks on write (addresses, the phone hash, non-negative safe integers, amounts) and refuses
 * any other length or version on read. Decoded records have the JSON form's fields in the
 * same (sorted) order, so genesis export and queries are unchanged.
 *
 * The bytes are wire values (a state-format change from the earlier canonical JSON); the first
 * byte is the layout's version.
 */

const V1 = 1;
const TWO32 = 4_294_967_296;
const PHONE_RE = new RegExp(PHONE_HASH_PATTERN);
const AMOUNT_RE = new RegExp(AMOUNT_PATTERN);

function bad(name: string, msg: string): never {
  throw new CollectionError("COLLECTION_BAD_VALUE", `${name}${msg}`);
}
function corrupt(name: string, msg: string): never {
  throw new CollectionError("COLLECTION_CORRUPT", `stored ${name}${msg}`);
}

/** A non-negative safe integer as 8 bytes big-endian. */
function putU53(dv: DataView, at: number, n: unknown, name: string): void {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) bad(name, ` must be a non-negative integer, got ${String(n)}`);
  dv.setUint32(at, Math.floor(n / TWO32));
  dv.setUint32(at + 4, n % TWO32);
}
function getU53(dv: DataView, at: number, name: string): number {
  const hi = dv.getUint32(at);
  if (hi > 0x1f_ffff) corrupt(name, ` is beyond a safe integer`);
  return hi * TWO32 + dv.getUint32(at + 4);
}
function putAddress(out: Uint8Array, at: number, a: unknown, name: string): void {
  if (typeof a !== "string") bad(name, ` must be an address, got ${typeof a}`);
  let b: Uint8Array;
  try {
    b = decodeAddress(a);
  } catch (e) {
    bad(name, ` "${a}" is not an address: ${(e as Error).message}`);
  }
  out.set(b, at);
}
function checkFields(v: object, n: number, name: string): void {
  let k = 0;
  for (const _ in v) k++;
  if (k !== n) bad(name, ` has ${k} fields, expected ${n}`);
}

// ---- Citizen: 0x01 ‖ address(32) ‖ phoneHash(32) ‖ attestor(32) ‖ expiresAt u64 ‖ registeredAt u64 ‖ lastClaimEpoch u64 ----

const CITIZEN = "bhls.Citizen";
const CITIZEN_BYTES = 1 + 32 * 3 + 8 * 3;

export const citizenCodec: ValueCodec<Citizen> = {
  name: CITIZEN,
  encode(c) {
    checkFields(c, 6, CITIZEN);
    const out = new Uint8Array(CITIZEN_BYTES);
    const dv = new DataView(out.buffer);
    out[0] = V1;
    putAddress(out, 1, c.address, `${CITIZEN}.address`);
    if (typeof c.phoneHash !== "string" || !PHONE_RE.test(c.phoneHash)) bad(`${CITIZEN}.phoneHash`, ` must be 64 lowercase hex digits`);
    out.set(Buffer.from(c.phoneHash, "hex"), 33);
    putAddress(out, 65, c.attestor, `${CITIZEN}.attestor`);
    putU53(dv, 97, c.expiresAt, `${CITIZEN}.expiresAt`);
    putU53(dv, 105, c.registeredAt, `${CITIZEN}.registeredAt`);
    putU53(dv, 113, c.lastClaimEpoch, `${CITIZEN}.lastClaimEpoch`);
    return out;
  },
  decode(b) {
    if (b.length !== CITIZEN_BYTES || b[0] !== V1) corrupt(CITIZEN, ` has ${b.length} bytes, version ${b[0]}: expected ${CITIZEN_BYTES} bytes, version ${V1}`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    // The JSON form's (sorted) field order.
    return {
      address: encodeAddress(b.subarray(1, 33)),
      attestor: encodeAddress(b.subarray(65, 97)),
      expiresAt: getU53(dv, 97, `${CITIZEN}.expiresAt`),
      lastClaimEpoch: getU53(dv, 113, `${CITIZEN}.lastClaimEpoch`),
      phoneHash: Buffer.from(b.buffer, b.byteOffset + 33, 32).toString("hex"),
      registeredAt: getU53(dv, 105, `${CITIZEN}.registeredAt`),
    };
  },
};

// ---- EpochShare: 0x01 ‖ epoch u64 ‖ height u64 ‖ (len u8 ‖ minimal big-endian) × share, citizens, reserve ----

const SHARE = "bhls.EpochShare";

function amountBytes(s: unknown, name: string): Uint8Array {
  if (typeof s !== "string" || !AMOUNT_RE.test(s)) bad(name, ` must be a decimal amount, got ${String(s)}`);
  return uintToBytes(BigInt(s));
}

export const epochShareCodec: ValueCodec<EpochShare> = {
  name: SHARE,
  encode(e) {
    checkFields(e, 5, SHARE);
    if (typeof e.epoch !== "number" || e.epoch < 1) bad(`${SHARE}.epoch`, ` must be at least 1, got ${String(e.epoch)}`);
    const parts = [amountBytes(e.share, `${SHARE}.share`), amountBytes(e.citizens, `${SHARE}.citizens`), amountBytes(e.reserve, `${SHARE}.reserve`)];
    const out = new Uint8Array(17 + parts.reduce((s, p) => s + 1 + p.length, 0));
    const dv = new DataView(out.buffer);
    out[0] = V1;
    putU53(dv, 1, e.epoch, `${SHARE}.epoch`);
    putU53(dv, 9, e.height, `${SHARE}.height`);
    let at = 17;
    for (const p of parts) {
      out[at] = p.length;
      out.set(p, at + 1);
      at += 1 + p.length;
    }
    return out;
  },
  decode(b) {
    if (b.length < 20 || b[0] !== V1) corrupt(SHARE, ` has ${b.length} bytes, version ${b[0]}`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const epoch = getU53(dv, 1, `${SHARE}.epoch`);
    const height = getU53(dv, 9, `${SHARE}.height`);
    if (epoch < 1) corrupt(SHARE, `.epoch is 0`);
    const amounts: string[] = [];
    let at = 17;
    for (let i = 0; i < 3; i++) {
      const n = b[at];
      if (n === undefined || n > 16 || at + 1 + n > b.length || (n > 0 && b[at + 1] === 0)) corrupt(SHARE, ` has a malformed amount at byte ${at}`);
      amounts.push(bytesToUint(b.subarray(at + 1, at + 1 + n)).toString());
      at += 1 + n;
    }
    if (at !== b.length) corrupt(SHARE, ` has ${b.length - at} trailing bytes`);
    for (const a of amounts) if (a.length > 38) corrupt(SHARE, ` holds an amount of ${a.length} digits`);
    return { citizens: amounts[1]!, epoch, height, reserve: amounts[2]!, share: amounts[0]! };
  },
};
