import twilio from "twilio";
import { ProviderError, defineAttestorProvider, type AttestorProviderPlugin, type CheckOutcome, type ProviderErrorCode, type VerificationProvider } from "../provider.ts";

/**
 * Twilio Verify v2 through the official helper library (`twilio` 6.x):
 *   POST /v2/Services/{ServiceSid}/Verifications        To, Channel=sms        → a VE… verification
 *   POST /v2/Services/{ServiceSid}/VerificationCheck    To, Code               → status approved | pending
 *   POST /v2/Services/{ServiceSid}/Verifications/{Sid}  Status=canceled
 * with HTTP Basic auth AccountSid:AuthToken. Twilio itself enforces the code's lifetime
 * (10 minutes by default), the check attempts (5) and the sends per number.
 *
 * The library has no base-URL option; its documented hook for tests and proxies is a custom
 * `httpClient` (a RequestClient). ours rewrites https://verify.twilio.com to `baseUrl` when
 * one is given, so tests run against test/fixtures/twilio-verify-fake.ts.
 */
export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  serviceSid: string;
  /** Default https://verify.twilio.com; a test points it at the local fake. */
  baseUrl?: string;
  /** "sms" (default), "call", "whatsapp" … as Twilio's Channel. */
  channel?: string;
  /** Request timeout, ms (default 15 000). */
  timeoutMs?: number;
}

type RequestOptions<T> = import("twilio/lib/base/RequestClient.js").RequestOptions<T>;
type TwilioResponse<T> = Awaited<ReturnType<twilio.RequestClient["request"]>> & { body: T };

const TWILIO_VERIFY_ORIGIN = "https://verify.twilio.com";

/** Twilio error codes → ours (https://www.twilio.com/docs/api/errors). */
const TWILIO_CODES: Record<number, ProviderErrorCode> = {
  20003: "PROVIDER_AUTH", // Authenticate
  20404: "PROVIDER_NOT_FOUND", // The requested resource was not found
  21211: "PROVIDER_INVALID_PHONE", // Invalid 'To' Phone Number
  21614: "PROVIDER_INVALID_PHONE", // 'To' number is not a valid mobile number
  60200: "PROVIDER_INVALID_PHONE", // Invalid parameter (Verify: a bad To)
  60202: "PROVIDER_TOO_MANY_ATTEMPTS", // Max check attempts reached
  60203: "PROVIDER_TOO_MANY_SENDS", // Max send attempts reached
  60212: "PROVIDER_CONCURRENT", // Too many concurrent requests for phone number
};

class RewritingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, autoRetry: false });
  }
  override request<TData>(opts: RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const uri = opts.uri.startsWith(TWILIO_VERIFY_ORIGIN) ? this.baseUrl.replace(/\/+$/, "") + opts.uri.slice(TWILIO_VERIFY_ORIGIN.length) : opts.uri;
    return super.request<TData>({ ...opts, uri });
  }
}

export class TwilioVerifyProvider implements VerificationProvider {
  readonly id = "twilio";
  private readonly client: twilio.Twilio;

  constructor(private readonly o: TwilioProviderOptions) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(o.accountSid)) throw new ProviderError("PROVIDER_BAD_OPTIONS", "twilio provider: accountSid must be AC followed by 32 hex digits (option accountSid or TWILIO_ACCOUNT_SID)", { provider: "twilio" });
    if (!o.authToken) throw new ProviderError("PROVIDER_BAD_OPTIONS", "twilio provider: authToken is missing (option authToken or TWILIO_AUTH_TOKEN)", { provider: "twilio" });
    if (!/^VA[0-9a-fA-F]{32}$/.test(o.serviceSid)) throw new ProviderError("PROVIDER_BAD_OPTIONS", "twilio provider: serviceSid must be VA followed by 32 hex digits (option serviceSid or TWILIO_VERIFY_SERVICE_SID)", { provider: "twilio" });
    const timeoutMs = o.timeoutMs ?? 15_000;
    let httpClient: twilio.RequestClient;
    if (o.baseUrl && o.baseUrl !== TWILIO_VERIFY_ORIGIN) {
      let u: URL;
      try {
        u = new URL(o.baseUrl);
      } catch {
        throw new ProviderError("PROVIDER_BAD_OPTIONS", `twilio provider: baseUrl "${o.baseUrl}" is not a URL`, { provider: "twilio" });
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new ProviderError("PROVIDER_BAD_OPTIONS", `twilio provider: baseUrl must be http(s)`, { provider: "twilio" });
      httpClient = new RewritingRequestClient(o.baseUrl, timeoutMs);
    } else {
      httpClient = new twilio.RequestClient({ timeout: timeoutMs, autoRetry: false });
    }
    this.client = twilio(o.accountSid, o.authToken, { httpClient, env: {} });
  }

  private service(): ReturnType<twilio.Twilio["verify"]["v2"]["services"]> {
    return this.client.verify.v2.services(this.o.serviceSid);
  }

  async start(phone: string): Promise<{ providerRef: string }> {
    try {
      const v = await this.service().verifications.create({ to: phone, channel: this.o.channel ?? "sms" });
      return { providerRef: v.sid };
    } catch (e) {
      throw mapError(e);
    }
  }

  async check(ref: string, phone: string, code: string): Promise<CheckOutcome> {
    try {
      const c = await this.service().verificationChecks.create({ to: phone, code });
      if (c.sid && c.sid !== ref) throw new ProviderError("PROVIDER_NOT_FOUND", "the pending verification of this number is not the one being checked", { provider: this.id });
      if (c.status === "approved" && c.valid !== false) return "approved";
      if (c.status === "canceled") return "expired";
      return "pending";
    } catch (e) {
      const err = mapError(e);
      if (err.code === "PROVIDER_NOT_FOUND") return "expired"; // Twilio answers 20404 for an expired (or used) verification
      if (err.code === "PROVIDER_TOO_MANY_ATTEMPTS") return "too-many-attempts";
      throw err;
    }
  }

  async cancel(ref: string): Promise<void> {
    try {
      await this.service().verifications(ref).update({ status: "canceled" });
    } catch {
      // best effort: an expired or approved verification cannot be canceled, and need not be
    }
  }
}

function mapError(e: unknown): InstanceType<typeof ProviderError> {
  if (e instanceof ProviderError) return e;
  const r = e as { status?: number; code?: number; message?: string; moreInfo?: string };
  if (e instanceof twilio.RestException || (typeof r?.status === "number" && typeof r?.code === "number")) {
    const ours = (r.code !== undefined && TWILIO_CODES[r.code]) || (r.status === 401 ? "PROVIDER_AUTH" : r.status === 404 ? "PROVIDER_NOT_FOUND" : "PROVIDER_UNAVAILABLE");
    // Twilio's messages may echo the number ("Invalid parameter `To`: +1…"): scrub it before it reaches a log or a client.
    return new ProviderError(ours, `Twilio Verify refused the request: ${scrubNumbers(r.message ?? "no message")} (Twilio error ${r.code}, HTTP ${r.status})`, { provider: "twilio", providerCode: r.code, httpStatus: r.status, ...(r.code === 60203 || r.code === 60212 ? { retryAfterSeconds: 60 } : {}) });
  }
  const m = scrubNumbers((e as Error)?.message ?? String(e));
  return new ProviderError("PROVIDER_UNAVAILABLE", `cannot reach Twilio Verify: ${m}`, { provider: "twilio" });
}

/** Replace anything that looks like a phone number with "[number]". */
export function scrubNumbers(s: string): string {
  return s.replace(/\+?[0-9][0-9 ().-]{5,}[0-9]/g, "[number]");
}

function str(v: unknown, env: string | undefined): string {
  return typeof v === "string" && v ? v : (env ?? "");
}

/**
 * Options (pluginOptions / the attestor config's provider.options): accountSid, authToken,
 * serviceSid (each falling back to TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
 * TWILIO_VERIFY_SERVICE_SID, so the secret need not sit in the config file), baseUrl, channel, timeoutMs.
 */
export const twilioAttestorPlugin: AttestorProviderPlugin = defineAttestorProvider({
  id: "twilio",
  create: (ctx) => {
    const o = ctx.options;
    const known = new Set(["accountSid", "authToken", "serviceSid", "baseUrl", "channel", "timeoutMs"]);
    for (const k of Object.keys(o)) if (!known.has(k)) throw new ProviderError("PROVIDER_BAD_OPTIONS", `twilio provider: unknown option "${k}" (known: ${[...known].join(", ")})`, { provider: "twilio" });
    return new TwilioVerifyProvider({
      accountSid: str(o.accountSid, process.env.TWILIO_ACCOUNT_SID),
      authToken: str(o.authToken, process.env.TWILIO_AUTH_TOKEN),
      serviceSid: str(o.serviceSid, process.env.TWILIO_VERIFY_SERVICE_SID),
      baseUrl: typeof o.baseUrl === "string" ? o.baseUrl : undefined,
      channel: typeof o.channel === "string" ? o.channel : undefined,
      timeoutMs: typeof o.timeoutMs === "number" ? o.timeoutMs : undefined,
    });
  },
});
