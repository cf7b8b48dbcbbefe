import { RateLimiter } from "../rate-limit.ts";
import { FloorLedger } from "./ledger.ts";
import { EventQueue } from "./event-queue.ts";
import { seededRng } from "./rng.ts";
import { DAY_MS, NXT, SCENARIOS, type Defences, type SybilParams } from "./params.ts";

const HOUR_MS = 3_600_000;
/** "Never expires": what the attestor would sign with expiry off. */
const NEVER = Number.MAX_SAFE_INTEGER;

export interface ScenarioReport {
  name: string;
  defences: Defences;
  attacker: {
    /** Numbers the attacker rented (each for rentalMonths). */
    numbersRented: number;
    /** Verifications started (codes sent). */
    verifications: number;
    /** Times a client had to wait for a rate limiter. */
    rateLimitWaits: number;
    /** Planned verifications not done before the number's rental ended. */
    lostToRentalEnd: number;
    /** Registrations refused with BHLS_PHONE_HASH_IN_USE. */
    refusedPhoneInUse: number;
    /** Hours from the start to the last registration of the first round. */
    firstRoundHours: number;
    citizensGained: number;
    claimsPaid: number;
    /** Claims refused with BHLS_CITIZEN_EXPIRED (an expired citizen trying each epoch). */
    claimsRefusedExpired: number;
    claimsRefusedReserve: number;
    /** NXT base units. */
    nxtExtracted: bigint;
    /** Cost units actually spent (clients for the horizon + rentals). */
    cost: number;
    nxtPerCost: number;
    citizensPerCost: number;
  };
  honest: {
    citizens: number;
    claimsPaid: number;
    claimsRefused: number;
    /** NXT base units. */
    paid: bigint;
    /** paid / (citizens × months), base units: the dilution. */
    averageClaim: bigint;
  };
  reserve: { initial: bigint; inflow: bigint; paidOut: bigint; left: bigint };
}

type Ev =
  | { t: number; kind: "epoch"; epoch: number }
  | { t: number; kind: "honest-claim"; citizen: number }
  | { t: number; kind: "client"; client: number }
  | { t: number; kind: "verified"; client: number; rental: Rental };

/** One rented number: a slot's round. A round re-attests the slot with a new number and new addresses after the last one expired. */
interface Rental {
  slot: number;
  round: number;
  release: number;
  phone: string;
  rentalEnd: number;
  nextAddress: number;
  /** Earliest expiry (ms) of the citizens it made: when the next round is due. */
  minExpiry: number;
}

/** NXT (base units) per cost unit, as a plain number for ratios. */
export const nxtOf = (base: bigint): number => Number(base / 1000n) / 100_000;

/**
 * One scenario, deterministic in (params, defences). The attacker's plan: rent clients for the
 * horizon, then as many slots as the budget pays for, each slot a number per round (one round
 * with expiry off, else one per validity period of the horizon); each number verifies
 * addressesPerNumber addresses, as fast as the attestor's limiters (the real RateLimiter on a
 * simulated clock) allow, and every citizen claims as soon as it can in every epoch.
 */
export function simulate(p: SybilParams, defences: Defences, name = ""): ScenarioReport {
  const rng = seededRng(p.seed);
  const E = p.epochMs;
  const end = p.months * E;
  const clock = { t: 0 };
  const now = (): number => clock.t;
  const perPhone = new RateLimiter(p.perPhonePerHour, HOUR_MS, now);
  const perClient = new RateLimiter(p.perClientPerHour, HOUR_MS, now);
  const ledger = new FloorLedger(p.initialReserve, p.monthlyAmount, defences.onePhoneOneCitizen);
  const q = new EventQueue<Ev>();
  const sec = (t: number): number => Math.floor(t / 1000);
  const epochAt = (t: number): number => Math.floor(t / E) + 1;

  const a = { numbersRented: 0, verifications: 0, rateLimitWaits: 0, lostToRentalEnd: 0, refusedPhoneInUse: 0, firstRoundHours: 0, citizensGained: 0, claimsPaid: 0, claimsRefusedExpired: 0, claimsRefusedReserve: 0, nxtExtracted: 0n };
  const h = { claimsPaid: 0, claimsRefused: 0, paid: 0n };

  for (let i = 0; i < p.honest; i++) ledger.register({ citizen: `h${i}`, phoneHash: `hp${i}`, expiresAt: NEVER }, 0);
  for (let k = 2; k <= p.months; k++) q.push({ t: (k - 1) * E, kind: "epoch", epoch: k });
  // Drawn first, so every scenario of a seed has the same honest claim times.
  for (let k = 1; k <= p.months; k++) for (let i = 0; i < p.honest; i++) q.push({ t: (k - 1) * E + Math.floor(rng() * E), kind: "honest-claim", citizen: i });

  // The plan.
  const clientCost = p.clients * p.costPerClientMonth * p.months;
  const rentalCost = p.costPerNumberMonth * p.rentalMonths;
  const rounds = defences.expiry ? Math.ceil((p.months * E) / (p.validityDays * DAY_MS)) : 1;
  const attacking = p.clients > 0 && p.addressesPerNumber > 0 && p.budget >= clientCost + rentalCost * rounds;
  const slots = attacking ? Math.floor((p.budget - clientCost) / (rentalCost * rounds)) : 0;
  let spent = attacking ? clientCost : 0;
  const validityS = defences.expiry ? p.validityDays * 86_400 : NEVER;

  const attackers: string[] = [];
  const waiting: Rental[][] = Array.from({ length: attacking ? p.clients : 0 }, () => []);
  const active: Rental[][] = waiting.map(() => []);
  for (let s = 0; s < slots; s++) waiting[s % p.clients]!.push({ slot: s, round: 0, release: 0, phone: "", rentalEnd: 0, nextAddress: 0, minExpiry: NEVER });
  for (let c = 0; c < waiting.length; c++) q.push({ t: 0, kind: "client", client: c });

  const attackerClaim = (citizen: string, t: number): void => {
    const r = ledger.claim(citizen, epochAt(t), sec(t));
    if (r.code === "OK") {
      a.claimsPaid++;
      a.nxtExtracted += r.amount;
    } else if (r.code === "BHLS_CITIZEN_EXPIRED") a.claimsRefusedExpired++;
    else if (r.code === "BHLS_RESERVE_EXHAUSTED") a.claimsRefusedReserve++;
  };

  /** A rental is done (all addresses tried, or the number is gone): its next round is due when its citizens expire. */
  const finish = (c: number, r: Rental): void => {
    active[c]!.splice(active[c]!.indexOf(r), 1);
    if (r.round + 1 < rounds && r.minExpiry < end) {
      const next: Rental = { slot: r.slot, round: r.round + 1, release: r.minExpiry, phone: "", rentalEnd: 0, nextAddress: 0, minExpiry: NEVER };
      const w = waiting[c]!;
      let i = w.length;
      while (i > 0 && w[i - 1]!.release > next.release) i--;
      w.splice(i, 0, next);
    }
  };

  const phoneLimited = (r: Rental): number => (defences.rateLimits ? perPhone.retryAfter(r.phone) : 0);

  /** A client's next move at time t: verify the next address of a rented number, rent one, or wait. */
  const step = (c: number, t: number): void => {
    for (const r of [...active[c]!]) {
      if (r.rentalEnd <= t) {
        a.lostToRentalEnd += p.addressesPerNumber - r.nextAddress;
        finish(c, r);
      }
    }
    const clientWait = defences.rateLimits ? perClient.retryAfter(`client${c}`) : 0;
    if (clientWait > 0) {
      a.rateLimitWaits++;
      q.push({ t: t + clientWait * 1000, kind: "client", client: c });
      return;
    }
    let pick = active[c]!.find((r) => phoneLimited(r) === 0);
    const w = waiting[c]!;
    if (!pick && w.length > 0 && w[0]!.release <= t && spent + rentalCost <= p.budget) {
      pick = w.shift()!;
      pick.phone = `n${pick.slot}.${pick.round}`;
      pick.rentalEnd = t + p.rentalMonths * E;
      spent += rentalCost;
      a.numbersRented++;
      active[c]!.push(pick);
    } else if (!pick && w.length > 0 && w[0]!.release <= t) {
      w.shift(); // over budget: this round is not bought
      q.push({ t, kind: "client", client: c });
      return;
    }
    if (!pick) {
      const waits = active[c]!.map((r) => t + phoneLimited(r) * 1000);
      if (waits.length > 0) a.rateLimitWaits++;
      if (w.length > 0) waits.push(w[0]!.release);
      if (waits.length > 0) q.push({ t: Math.min(...waits), kind: "client", client: c });
      return;
    }
    if (defences.rateLimits) {
      perClient.hit(`client${c}`);
      perPhone.hit(pick.phone);
    }
    a.verifications++;
    const [lo, hi] = p.verifySeconds;
    q.push({ t: t + (lo + Math.floor(rng() * (hi - lo + 1))) * 1000, kind: "verified", client: c, rental: pick });
  };

  /** The code was typed: the attestor signs, the chain registers (or refuses), the new citizen claims at once. */
  const verified = (c: number, r: Rental, t: number): void => {
    const citizen = `a${r.slot}.${r.round}.${r.nextAddress}`;
    r.nextAddress++;
    const expiresAt = defences.expiry ? sec(t) + validityS : NEVER;
    const code = ledger.register({ citizen, phoneHash: r.phone, expiresAt }, sec(t));
    if (code === "OK") {
      a.citizensGained++;
      attackers.push(citizen);
      if (defences.expiry) r.minExpiry = Math.min(r.minExpiry, expiresAt * 1000);
      if (r.round === 0) a.firstRoundHours = t / HOUR_MS;
      attackerClaim(citizen, t);
    } else if (code === "BHLS_PHONE_HASH_IN_USE") a.refusedPhoneInUse++;
    if (r.nextAddress >= p.addressesPerNumber) finish(c, r);
    step(c, t);
  };

  for (let e = q.pop(); e && e.t < end; e = q.pop()) {
    clock.t = e.t;
    switch (e.kind) {
      case "epoch":
        // Economy's transition tops up the reserve; the attacker's live citizens claim first thing.
        ledger.topUp(p.inflowPerEpoch);
        for (const citizen of attackers) attackerClaim(citizen, e.t);
        break;
      case "honest-claim": {
        const r = ledger.claim(`h${e.citizen}`, epochAt(e.t), sec(e.t));
        if (r.code === "OK") {
          h.claimsPaid++;
          h.paid += r.amount;
        } else h.claimsRefused++;
        break;
      }
      case "client":
        step(e.client, e.t);
        break;
      case "verified":
        verified(e.client, e.rental, e.t);
        break;
    }
  }

  const inflow = p.inflowPerEpoch * BigInt(Math.max(0, p.months - 1));
  const cost = spent;
  return {
    name,
    defences,
    attacker: {
      ...a,
      firstRoundHours: Math.round(a.firstRoundHours * 10) / 10,
      cost,
      nxtPerCost: cost > 0 ? round2(nxtOf(a.nxtExtracted) / cost) : 0,
      citizensPerCost: cost > 0 ? Math.round((a.citizensGained / cost) * 10_000) / 10_000 : 0,
    },
    honest: {
      citizens: p.honest,
      ...h,
      averageClaim: p.honest > 0 ? h.paid / BigInt(p.honest * p.months) : 0n,
    },
    reserve: { initial: p.initialReserve, inflow, paidOut: ledger.paidOut, left: ledger.reserve },
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The five scenarios of SCENARIOS with the same params (and so the same honest claim times). */
export function simulateAll(p: SybilParams): ScenarioReport[] {
  return SCENARIOS.map((s) => simulate(p, s.defences, s.name));
}

export { NXT };
