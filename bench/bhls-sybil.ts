/**
 * Sybil resistance of the BHLS floor, simulated (docs/bhls.md, "Sybil resistance, measured"):
 * an attacker renting phone numbers against the attestor's rate limits, attestation expiry and
 * one-phone-one-citizen, with each defence switched off in turn. Seeded and deterministic (the
 * model: services/attestor/sybil/); prints a table, or JSON with --json. Nothing is asserted.
 *
 *   npm run bench:bhls-sybil -- [--seed 1] [--months 12] [--budget 1000] [--json]
 */
import { Command, InvalidArgumentError } from "commander";
import { defaultSybilParams, reserveFor, NXT, DEFAULT_RESERVE_COVER, type SybilParams } from "../services/attestor/sybil/params.ts";
import { simulateAll } from "../services/attestor/sybil/simulate.ts";
import { formatReport, reportJson } from "../services/attestor/sybil/report.ts";

const int = (min: number) => (v: string): number => {
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < min) throw new InvalidArgumentError(`an integer ≥ ${min}`);
  return x;
};
const num = (v: string): number => {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new InvalidArgumentError("a non-negative number");
  return x;
};

const d = defaultSybilParams();
const o = new Command()
  .name("bench:bhls-sybil")
  .description("Seeded simulation of phone-renting Sybil attackers against the attestor and the BHLS floor: citizens gained and NXT extracted per unit of attacker cost, with and without each defence")
  .option("--seed <n>", "PRNG seed", int(0), d.seed)
  .option("--months <n>", "horizon in epochs (30 days each)", int(1), d.months)
  .option("--budget <units>", "attacker budget, cost units", num, d.budget)
  .option("--cost-per-number <units>", "renting one number for a month", num, d.costPerNumberMonth)
  .option("--rental-months <n>", "a number is held this many months, then lost", int(1), d.rentalMonths)
  .option("--clients <n>", "attacker client IPs / devices", int(1), d.clients)
  .option("--cost-per-client <units>", "one client for a month", num, d.costPerClientMonth)
  .option("--addresses-per-number <n>", "addresses the attacker tries per number", int(1), d.addressesPerNumber)
  .option("--honest <n>", "honest citizens", int(0), d.honest)
  .option("--reserve-cover <x>", "reserve at the start and per-epoch top-up, as a multiple of the honest citizens' full claims", num, DEFAULT_RESERVE_COVER)
  .option("--reserve-nxt <n>", "reserve at the start, NXT (instead of --reserve-cover)", num)
  .option("--inflow-nxt <n>", "top-up per epoch, NXT (instead of --reserve-cover)", num)
  .option("--validity-days <n>", "attestation validity, days (default: the attestor's attestationValidityDays)", int(1), d.validityDays)
  .option("--json", "print JSON instead of the tables")
  .parse()
  .opts<{ seed: number; months: number; budget: number; costPerNumber: number; rentalMonths: number; clients: number; costPerClient: number; addressesPerNumber: number; honest: number; reserveCover: number; reserveNxt?: number; inflowNxt?: number; validityDays: number; json?: boolean }>();

const cover = reserveFor(o.honest, d.monthlyAmount, o.reserveCover);
const params: SybilParams = defaultSybilParams({
  seed: o.seed,
  months: o.months,
  budget: o.budget,
  costPerNumberMonth: o.costPerNumber,
  rentalMonths: o.rentalMonths,
  clients: o.clients,
  costPerClientMonth: o.costPerClient,
  addressesPerNumber: o.addressesPerNumber,
  honest: o.honest,
  initialReserve: o.reserveNxt !== undefined ? BigInt(Math.round(o.reserveNxt)) * NXT : cover,
  inflowPerEpoch: o.inflowNxt !== undefined ? BigInt(Math.round(o.inflowNxt)) * NXT : cover,
  validityDays: o.validityDays,
});
const reports = simulateAll(params);
console.log(o.json ? reportJson(params, reports) : formatReport(params, reports));
