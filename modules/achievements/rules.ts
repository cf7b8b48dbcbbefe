import type { ChainEvent, TxOutcome } from "../../runtime/modules/types.ts";
import { badge, STREAK_BADGES, TX_COUNT_BADGES, type Badge, type Counter } from "./badges.ts";
import { WatchedEvents as E, WatchedMsgs as M } from "./expected-events.ts";

/** One step of progress a transaction made: a badge earned outright, or a counter to advance. */
export type Progress =
  /**
   * `lazy`: award only if this transaction already read the account's badges for another step
   * (a threshold passed earlier, by a transaction that failed or earned nothing else): the
   * common transaction then reads nothing at all.
   */
  | { readonly kind: "award"; readonly account: string; readonly badge: Badge; readonly lazy?: boolean }
  | { readonly kind: "count"; readonly account: string; readonly counter: Counter }
  /** A first registration as a citizen: the account's referrer (if any) gets a referral. */
  | { readonly kind: "citizen"; readonly account: string };

/** Most any transaction can make: the caller stops at this many, so the work stays bounded. */
export const MAX_PROGRESS_PER_TX = 1100;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * What a transaction earned, in order, as a pure function of its sender and outcome: the
 * keeper then checks each against stored state (a badge is awarded once; counters stop at
 * their last threshold). Only successful transactions get here.
 */
export function progressOf(sender: string, tx: TxOutcome): Progress[] {
  const out: Progress[] = [];
  const award = (account: string | undefined, key: string): void => {
    if (account) out.push({ kind: "award", account, badge: badge(key) });
  };
  const count = (account: string | undefined, counter: Counter): void => {
    if (account) out.push({ kind: "count", account, counter });
  };
  for (const m of tx.msgs) {
    const v = (m.value ?? {}) as Record<string, unknown>;
    if (m.typeUrl === M.Send) award(str(v.from), "first_transfer");
    else if (m.typeUrl === M.MultiSend) {
      const inputs = Array.isArray(v.inputs) ? (v.inputs as { address?: unknown }[]) : [];
      for (const a of new Set(inputs.map((i) => str(i.address)))) {
        award(a, "first_transfer");
        award(a, "first_multisend");
      }
    } else if (m.typeUrl === M.SwapExactIn || m.typeUrl === M.SwapExactOut) {
      // A route of n denominations goes through n − 1 pools. (The dex.swap events earn first_swap.)
      if (Array.isArray(v.route) && v.route.length >= 3) award(str(v.sender), "multi_hop_swap");
      if (m.typeUrl === M.SwapExactOut) award(str(v.sender), "exact_out_swap");
    } else if (m.typeUrl === M.ReportCommit) {
      const sigs = Array.isArray(v.signatures) ? (v.signatures as { validator?: unknown }[]) : [];
      for (const s of sigs) count(str(s.validator), "signedCommits");
    }
  }
  for (const e of tx.events) eventProgress(e, award, count, out);
  const bounded = out.length > MAX_PROGRESS_PER_TX - TX_COUNT_BADGES.length ? out.slice(0, MAX_PROGRESS_PER_TX - TX_COUNT_BADGES.length) : out;
  // The sender's transaction count is its nonce + 1 (failed transactions count too: they were
  // sent), so nothing is stored to reach these. The transaction that reaches a threshold earns
  // it; one that passed it earlier may have failed, so later ones offer it lazily. Last, so the
  // steps above have loaded the sender's badges if anything did.
  const sent = tx.nonce + 1n;
  for (const [n, b] of TX_COUNT_BADGES) {
    if (sent === n) bounded.push({ kind: "award", account: sender, badge: b });
    else if (sent > n) bounded.push({ kind: "award", account: sender, badge: b, lazy: true });
  }
  return bounded;
}

function eventProgress(e: ChainEvent, award: (a: string | undefined, key: string) => void, count: (a: string | undefined, c: Counter) => void, out: Progress[]): void {
  const a = e.attributes;
  switch (e.type) {
    case E.BridgeOut:
      // BHLS deliveries and epoch updates are the module's own, not a user's transfer.
      if (a.kind === undefined) award(a.sender, "bridge_out");
      return;
    case E.Swap:
      // A badge, not a count: a swap then costs one read of the trader's badges, no write.
      return award(a.sender, "first_swap");
    case E.LiquidityAdded:
      return count(a.sender, "liquidity");
    case E.PoolCreated:
      return award(a.creator, "pool_creator");
    case E.Deposit:
      return award(a.depositor, "first_deposit");
    case E.Vote:
      return count(a.voter, "votes");
    case E.ProposalSubmitted:
      return award(a.proposer, "first_proposal");
    case E.DisputeFiled:
      return award(a.plaintiff, "first_dispute");
    case E.CitizenRegistered:
      if (a.citizen && a.renewed === "false") {
        award(a.citizen, "citizen");
        out.push({ kind: "citizen", account: a.citizen });
      }
      return;
    case E.Claim: {
      const streak = Number(a.streak);
      for (const [n, b] of STREAK_BADGES) if (streak === n && a.citizen) out.push({ kind: "award", account: a.citizen, badge: b });
      return;
    }
    case E.CreateValidator:
      return award(a.operator, "validator");
    case E.Delegate:
      return award(a.delegator, "first_delegation");
  }
}
