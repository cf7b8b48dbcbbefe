import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mergeConfig } from "../../runtime/node/merge-config.ts";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { FromSchema } from "json-schema-to-ts";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import { ArbiterError } from "./errors.ts";

/**
 * The arbiter agent's config file: YAML (arbiter.yaml; JSON is YAML too, and a .json file is
 * read as JSON). Every field has a default (defaultArbiterConfig, docs/arbiter.md); a file
 * gives only what it changes. Secrets stay out of it: the key's passphrase comes from
 * passphraseFile or NEXUS_PASSPHRASE, the LLM's API key from NEXUS_ARBITER_LLM_API_KEY.
 */
export const arbiterConfigSchema = {
  $id: "https://nexusos.dev/schemas/arbiter.v1.Config.json",
  type: "object",
  properties: {
    node: {
      type: "object",
      properties: {
        /** JSON-RPC (HTTP) URL of a node of the chain. */
        rpcUrl: { type: "string", minLength: 1 },
        /** Its WebSocket; "" = rpcUrl with ws(s):// and the path /ws. */
        wsUrl: { type: "string" },
        /** "" = whatever the node runs; else the agent refuses a node of another chain. */
        chainId: { type: "string" },
        /** How long to wait for a ruling's receipt, ms. */
        receiptTimeoutMs: { type: "integer", minimum: 100 },
        /** Interval of the backlog poll, the WebSocket health check and the retry of unsent rulings, ms. */
        pollIntervalMs: { type: "integer", minimum: 100 },
        /** Band of the ruling transactions (1 = NANO). */
        txBand: { type: "integer", minimum: 1, maximum: 7 },
      },
      required: ["rpcUrl", "wsUrl", "chainId", "receiptTimeoutMs", "pollIntervalMs", "txBand"],
      additionalProperties: false,
    },
    /** NexusOS home holding keys/<keyName>.json; "" = --home, NEXUS_HOME, else ~/.nexus. */
    home: { type: "string" },
    /** The arbiter's key in the home's keyring; its address must be a registered arbiter. */
    keyName: { type: "string", minLength: 1, maxLength: 64 },
    /** First line unlocks the key; "" = NEXUS_PASSPHRASE, else (dev keys with dev: true) the dev passphrase. */
    passphraseFile: { type: "string" },
    /** The journal lives here; "" = <home>/arbiter. */
    dataDir: { type: "string" },
    decider: {
      type: "object",
      properties: {
        /** "rules" (the transparent rule engine) or "llm" (an OpenAI-compatible API, with the rules as fallback). */
        id: { type: "string", pattern: "^[a-z][a-z0-9-]{0,63}$" },
        /** The decider plugin's options (docs/arbiter.md). */
        options: { type: "object" },
      },
      required: ["id", "options"],
      additionalProperties: false,
    },
    evidence: {
      type: "object",
      properties: {
        /** Largest evidence document, bytes. */
        maxBytes: { type: "integer", minimum: 1, maximum: 67108864 },
        /** Per document fetch, ms. */
        timeoutMs: { type: "integer", minimum: 1 },
        /** file:// URIs are read only under these directories; [] = file:// refused. */
        fileRoots: { type: "array", items: { type: "string", minLength: 1 } },
        /** Documents fetched per case at most (the rest are ignored, and logged). */
        maxDocuments: { type: "integer", minimum: 1, maximum: 10000 },
      },
      required: ["maxBytes", "timeoutMs", "fileRoots", "maxDocuments"],
      additionalProperties: false,
    },
    /** A case whose ruling deadline is less than this far away is skipped, ms. */
    minTimeLeftMs: { type: "integer", minimum: 0 },
    /** Development: allows the dev passphrase for a dev key. */
    dev: { type: "boolean" },
    logLevel: { enum: ["trace", "debug", "info", "warn", "error", "fatal"] },
    logFormat: { enum: ["pretty", "json"] },
  },
  required: ["node", "home", "keyName", "passphraseFile", "dataDir", "decider", "evidence", "minTimeLeftMs", "dev", "logLevel", "logFormat"],
  additionalProperties: false,
} as const;

export type ArbiterConfig = FromSchema<typeof arbiterConfigSchema>;

export function defaultArbiterConfig(): ArbiterConfig {
  return {
    node: { rpcUrl: "http://127.0.0.1:7700", wsUrl: "", chainId: "", receiptTimeoutMs: 30_000, pollIntervalMs: 30_000, txBand: 1 },
    home: "",
    keyName: "arbiter",
    passphraseFile: "",
    dataDir: "",
    decider: { id: "rules", options: {} },
    evidence: { maxBytes: 1_048_576, timeoutMs: 10_000, fileRoots: [], maxDocuments: 64 },
    minTimeLeftMs: 5_000,
    dev: false,
    logLevel: "info",
    logFormat: "pretty",
  };
}

let validator: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/** Defaults overlaid by `over`, validated. `where` names the source in errors. */
export function resolveArbiterConfig(over: Record<string, unknown>, where = "config"): ArbiterConfig {
  const cfg = mergeConfig(defaultArbiterConfig() as unknown as Record<string, unknown>, over, ["options"]);
  validator ??= createAjv().compile(arbiterConfigSchema);
  if (!validator(cfg)) throw new ArbiterError("ARBITER_CONFIG_INVALID", `${where}: ${describeAjvErrors(validator.errors, "config")} (docs/arbiter.md lists every field and its default)`);
  const c = cfg as ArbiterConfig;
  for (const [name, u] of [["node.rpcUrl", c.node.rpcUrl], ["node.wsUrl", c.node.wsUrl]] as const) {
    if (!u) continue;
    let p: URL | undefined;
    try {
      p = new URL(u);
    } catch {
      p = undefined;
    }
    const ok = name === "node.rpcUrl" ? ["http:", "https:"] : ["ws:", "wss:"];
    if (!p || !ok.includes(p.protocol)) throw new ArbiterError("ARBITER_CONFIG_INVALID", `${where}: ${name} "${u}" must be a ${ok.map((x) => x.slice(0, -1)).join("/")} URL such as ${name === "node.rpcUrl" ? "http://127.0.0.1:7700" : "ws://127.0.0.1:7700/ws"}`);
  }
  return c;
}

/** The WebSocket URL: node.wsUrl, else rpcUrl's scheme http→ws, https→wss, path /ws. */
export function wsUrlOf(cfg: ArbiterConfig): string {
  if (cfg.node.wsUrl) return cfg.node.wsUrl;
  const u = new URL(cfg.node.rpcUrl);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = "/ws";
  u.search = "";
  return u.toString();
}

async function parseYaml(text: string, path: string): Promise<unknown> {
  let yaml: { load(s: string): unknown };
  try {
    yaml = (await import("js-yaml")) as unknown as { load(s: string): unknown };
  } catch {
    throw new ArbiterError("ARBITER_CONFIG_INVALID", `${path}: reading YAML needs the js-yaml package, which is not installed; write the config as JSON (a .json file) instead`);
  }
  try {
    return yaml.load(text);
  } catch (e) {
    throw new ArbiterError("ARBITER_CONFIG_INVALID", `${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Read and validate a config file (YAML, or JSON for *.json); a relative path in it is relative to the file. */
export async function loadArbiterConfig(path: string): Promise<ArbiterConfig> {
  if (!existsSync(path)) throw new ArbiterError("ARBITER_CONFIG_INVALID", `config file ${path} does not exist; write one with \`nexus arbiter init-config ${path}\``);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ArbiterError("ARBITER_CONFIG_INVALID", `cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  if (path.endsWith(".json")) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ArbiterError("ARBITER_CONFIG_INVALID", `${path} is not valid JSON: ${(e as Error).message}`);
    }
  } else if (text.split("\n").every((l) => !l.trim() || l.trim().startsWith("#"))) {
    doc = {}; // empty, or only comments: every default (js-yaml 5 refuses an empty document)
  } else doc = await parseYaml(text, path);
  if (doc === undefined || doc === null) doc = {}; // an empty (or all-comments) file: every default
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ArbiterError("ARBITER_CONFIG_INVALID", `${path} must hold a mapping of fields (node:, decider:, …)`);
  const { $comment: _c, ...rest } = doc as Record<string, unknown>;
  const cfg = resolveArbiterConfig(rest, path);
  const base = dirname(resolve(path));
  for (const k of ["home", "passphraseFile", "dataDir"] as const) if (cfg[k]) cfg[k] = resolve(base, cfg[k]);
  cfg.evidence.fileRoots = cfg.evidence.fileRoots.map((r) => resolve(base, r));
  return cfg;
}

/** Resolved paths: home, dataDir, journal. */
export function arbiterPaths(cfg: ArbiterConfig): { home: string; dataDir: string; journal: string } {
  const home = cfg.home ? resolve(cfg.home) : process.env.NEXUS_HOME ? resolve(process.env.NEXUS_HOME) : join(homedir(), ".nexus");
  const dataDir = cfg.dataDir ? resolve(cfg.dataDir) : join(home, "arbiter");
  return { home, dataDir, journal: join(dataDir, "journal.jsonl") };
}

const y = (v: unknown): string => JSON.stringify(v); // JSON scalars and flow collections are YAML

/** The default config as commented YAML (what init-config writes; parses back to defaultArbiterConfig()). */
export function defaultConfigYaml(): string {
  const d = defaultArbiterConfig();
  return `# NexusOS arbiter agent (docs/arbiter.md describes every field). Defaults are shown:
# remove what you do not change. Start it with: nexus arbiter start --config <this file>
node:
  # JSON-RPC URL of a node of the chain (--node overrides)
  rpcUrl: ${y(d.node.rpcUrl)}
  # its WebSocket; "" = rpcUrl with ws:// and the path /ws
  wsUrl: ${y(d.node.wsUrl)}
  # "" = whatever the node runs; else the agent refuses a node of another chain
  chainId: ${y(d.node.chainId)}
  # how long to wait for a ruling's receipt, ms
  receiptTimeoutMs: ${d.node.receiptTimeoutMs}
  # backlog poll, WebSocket health check and retry of unsent rulings, every this many ms
  pollIntervalMs: ${d.node.pollIntervalMs}
  # band of ruling transactions (1 = NANO)
  txBand: ${d.node.txBand}
# NexusOS home with keys/<keyName>.json ("" = --home, NEXUS_HOME, else ~/.nexus)
home: ${y(d.home)}
# the arbiter's key (nexus keys add arbiter); governance must register its address as an arbiter
keyName: ${y(d.keyName)}
# first line unlocks the key ("" = --passphrase-file, NEXUS_PASSPHRASE, else the dev passphrase with dev: true)
passphraseFile: ${y(d.passphraseFile)}
# the journal (rulings and their rationales) lives here ("" = <home>/arbiter)
dataDir: ${y(d.dataDir)}
decider:
  # rules: the transparent rule engine. llm: an OpenAI-compatible API, falling back to the rules:
  #   id: llm
  #   options: { baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", timeoutMs: 30000, retries: 2 }
  #   (the API key comes from NEXUS_ARBITER_LLM_API_KEY; keep it out of this file)
  id: ${y(d.decider.id)}
  options: ${y(d.decider.options)}
evidence:
  # largest evidence document, bytes
  maxBytes: ${d.evidence.maxBytes}
  # per document fetch, ms
  timeoutMs: ${d.evidence.timeoutMs}
  # file:// evidence is read only under these directories (relative to this file); [] = file:// refused
  fileRoots: ${y(d.evidence.fileRoots)}
  # documents fetched per case at most
  maxDocuments: ${d.evidence.maxDocuments}
# skip a case whose ruling deadline is less than this many ms away
minTimeLeftMs: ${d.minTimeLeftMs}
# development: allow the documented dev passphrase for a dev key
dev: ${d.dev}
# trace | debug | info | warn | error | fatal
logLevel: ${y(d.logLevel)}
# pretty (people) | json (machines)
logFormat: ${y(d.logFormat)}
`;
}

export function writeDefaultConfig(path: string, opts: { force?: boolean } = {}): void {
  if (existsSync(path) && !opts.force) throw new ArbiterError("ARBITER_CONFIG_INVALID", `${path} already exists (pass --force to overwrite it)`);
  const text = path.endsWith(".json") ? JSON.stringify({ $comment: "NexusOS arbiter agent config; docs/arbiter.md describes every field", ...defaultArbiterConfig() }, null, 2) + "\n" : defaultConfigYaml();
  writeFileSync(path, text, { mode: 0o600 });
}
