import { defineErrors } from "../../runtime/errors.ts";
import { definePlugin, type NexusPlugin } from "../../runtime/plugins/plugin.ts";

/**
 * The contract between the attestor service (services/attestor) and a phone verification
 * provider: something that sends a one-time code to a phone and later says whether a code
 * the citizen typed is the right one. Providers are plugins (runtime/plugins/plugin.ts):
 * plain objects { id, provides: ["attestor-provider"], create(ctx) } whose instance is a
 * VerificationProvider.
 *
 * A provider receives the E.164 number because it must send an SMS to it. It must never log
 * it: where it logs, it logs maskPhone(number) only.
 */

/** The capability an attestor provider plugin provides. */
export const ATTESTOR_PROVIDER_CAPABILITY = "attestor-provider";

/** What checking a code tells. A wrong code leaves the verification "pending". */
export type CheckOutcome = "approved" | "pending" | "expired" | "too-many-attempts";

export interface VerificationProvider {
  /** The plugin id ("console", "twilio"). */
  readonly id: string;
  /**
   * Send a code to `phoneE164` (already validated). Returns the provider's reference of this
   * verification (a Twilio VE… sid; a random id for the console provider). A second start for
   * the same number while one is pending is a resend (Twilio semantics).
   * Throws ProviderError: PROVIDER_INVALID_PHONE, PROVIDER_TOO_MANY_SENDS, PROVIDER_CONCURRENT,
   * PROVIDER_AUTH, PROVIDER_UNAVAILABLE.
   */
  start(phoneE164: string): Promise<{ providerRef: string }>;
  /** Check `code` for the verification `providerRef` of `phoneE164`. */
  check(providerRef: string, phoneE164: string, code: string): Promise<CheckOutcome>;
  /** Cancel a pending verification (best effort). */
  cancel?(providerRef: string, phoneE164: string): Promise<void>;
  /** Release timers and sockets. */
  close?(): Promise<void>;
}

/** Provider error codes: append only. The service maps each to an HTTP status and its own code. */
export const PROVIDER_ERRORS = {
  PROVIDER_INVALID_PHONE: 1, // the provider refuses the number (Twilio 60200 / 21211 / 21614)
  PROVIDER_TOO_MANY_SENDS: 2, // too many codes sent to this number (Twilio 60203; console: one resend per 60 s)
  PROVIDER_TOO_MANY_ATTEMPTS: 3, // too many wrong codes (Twilio 60202)
  PROVIDER_CONCURRENT: 4, // too many concurrent requests for this number (Twilio 60212)
  PROVIDER_NOT_FOUND: 5, // the verification does not exist, has expired or was already approved (Twilio 20404)
  PROVIDER_AUTH: 6, // the provider refused our credentials (Twilio 20003)
  PROVIDER_UNAVAILABLE: 7, // network failure or a 5xx from the provider
  PROVIDER_BAD_OPTIONS: 8, // the plugin's options are wrong (missing credentials, bad URL)
} as const;
export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;

/** context: { provider, retryAfterSeconds?, providerCode?, httpStatus? } — never the phone number. */
export class ProviderError extends defineErrors("attestor-provider", PROVIDER_ERRORS) {}

/** "+14155550100" → "+1415•••0100": enough for an operator to tell numbers apart, not to dial one. */
export function maskPhone(e164: string): string {
  if (e164.length <= 8) return `${e164.slice(0, 2)}•••`;
  return `${e164.slice(0, 5)}•••${e164.slice(-4)}`;
}

/** E.164: "+", a non-zero digit, then 7 to 14 digits (8 to 15 in all). */
export const E164 = /^\+[1-9][0-9]{7,14}$/;

export type AttestorProviderPlugin = NexusPlugin<VerificationProvider>;

/** definePlugin for attestor providers: fixes the capability. */
export function defineAttestorProvider(p: Omit<AttestorProviderPlugin, "provides">): AttestorProviderPlugin {
  return definePlugin<VerificationProvider>({ ...p, provides: [ATTESTOR_PROVIDER_CAPABILITY] });
}
