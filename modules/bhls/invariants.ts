import type { Ctx } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { BHLS_BRIDGE_ESCROW } from "./accounts.ts";
import * as K from "./keys.ts";
import { NXT_DENOM } from "./params.ts";
import type { BhlsKeeper } from "./keeper/bhls-keeper.ts";

type Invariant = (ctx: Ctx) => string | null;

/** Per block: cheap ones only (two reads). */
export function bhlsInvariants(keeper: BhlsKeeper): Record<string, Invariant> {
  return {
    /** The escrow holds exactly the pending bridge deliveries (a running total, no walk). */
    "bridge-escrow": (ctx) => {
      const held = keeper.bank.balance(ctx, moduleAddress(BHLS_BRIDGE_ESCROW), NXT_DENOM);
      const owed = keeper.claims.escrowed(ctx);
      return held === owed ? null : `${BHLS_BRIDGE_ESCROW} holds ${held}, the pending bridge claims sum to ${owed}`;
    },
  };
}

/**
 * O(citizens): the counters against the stored records. A test helper, never a per-block
 * invariant (it walks every citizen).
 */
export function citizenCountersProblem(ctx: Ctx): string | null {
  let n = 0n;
  const per = new Map<string, bigint>();
  for (const c of K.Citizens.values(ctx)) {
    n++;
    per.set(c.attestor, (per.get(c.attestor) ?? 0n) + 1n);
    if (K.PhoneHashes.get(ctx, c.phoneHash) !== c.address) return `phone hash of ${c.address} does not point back at it`;
  }
  const counted = K.CitizenCount.get(ctx) ?? 0n;
  if (counted !== n) return `citizen counter ${counted}, stored citizens ${n}`;
  for (const [attestor, m] of per) {
    const c = K.AttestorCitizens.get(ctx, attestor) ?? 0n;
    if (c !== m) return `attestor ${attestor}: counter ${c}, stored citizens ${m}`;
  }
  let hashes = 0n;
  for (const _ of K.PhoneHashes.keys(ctx)) hashes++;
  if (hashes !== n) return `${hashes} phone hashes for ${n} citizens`;
  return null;
}
