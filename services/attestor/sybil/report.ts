import { nxtOf, type ScenarioReport } from "./simulate.ts";
import type { SybilParams } from "./params.ts";

const n = (x: number, digits = 0): string => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/,/g, " ");
const nxt = (base: bigint, digits = 0): string => n(nxtOf(base), digits);

/** The assumptions a table was made with, one line each (printed above it). */
export function describeParams(p: SybilParams): string[] {
  return [
    `seed ${p.seed}, ${p.months} epochs of ${p.epochMs / 86_400_000} days; attacker budget ${n(p.budget)} cost units`,
    `attacker: ${p.clients} clients at ${n(p.costPerClientMonth, 2)}/month for the horizon; numbers at ${n(p.costPerNumberMonth, 2)}/month, rented ${p.rentalMonths} month(s) then lost; ${p.addressesPerNumber} addresses tried per number; ${p.verifySeconds[0]}-${p.verifySeconds[1]} s per verification`,
    `attestor defaults: ${p.perPhonePerHour} codes per phone per hour, ${p.perClientPerHour} verifications per client per hour, attestations valid ${p.validityDays} days`,
    `floor: ${nxt(p.monthlyAmount)} NXT per citizen per epoch; ${n(p.honest)} honest citizens claiming at random moments of each epoch; reserve ${nxt(p.initialReserve)} NXT at the start + ${nxt(p.inflowPerEpoch)} NXT per epoch`,
  ];
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  return [line(head), w.map((x) => "-".repeat(x)).join("  "), ...rows.map(line)].join("\n");
}

/** The readable tables: outcomes per scenario, then what each defence did. */
export function formatReport(p: SybilParams, reports: ScenarioReport[]): string {
  const outcome = table(
    ["scenario", "citizens", "NXT extracted", "cost", "NXT/cost", "citizens/cost", "break-even NXT price", "honest avg claim (NXT)", "honest claims refused"],
    reports.map((r) => [
      r.name,
      n(r.attacker.citizensGained),
      nxt(r.attacker.nxtExtracted),
      n(r.attacker.cost, 2),
      n(r.attacker.nxtPerCost, 2),
      n(r.attacker.citizensPerCost, 4),
      r.attacker.nxtExtracted > 0n ? (r.attacker.cost / nxtOf(r.attacker.nxtExtracted)).toPrecision(3) : "-",
      nxt(r.honest.averageClaim, 2),
      n(r.honest.claimsRefused),
    ]),
  );
  const how = table(
    ["scenario", "numbers rented", "verifications", "rate-limit waits", "first round (h)", "refused: phone in use", "claims paid", "refused: expired", "refused: reserve"],
    reports.map((r) => [
      r.name,
      n(r.attacker.numbersRented),
      n(r.attacker.verifications),
      n(r.attacker.rateLimitWaits),
      n(r.attacker.firstRoundHours, 1),
      n(r.attacker.refusedPhoneInUse),
      n(r.attacker.claimsPaid),
      n(r.attacker.claimsRefusedExpired),
      n(r.attacker.claimsRefusedReserve),
    ]),
  );
  const res = reports[0]!.reserve;
  return [
    "BHLS Sybil simulation (a model, not a measurement of a running chain)",
    ...describeParams(p).map((l) => "  " + l),
    "",
    outcome,
    "",
    how,
    "",
    `reserve over the horizon: ${nxt(res.initial + res.inflow)} NXT in; paid out per scenario: ${reports.map((r) => nxt(r.reserve.paidOut)).join(" / ")} NXT`,
    "break-even NXT price: cost units per NXT at which the attack pays for itself.",
  ].join("\n");
}

/** JSON for machines: bigints as decimal strings of base units. */
export function reportJson(p: SybilParams, reports: ScenarioReport[]): string {
  return JSON.stringify({ params: p, scenarios: reports }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}
