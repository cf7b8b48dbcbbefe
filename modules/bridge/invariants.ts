import type { Ctx } from "../../runtime/modules/types.ts";
import { moduleAddress } from "../../runtime/crypto/address.ts";
import { BRIDGE_ESCROW } from "./accounts.ts";
import * as K from "./keys.ts";
import { NXT_DENOM } from "./params.ts";
import { ZERO_TOTALS, type ChainTotals } from "./records.ts";
import type { BridgeKeeper } from "./keeper/bridge-keeper.ts";

type Invariant = (ctx: Ctx) => string | null;

/**
 * Per block: O(chains) reads (params.maxChains bounds it).
 *
 * escrow:  balance(bridge_escrow) == Σ_chains (lockedOut − refundedOut − creditedIn)
 *          (NXT locked by outbound transfers, minus what expiry refunded, minus what inbound credits paid out).
 * backing: per chain, creditedIn ≤ executedOut (only NXT minted on a chain comes back from it)
 *          and executedOut + refundedOut ≤ lockedOut (a transfer completes once).
 */
export function bridgeInvariants(keeper: BridgeKeeper): Record<string, Invariant> {
  return {
    escrow: (ctx) => {
      const held = keeper.bank.balance(ctx, moduleAddress(BRIDGE_ESCROW), NXT_DENOM);
      const owed = keeper.escrowOwed(ctx);
      return held === owed ? null : `${BRIDGE_ESCROW} holds ${held}, the bridge's totals say ${owed} (locked − refunded − credited)`;
    },
    backing: (ctx) => {
      for (const [chain, t] of K.Totals.iterate(ctx)) {
        if (t.creditedIn > t.executedOut) return `chain ${chain}: credited ${t.creditedIn} inbound, more than the ${t.executedOut} executed outbound`;
        if (t.executedOut + t.refundedOut > t.lockedOut) return `chain ${chain}: executed ${t.executedOut} + refunded ${t.refundedOut} exceed the ${t.lockedOut} locked`;
      }
      return null;
    },
  };
}

/**
 * O(records): the running totals, the open-outbound index and the waiting FIFO against the
 * stored records. A test helper (and a tool for an operator), never a per-block invariant.
 */
export function recordsProblem(ctx: Ctx): string | null {
  const sums = new Map<string, ChainTotals>();
  const of = (c: string): ChainTotals => {
    let t = sums.get(c);
    if (!t) sums.set(c, (t = { ...ZERO_TOTALS }));
    return t;
  };
  const openKeys = new Set<string>();
  for (const [c, s] of K.OpenOutbound.keys(ctx)) openKeys.add(`${c}/${s}`);
  for (const o of K.Outbounds.values(ctx)) {
    const t = of(o.chain);
    const a = BigInt(o.amount);
    t.lockedOut += a;
    if (o.status === "executed") t.executedOut += a;
    if (o.status === "expired") t.refundedOut += a;
    const open = openKeys.has(`${o.chain}/${o.seq}`);
    if (open !== (o.status === "pending" || o.status === "ready")) return `outbound ${o.chain}/${o.seq} is ${o.status} but the open index says ${open}`;
  }
  const waiting = new Set<string>();
  for (const [[c], s] of K.Waiting.iterate(ctx)) waiting.add(`${c}/${s}`);
  for (const r of K.Inbounds.values(ctx)) {
    if (r.status === "credited") of(r.chain).creditedIn += BigInt(r.content!.amount);
    if ((r.status === "waiting") !== waiting.has(`${r.chain}/${r.seq}`)) return `inbound ${r.chain}/${r.seq} is ${r.status}, the waiting FIFO ${waiting.has(`${r.chain}/${r.seq}`) ? "holds" : "lacks"} it`;
    if (r.status === "waiting") waiting.delete(`${r.chain}/${r.seq}`);
  }
  if (waiting.size > 0) return `the waiting FIFO holds ${[...waiting].join(", ")}, which are no waiting inbound transfers`;
  for (const [c, t] of K.Totals.iterate(ctx)) {
    const s = sums.get(c) ?? ZERO_TOTALS;
    for (const f of ["lockedOut", "refundedOut", "executedOut", "creditedIn"] as const) {
      if (s[f] !== t[f]) return `chain ${c}: totals.${f} is ${t[f]}, the records sum to ${s[f]}`;
    }
  }
  for (const [[c]] of K.Waiting.iterate(ctx)) if (!K.ChainRetry.has(ctx, c)) return `chain ${c} has waiting credits but no retry scheduled`;
  return null;
}
