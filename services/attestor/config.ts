import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mergeConfig } from "../../runtime/node/merge-config.ts";
import { homedir } from "node:os";
import { join, resolve, dirname } from "node:path";
import type { FromSchema } from "json-schema-to-ts";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import { AttestorError } from "./errors.ts";

/**
 * The attestor's config file (JSON). Every field has a default (defaultAttestorConfig, and
 * docs/attestor.md); a file gives only what it changes. Secrets do not belong here: the key's
 * passphrase comes from passphraseFile or NEXUS_PASSPHRASE, Twilio's token may come from
 * TWILIO_AUTH_TOKEN.
 */
export const attestorConfigSchema = {
  $id: "https://nexusos.dev/schemas/attestor.v1.Config.json",
  type: "object",
  properties: {
    listen: {
      type: "object",
      properties: { host: { type: "string", minLength: 1 }, port: { type: "integer", minimum: 0, maximum: 65535 } },
      required: ["host", "port"],
      additionalProperties: false,
    },
    node: {
      type: "object",
      properties: {
        /** JSON-RPC URL of a node of the chain. */
        rpcUrl: { type: "string", minLength: 1 },
        /** The chain the attestations are for; "" = whatever the node runs. When set, the service refuses to start against a node of another chain. */
        chainId: { type: "string" },
        /** How long to wait for a registration's receipt, ms. */
        receiptTimeoutMs: { type: "integer", minimum: 100 },
        /** Interval of the background retry of registrations not yet on chain, ms. */
        retryIntervalMs: { type: "integer", minimum: 100 },
      },
      required: ["rpcUrl", "chainId", "receiptTimeoutMs", "retryIntervalMs"],
      additionalProperties: false,
    },
    /** NexusOS home holding keys/<keyName>.json; "" = NEXUS_HOME, else ~/.nexus. */
    home: { type: "string" },
    /** Name of the attestor's Ed25519 key in the home's keyring. Its address must be a registered attestor. */
    keyName: { type: "string", minLength: 1, maxLength: 64 },
    /** File whose first line is the key's passphrase; "" = NEXUS_PASSPHRASE, else (dev keys with dev: true) the dev passphrase. */
    passphraseFile: { type: "string" },
    /** Journal and salt live here; "" = <home>/attestor. */
    dataDir: { type: "string" },
    /** The secret salt of phone hashes (hex, 32+ bytes; created 0600 on first start); "" = <dataDir>/phone-salt. */
    saltFile: { type: "string" },
    provider: {
      type: "object",
      properties: {
        /** "console" (development: codes in the log) or "twilio". */
        id: { type: "string", pattern: "^[a-z][a-z0-9-]{0,63}$" },
        /** The provider plugin's options (docs/attestor.md). */
        options: { type: "object" },
      },
      required: ["id", "options"],
      additionalProperties: false,
    },
    /** Days an attestation stays valid (its expiresAt = now + this). */
    attestationValidityDays: { type: "integer", minimum: 1, maximum: 3650 },
    verification: {
      type: "object",
      properties: {
        /** A code's lifetime, s. */
        ttlSeconds: { type: "integer", minimum: 10, maximum: 3600 },
        /** Wrong codes allowed per verification. */
        maxAttempts: { type: "integer", minimum: 1, maximum: 20 },
        /** Seconds between two sends to a number. */
        resendSeconds: { type: "integer", minimum: 0, maximum: 3600 },
        /** Verifications held in memory at once. */
        maxPending: { type: "integer", minimum: 1 },
      },
      required: ["ttlSeconds", "maxAttempts", "resendSeconds", "maxPending"],
      additionalProperties: false,
    },
    rateLimits: {
      type: "object",
      properties: {
        /** Sends (starts and resends) to one number per hour. */
        perPhonePerHour: { type: "integer", minimum: 1 },
        /** Verifications started by one client address per hour. */
        perClientPerHour: { type: "integer", minimum: 1 },
      },
      required: ["perPhonePerHour", "perClientPerHour"],
      additionalProperties: false,
    },
    /** Largest HTTP request body, bytes. */
    maxBodyBytes: { type: "integer", minimum: 256, maximum: 1048576 },
    /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
    trustProxy: { type: "boolean" },
    /** Development: allows the dev passphrase for a dev key. */
    dev: { type: "boolean" },
    logLevel: { enum: ["trace", "debug", "info", "warn", "error", "fatal"] },
    logFormat: { enum: ["pretty", "json"] },
  },
  required: ["listen", "node", "home", "keyName", "passphraseFile", "dataDir", "saltFile", "provider", "attestationValidityDays", "verification", "rateLimits", "maxBodyBytes", "trustProxy", "dev", "logLevel", "logFormat"],
  additionalProperties: false,
} as const;

export type AttestorConfig = FromSchema<typeof attestorConfigSchema>;

export const DEFAULT_ATTESTOR_PORT = 7710;

export function defaultAttestorConfig(): AttestorConfig {
  return {
    listen: { host: "127.0.0.1", port: DEFAULT_ATTESTOR_PORT },
    node: { rpcUrl: "http://127.0.0.1:7700", chainId: "", receiptTimeoutMs: 30_000, retryIntervalMs: 15_000 },
    home: "",
    keyName: "attestor",
    passphraseFile: "",
    dataDir: "",
    saltFile: "",
    provider: { id: "console", options: {} },
    attestationValidityDays: 180,
    verification: { ttlSeconds: 600, maxAttempts: 5, resendSeconds: 60, maxPending: 100_000 },
    rateLimits: { perPhonePerHour: 3, perClientPerHour: 20 },
    maxBodyBytes: 4096,
    trustProxy: false,
    dev: false,
    logLevel: "info",
    logFormat: "pretty",
  };
}

let validator: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/** Defaults overlaid by `over`, validated. `where` names the source in errors. */
export function resolveAttestorConfig(over: Record<string, unknown>, where = "config"): AttestorConfig {
  const cfg = mergeConfig(defaultAttestorConfig() as unknown as Record<string, unknown>, over, ["options"]);
  validator ??= createAjv().compile(attestorConfigSchema);
  if (!validator(cfg)) throw new AttestorError("ATTESTOR_CONFIG_INVALID", `${where}: ${describeAjvErrors(validator.errors, "config")} (docs/attestor.md lists every field and its default)`);
  return cfg as AttestorConfig;
}

/** Read and validate a config file; a relative path in it is relative to the file. */
export function loadAttestorConfig(path: string): AttestorConfig {
  if (!existsSync(path)) throw new AttestorError("ATTESTOR_CONFIG_INVALID", `config file ${path} does not exist; write one with \`nexus attestor init-config ${path}\``);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new AttestorError("ATTESTOR_CONFIG_INVALID", `${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new AttestorError("ATTESTOR_CONFIG_INVALID", `${path} must hold a JSON object`);
  const { $comment: _c, ...rest } = json as Record<string, unknown>;
  const cfg = resolveAttestorConfig(rest, path);
  const base = dirname(resolve(path));
  for (const k of ["home", "passphraseFile", "dataDir", "saltFile"] as const) if (cfg[k]) cfg[k] = resolve(base, cfg[k]);
  return cfg;
}

/** Resolved paths: home, dataDir, saltFile, journal. */
export function attestorPaths(cfg: AttestorConfig): { home: string; dataDir: string; saltFile: string; journal: string } {
  const home = cfg.home ? resolve(cfg.home) : process.env.NEXUS_HOME ? resolve(process.env.NEXUS_HOME) : join(homedir(), ".nexus");
  const dataDir = cfg.dataDir ? resolve(cfg.dataDir) : join(home, "attestor");
  return { home, dataDir, saltFile: cfg.saltFile ? resolve(cfg.saltFile) : join(dataDir, "phone-salt"), journal: join(dataDir, "journal.jsonl") };
}

/** The default config with a "$comment" explaining it (JSON has no comments; the loader ignores $comment). */
export function writeDefaultConfig(path: string, opts: { force?: boolean } = {}): void {
  if (existsSync(path) && !opts.force) throw new AttestorError("ATTESTOR_CONFIG_INVALID", `${path} already exists (pass --force to overwrite it)`);
  const doc = {
    $comment: [
      "NexusOS attestor config (docs/attestor.md describes every field). Defaults are shown; remove what you do not change.",
      "listen: where the HTTP API listens. node.rpcUrl: a node of the chain; node.chainId: '' = the node's chain, else it must match.",
      "home/keyName: the attestor's Ed25519 key (nexus keys add attestor); its address must be a registered attestor on chain.",
      "passphraseFile: the key's passphrase ('' = NEXUS_PASSPHRASE). dataDir: journal + salt ('' = <home>/attestor).",
      "saltFile: secret salt of phone hashes, created 0600 on first start: back it up, never publish it.",
      "provider: { id: 'console' (development: codes printed to the log) | 'twilio', options }.",
      "twilio options: accountSid, authToken, serviceSid (or TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_VERIFY_SERVICE_SID), channel 'sms'.",
    ],
    ...defaultAttestorConfig(),
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + "\n", { mode: 0o600 });
}
