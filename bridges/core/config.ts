import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mergeConfig } from "../../runtime/node/merge-config.ts";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { FromSchema } from "json-schema-to-ts";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import { BridgeCoreError } from "./errors.ts";
import type { BridgeRole } from "./families.ts";

/**
 * The config file of `nexus watcher` and `nexus relayer`: YAML (JSON for *.json). Every field
 * but `chains` has a default (defaultBridgeConfig, docs/bridges.md); a file gives only what it
 * changes. Secrets stay out of it: the operator key's passphrase comes from passphraseFile or
 * NEXUS_PASSPHRASE; a family's keys from files its options name.
 */
const chainEntry = {
  type: "object",
  properties: {
    /** The chain's name in NexusOS's bridge module ("evm-local", "sepolia"). */
    name: { type: "string", pattern: "^[a-z0-9-]{1,32}$" },
    /** The family whose registered factory builds it ("evm"). */
    family: { type: "string", pattern: "^[a-z][a-z0-9-]{0,31}$" },
    /** Watcher: the source height to start after on the very first start (the store's cursor wins afterwards). */
    startHeight: { type: "integer", minimum: 0 },
    /** Watcher: source heights read per step (one store transaction each). */
    maxBlockRange: { type: "integer", minimum: 1, maximum: 1_000_000 },
  },
  required: ["name", "family"],
  // Everything else is the family's options, passed to its factory.
  additionalProperties: true,
} as const;

export const bridgeConfigSchema = {
  $id: "https://nexusos.dev/schemas/bridgecore.v1.Config.json",
  type: "object",
  properties: {
    nexus: {
      type: "object",
      properties: {
        /** JSON-RPC (HTTP) URL of a NexusOS node. */
        rpcUrl: { type: "string", minLength: 1 },
        /** Its WebSocket (wakes the process on bridge events); "" = rpcUrl with ws(s):// and /ws; "off" = polling only. */
        wsUrl: { type: "string" },
        /** "" = whatever the node runs; else the process refuses a node of another chain. */
        chainId: { type: "string" },
        /** How long to wait for a transaction's receipt, ms. */
        receiptTimeoutMs: { type: "integer", minimum: 100 },
      },
      required: ["rpcUrl", "wsUrl", "chainId", "receiptTimeoutMs"],
      additionalProperties: false,
    },
    /** Watcher only: the validator's operator key (the account that signs FEMTO bridge messages). */
    key: {
      type: "object",
      properties: {
        /** NexusOS home; "" = --home, NEXUS_HOME, else ~/.nexus. */
        home: { type: "string" },
        /** A key of the home's keyring; "validator" = the keyring's "validator" key if present, else the home's validator-key.json. */
        name: { type: "string", minLength: 1, maxLength: 64 },
        /** First line unlocks the key; "" = NEXUS_PASSPHRASE, else (dev keys with dev: true) the dev passphrase. */
        passphraseFile: { type: "string" },
        /** Development: allows the dev passphrase for a dev key. */
        dev: { type: "boolean" },
      },
      required: ["home", "name", "passphraseFile", "dev"],
      additionalProperties: false,
    },
    /** The checkpoint store lives here; "" = <home>/watcher or <home>/relayer. */
    dataDir: { type: "string" },
    /** One pass over every chain every this many ms (bridge events wake it earlier). */
    pollIntervalMs: { type: "integer", minimum: 50 },
    backoff: {
      type: "object",
      properties: {
        /** First retry after about this many ms (jittered: between half and all of it). */
        initialMs: { type: "integer", minimum: 1 },
        /** Retries never wait longer than this, ms. */
        maxMs: { type: "integer", minimum: 1 },
      },
      required: ["initialMs", "maxMs"],
      additionalProperties: false,
    },
    /** Relayer: a submission whose result the destination does not show yet is re-sent only after this many ms. */
    resubmitAfterMs: { type: "integer", minimum: 0 },
    metrics: {
      type: "object",
      properties: {
        /** Prometheus metrics at http://host:port/metrics; 0 = off. */
        port: { type: "integer", minimum: 0, maximum: 65535 },
        host: { type: "string", minLength: 1 },
      },
      required: ["port", "host"],
      additionalProperties: false,
    },
    chains: { type: "array", items: chainEntry },
    logLevel: { enum: ["trace", "debug", "info", "warn", "error", "fatal"] },
    logFormat: { enum: ["pretty", "json"] },
  },
  required: ["nexus", "key", "dataDir", "pollIntervalMs", "backoff", "resubmitAfterMs", "metrics", "chains", "logLevel", "logFormat"],
  additionalProperties: false,
} as const;

export type BridgeConfig = FromSchema<typeof bridgeConfigSchema>;
export type ChainConfig = BridgeConfig["chains"][number];

/** The chain entry's fields the core reads; the rest goes to the family's factory. */
export const CORE_CHAIN_FIELDS = ["name", "family", "startHeight", "maxBlockRange"] as const;

export function defaultBridgeConfig(): BridgeConfig {
  return {
    nexus: { rpcUrl: "http://127.0.0.1:7700", wsUrl: "", chainId: "", receiptTimeoutMs: 30_000 },
    key: { home: "", name: "validator", passphraseFile: "", dev: false },
    dataDir: "",
    pollIntervalMs: 5_000,
    backoff: { initialMs: 2_000, maxMs: 300_000 },
    resubmitAfterMs: 120_000,
    metrics: { port: 0, host: "127.0.0.1" },
    chains: [],
    logLevel: "info",
    logFormat: "pretty",
  };
}

let validator: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

const fail = (message: string): never => {
  throw new BridgeCoreError("BRIDGECORE_CONFIG_INVALID", message);
};

/** Defaults overlaid by `over`, validated for `role`. `where` names the source in errors. */
export function resolveBridgeConfig(over: Record<string, unknown>, role: BridgeRole, where = "config"): BridgeConfig {
  const cfg = mergeConfig(defaultBridgeConfig() as unknown as Record<string, unknown>, over);
  validator ??= createAjv().compile(bridgeConfigSchema);
  if (!validator(cfg)) fail(`${where}: ${describeAjvErrors(validator.errors, "config")} (docs/bridges.md lists every field and its default)`);
  const c = cfg as BridgeConfig;
  for (const [name, u, ok, example] of [
    ["nexus.rpcUrl", c.nexus.rpcUrl, ["http:", "https:"], "http://127.0.0.1:7700"],
    ["nexus.wsUrl", c.nexus.wsUrl, ["ws:", "wss:"], "ws://127.0.0.1:7700/ws"],
  ] as const) {
    if (!u || (name === "nexus.wsUrl" && u === "off")) continue;
    let p: URL | undefined;
    try {
      p = new URL(u);
    } catch {
      p = undefined;
    }
    if (!p || !(ok as readonly string[]).includes(p.protocol)) fail(`${where}: ${name} "${u}" must be a ${ok.map((x) => x.slice(0, -1)).join("/")} URL such as ${example}`);
  }
  if (c.backoff.maxMs < c.backoff.initialMs) fail(`${where}: backoff.maxMs (${c.backoff.maxMs}) is below backoff.initialMs (${c.backoff.initialMs}); raise maxMs`);
  if (c.chains.length === 0) fail(`${where}: chains is empty: list the chains this ${role} serves, e.g.\nchains:\n  - name: sepolia\n    family: evm\n    # …the family's options (docs/bridges.md)`);
  const seen = new Set<string>();
  c.chains.forEach((ch, i) => {
    if (seen.has(ch.name)) fail(`${where}: chains[${i}]: chain "${ch.name}" is listed twice; one entry per chain`);
    seen.add(ch.name);
    if (role === "relayer" && (ch.startHeight !== undefined || ch.maxBlockRange !== undefined)) fail(`${where}: chains[${i}] ("${ch.name}"): startHeight and maxBlockRange are a watcher's; a relayer reads no source chain: remove them`);
  });
  return c;
}

/** The WebSocket URL, or undefined when "off". */
export function wsUrlOf(cfg: BridgeConfig): string | undefined {
  if (cfg.nexus.wsUrl === "off") return undefined;
  if (cfg.nexus.wsUrl) return cfg.nexus.wsUrl;
  const u = new URL(cfg.nexus.rpcUrl);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = "/ws";
  u.search = "";
  return u.toString();
}

/** The family's options of a chain entry: everything but the core's fields. */
export function familyOptions(ch: ChainConfig): Record<string, unknown> {
  const o: Record<string, unknown> = { ...ch };
  for (const k of CORE_CHAIN_FIELDS) delete o[k];
  return o;
}

export interface LoadedBridgeConfig extends BridgeConfig {
  /** Directory of the file (families resolve relative paths against it). */
  configDir: string;
}

async function parseYaml(text: string, path: string): Promise<unknown> {
  const yaml = (await import("js-yaml")) as unknown as { load(s: string): unknown };
  try {
    return yaml.load(text);
  } catch (e) {
    return fail(`${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Read and validate a config file; relative paths in it (home, passphraseFile, dataDir) are relative to the file. */
export async function loadBridgeConfig(path: string, role: BridgeRole): Promise<LoadedBridgeConfig> {
  if (!existsSync(path)) fail(`config file ${path} does not exist; write one with \`nexus ${role} init-config ${path}\``);
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail(`cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  if (path.endsWith(".json")) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      fail(`${path} is not valid JSON: ${(e as Error).message}`);
    }
  } else if (text.split("\n").every((l) => !l.trim() || l.trim().startsWith("#"))) doc = {};
  else doc = await parseYaml(text, path);
  if (doc === undefined || doc === null) doc = {};
  if (typeof doc !== "object" || Array.isArray(doc)) fail(`${path} must hold a mapping of fields (nexus:, chains:, …)`);
  const { $comment: _c, ...rest } = doc as Record<string, unknown>;
  const cfg = resolveBridgeConfig(rest, role, path);
  const base = dirname(resolve(path));
  if (cfg.dataDir) cfg.dataDir = resolve(base, cfg.dataDir);
  if (cfg.key.home) cfg.key.home = resolve(base, cfg.key.home);
  if (cfg.key.passphraseFile) cfg.key.passphraseFile = resolve(base, cfg.key.passphraseFile);
  return { ...cfg, configDir: base };
}

/** Resolved home and data directory. */
export function bridgePaths(cfg: BridgeConfig, role: BridgeRole): { home: string; dataDir: string } {
  const home = cfg.key.home ? resolve(cfg.key.home) : process.env.NEXUS_HOME ? resolve(process.env.NEXUS_HOME) : join(homedir(), ".nexus");
  return { home, dataDir: cfg.dataDir ? resolve(cfg.dataDir) : join(home, role) };
}

const y = (v: unknown): string => JSON.stringify(v);

/** The default config of `role` as commented YAML (what init-config writes). */
export function defaultConfigYaml(role: BridgeRole): string {
  const d = defaultBridgeConfig();
  const watcher = role === "watcher";
  return `# NexusOS bridge ${role} (docs/bridges.md describes every field). Defaults are shown:
# remove what you do not change. Start it with: nexus ${role} start --config <this file>
nexus:
  # JSON-RPC URL of a NexusOS node (--node overrides)
  rpcUrl: ${y(d.nexus.rpcUrl)}
  # its WebSocket, to wake up on bridge events; "" = rpcUrl with ws:// and /ws; "off" = polling only
  wsUrl: ${y(d.nexus.wsUrl)}
  # "" = whatever the node runs; else the ${role} refuses a node of another chain
  chainId: ${y(d.nexus.chainId)}
  # how long to wait for a transaction's receipt, ms
  receiptTimeoutMs: ${d.nexus.receiptTimeoutMs}
${
  watcher
    ? `key:
  # NexusOS home with the validator's keys ("" = --home, NEXUS_HOME, else ~/.nexus)
  home: ${y(d.key.home)}
  # the validator's operator key: "validator" = the keyring's "validator" key if present, else <home>/validator-key.json
  name: ${y(d.key.name)}
  # first line unlocks a keyring key ("" = NEXUS_PASSPHRASE; the dev passphrase with dev: true)
  passphraseFile: ${y(d.key.passphraseFile)}
  dev: ${d.key.dev}
`
    : ""
}# the checkpoint store (cursors, submissions) lives here ("" = <home>/${role})
dataDir: ${y(d.dataDir)}
# one pass over every chain every this many ms (bridge events wake it earlier)
pollIntervalMs: ${d.pollIntervalMs}
# retries after an error (destination down, revert, node unreachable): jittered, doubling
backoff:
  initialMs: ${d.backoff.initialMs}
  maxMs: ${d.backoff.maxMs}
${watcher ? "" : `# a submission the destination does not show as done yet is re-sent only after this many ms\nresubmitAfterMs: ${d.resubmitAfterMs}\n`}metrics:
  # Prometheus metrics at http://host:port/metrics; 0 = off
  port: ${d.metrics.port}
  host: ${y(d.metrics.host)}
# the chains served: name (as NexusOS's bridge module knows it), family, then the family's options
chains:
  - name: "evm-local"
    family: "evm"
${watcher ? "    # first start only: scan the source chain after this height (the store's cursor wins later)\n    startHeight: 0\n    # source heights per step\n    maxBlockRange: 1000\n" : ""}    # …the evm family's options (rpcUrl, keys…): see docs/bridges.md
${watcher ? "  # - name: \"assethub\"      # a Substrate chain: the validators' multisig holds the NXT asset (no relayer there)\n  #   family: \"substrate\"\n  #   wsUrl: \"ws://127.0.0.1:8000\"\n  #   validatorKey: { file: \"substrate.key\" }\n  # - name: \"cosmos-local\"   # a Cosmos chain: the escrow is the validators' threshold multisig\n  #   family: \"cosmos\"\n  #   rpcUrl: \"http://127.0.0.1:26657\"\n  #   fee: { amount: \"5000\", denom: \"stake\" }\n  #   validatorKey: { file: \"cosmos.key\" }\n" : ""}
logLevel: ${y(d.logLevel)}
# pretty (people) | json (machines)
logFormat: ${y(d.logFormat)}
`;
}

export function writeDefaultConfig(path: string, role: BridgeRole, opts: { force?: boolean } = {}): void {
  if (existsSync(path) && !opts.force) fail(`${path} already exists (pass --force to overwrite it)`);
  const text = path.endsWith(".json")
    ? JSON.stringify({ $comment: `NexusOS bridge ${role} config; docs/bridges.md describes every field`, ...defaultBridgeConfig(), chains: [{ name: "evm-local", family: "evm" }] }, null, 2) + "\n"
    : defaultConfigYaml(role);
  writeFileSync(path, text, { mode: 0o600 });
}
