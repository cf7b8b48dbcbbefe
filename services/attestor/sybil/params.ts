import { defaultAttestorConfig } from "../config.ts";
import { defaultParams as defaultBhlsParams, NXT } from "../../../modules/bhls/params.ts";
import { defaultParams as defaultEconomyParams, DAY_MS } from "../../../modules/economy/params.ts";

/**
 * Inputs of the Sybil simulation (docs/bhls.md, "Sybil resistance, measured"). The protocol
 * figures (limits, attestation validity, claim amount, epoch length) are read from the real
 * defaults, so the simulation follows a change of them; the attacker and the reserve are
 * assumptions of the model, in "cost units" (read: US dollars).
 */
export interface SybilParams {
  seed: number;
  /** Horizon, in epochs (economy's epochs: 30 days of block time). */
  months: number;
  /** What the attacker may spend over the horizon, cost units. */
  budget: number;
  /** Renting one phone number for one month. */
  costPerNumberMonth: number;
  /** A number is rented for this many months, then lost. */
  rentalMonths: number;
  /** Client IPs / devices the attacker verifies from, each rented for the whole horizon. */
  clients: number;
  costPerClientMonth: number;
  /** Addresses the attacker tries to make citizens with each number. */
  addressesPerNumber: number;
  /** Attacker time per verification (SMS arrives, code typed), seconds: drawn in [min, max]. */
  verifySeconds: readonly [number, number];
  /** Honest citizens, registered at the start; each claims once per epoch at a random moment of it. */
  honest: number;
  /** Floor reserve at the start and top-up at each epoch start, NXT base units. */
  initialReserve: bigint;
  inflowPerEpoch: bigint;
  /** Real defaults: the attestor's config and the bhls / economy params. */
  perPhonePerHour: number;
  perClientPerHour: number;
  validityDays: number;
  monthlyAmount: bigint;
  epochMs: number;
}

/** Which defences are on. */
export interface Defences {
  /** The attestor's per-phone and per-client hourly limits (services/attestor/rate-limit.ts). */
  rateLimits: boolean;
  /** Attestations expire after attestationValidityDays; off: they never do. */
  expiry: boolean;
  /** One phone hash, one citizen (BHLS_PHONE_HASH_IN_USE). */
  onePhoneOneCitizen: boolean;
}

export const ALL_ON: Defences = { rateLimits: true, expiry: true, onePhoneOneCitizen: true };

/** The five scenarios: all on, each defence off alone, all off. */
export const SCENARIOS: readonly { name: string; defences: Defences }[] = [
  { name: "all defences", defences: ALL_ON },
  { name: "no rate limits", defences: { ...ALL_ON, rateLimits: false } },
  { name: "no expiry", defences: { ...ALL_ON, expiry: false } },
  { name: "no one-phone-one-citizen", defences: { ...ALL_ON, onePhoneOneCitizen: false } },
  { name: "no defences", defences: { rateLimits: false, expiry: false, onePhoneOneCitizen: false } },
];

/** The reserve covers the honest citizens' full claims this many times over (an assumption: fees decide it on chain). */
export const DEFAULT_RESERVE_COVER = 1.25;

export function defaultSybilParams(over: Partial<SybilParams> = {}): SybilParams {
  const att = defaultAttestorConfig();
  const monthlyAmount = BigInt(defaultBhlsParams().monthlyAmount);
  const honest = over.honest ?? 1000;
  const inflow = reserveFor(honest, monthlyAmount, DEFAULT_RESERVE_COVER);
  return {
    seed: 1,
    months: 12,
    budget: 1000,
    costPerNumberMonth: 1,
    rentalMonths: 1,
    clients: 2,
    costPerClientMonth: 5,
    addressesPerNumber: 3,
    verifySeconds: [30, 120],
    honest,
    initialReserve: inflow,
    inflowPerEpoch: inflow,
    perPhonePerHour: att.rateLimits.perPhonePerHour,
    perClientPerHour: att.rateLimits.perClientPerHour,
    validityDays: att.attestationValidityDays,
    monthlyAmount,
    epochMs: defaultEconomyParams().epochDurationMs,
    ...over,
  };
}

/** `cover` times the honest citizens' full monthly claims, base units (cover in hundredths). */
export function reserveFor(honest: number, monthlyAmount: bigint, cover: number): bigint {
  return (BigInt(honest) * monthlyAmount * BigInt(Math.round(cover * 100))) / 100n;
}

export { NXT, DAY_MS };
