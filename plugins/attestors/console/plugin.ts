import { randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { PluginHost } from "../../../runtime/plugins/plugin.ts";
import { ProviderError, defineAttestorProvider, maskPhone, type AttestorProviderPlugin, type CheckOutcome, type VerificationProvider } from "../provider.ts";

/**
 * The development provider: no SMS. It draws a 6-digit code from the cryptographic RNG
 * (crypto.randomInt) and prints it, with the number masked (+1415•••0100), to the service's
 * log. Same rules as the service promises with Twilio: a code lives 10 minutes, allows 5
 * attempts, and a number gets at most one (re)send per 60 seconds.
 */
export interface ConsoleProviderOptions {
  /** Code lifetime, seconds (default 600). */
  ttlSeconds?: number;
  /** Wrong codes allowed before the verification is locked (default 5). */
  maxAttempts?: number;
  /** Seconds between two sends to the same number (default 60). */
  resendSeconds?: number;
  /** Print codes to the log (default true; the whole point of this provider in development). */
  printCodes?: boolean;
  /** Clock, ms (tests). */
  now?: () => number;
  /** Where codes are printed; console.log when absent. */
  logger?: Pick<Logger, "info">;
}

interface Pending {
  ref: string;
  phone: string;
  code: string;
  expiresAt: number;
  sentAt: number;
  attempts: number;
  status: "pending" | "approved" | "canceled";
}

export class ConsoleProvider implements VerificationProvider {
  readonly id = "console";
  private readonly byPhone = new Map<string, Pending>();
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly resendMs: number;
  private readonly now: () => number;

  constructor(private readonly o: ConsoleProviderOptions = {}) {
    this.ttlMs = (o.ttlSeconds ?? 600) * 1000;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.resendMs = (o.resendSeconds ?? 60) * 1000;
    this.now = o.now ?? Date.now;
  }

  /** For tests: the code last sent to this number (undefined when none is pending). */
  lastCode(phone: string): string | undefined {
    const p = this.byPhone.get(phone);
    return p && p.status === "pending" ? p.code : undefined;
  }

  async start(phone: string): Promise<{ providerRef: string }> {
    const t = this.now();
    this.sweep(t);
    const cur = this.byPhone.get(phone);
    if (cur && cur.status === "pending" && t < cur.expiresAt) {
      const wait = cur.sentAt + this.resendMs - t;
      if (wait > 0) throw new ProviderError("PROVIDER_TOO_MANY_SENDS", `a code was sent to ${maskPhone(phone)} less than ${this.resendMs / 1000} s ago; wait ${Math.ceil(wait / 1000)} s`, { provider: this.id, retryAfterSeconds: Math.ceil(wait / 1000) });
      // A resend: a fresh code and a fresh lifetime; the wrong attempts already made still count.
      cur.code = newCode();
      cur.sentAt = t;
      cur.expiresAt = t + this.ttlMs;
      this.print(cur);
      return { providerRef: cur.ref };
    }
    const p: Pending = { ref: `CV${randomUUID().replace(/-/g, "")}`, phone, code: newCode(), expiresAt: t + this.ttlMs, sentAt: t, attempts: 0, status: "pending" };
    this.byPhone.set(phone, p);
    this.print(p);
    return { providerRef: p.ref };
  }

  async check(ref: string, phone: string, code: string): Promise<CheckOutcome> {
    const t = this.now();
    const p = this.byPhone.get(phone);
    if (!p || p.ref !== ref || p.status !== "pending") throw new ProviderError("PROVIDER_NOT_FOUND", "no pending verification with this reference", { provider: this.id });
    if (t >= p.expiresAt) {
      this.byPhone.delete(phone);
      return "expired";
    }
    if (p.attempts >= this.maxAttempts) return "too-many-attempts";
    p.attempts++;
    if (sameCode(code, p.code)) {
      p.status = "approved";
      this.byPhone.delete(phone);
      return "approved";
    }
    return "pending"; // as Twilio: a wrong code leaves it pending; the check after the last attempt is refused
  }

  async cancel(ref: string, phone: string): Promise<void> {
    const p = this.byPhone.get(phone);
    if (p && p.ref === ref) this.byPhone.delete(phone);
  }

  private sweep(t: number): void {
    if (this.byPhone.size < 1024) return;
    for (const [k, p] of this.byPhone) if (t >= p.expiresAt) this.byPhone.delete(k);
  }

  private print(p: Pending): void {
    if (this.o.printCodes === false) return;
    const line = `verification code ${p.code} for ${maskPhone(p.phone)} (console provider, development only; valid ${this.ttlMs / 60000} min)`;
    if (this.o.logger) this.o.logger.info({ provider: "console", masked: maskPhone(p.phone), code: p.code }, line);
    else console.log(line);
  }
}

function newCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What an attestor service adds to the plugin host: its clock. */
export interface AttestorProviderHost extends PluginHost {
  readonly now?: () => number;
}

function num(v: unknown, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new ProviderError("PROVIDER_BAD_OPTIONS", `console provider option ${name} must be an integer ≥ ${min}`, { provider: "console" });
  return v;
}

export const consoleAttestorPlugin: AttestorProviderPlugin = defineAttestorProvider({
  id: "console",
  create: (ctx) => {
    const o = ctx.options;
    const known = new Set(["ttlSeconds", "maxAttempts", "resendSeconds", "printCodes"]);
    for (const k of Object.keys(o)) if (!known.has(k)) throw new ProviderError("PROVIDER_BAD_OPTIONS", `console provider: unknown option "${k}" (known: ${[...known].join(", ")})`, { provider: "console" });
    if (o.printCodes !== undefined && typeof o.printCodes !== "boolean") throw new ProviderError("PROVIDER_BAD_OPTIONS", "console provider option printCodes must be true or false", { provider: "console" });
    const host = ctx.host as AttestorProviderHost;
    return new ConsoleProvider({
      ttlSeconds: num(o.ttlSeconds, "ttlSeconds", 1),
      maxAttempts: num(o.maxAttempts, "maxAttempts", 1),
      resendSeconds: num(o.resendSeconds, "resendSeconds", 0),
      printCodes: o.printCodes as boolean | undefined,
      now: host.now,
      logger: host.logger,
    });
  },
});
