import { Command, InvalidArgumentError } from "commander";
import type { ErrorObject } from "ajv";
import { createAjv, ADDRESS_PATTERN, AMOUNT_PATTERN } from "../modules/schemas.ts";
import type { ModuleDescription } from "../modules/manager.ts";
import type { MsgDef } from "../modules/types.ts";
import { NexusClient } from "../rpc/client.ts";
import type { Amounts } from "../rpc/amounts.ts";
import type { CliContext, CliExtension } from "./extension.ts";
import { addTxOptions, loadKey, nodeOption, signAndSubmit, type TxOptions } from "./tx-submit.ts";
import { CliError, output } from "./util.ts";

/**
 * `nexus tx <module> <msg>` and `nexus query <module> <query>` generated from the JSON
 * Schemas of each module's messages and queries (the Cosmos SDK AutoCLI idea): one flag per
 * property, described by the schema; the message is checked against its schema before
 * anything is signed. A chain or module may replace a generated command with a friendlier
 * one (a CliExtension).
 */

interface PropSchema {
  type?: string;
  pattern?: string;
  description?: string;
  examples?: unknown[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: PropSchema;
  properties?: Record<string, PropSchema>;
}

interface ObjectSchema {
  properties?: Record<string, PropSchema>;
  required?: readonly string[];
}

const TYPE_URL = /^\/([a-z][a-z0-9_]*)\.v[0-9]+\.Msg([A-Za-z0-9]+)$/;

/** "CreateValidator" → "create-validator"; "consensusPubKey" → "consensus-pub-key". */
export function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z])([A-Z][a-z])/g, "$1-$2").toLowerCase();
}

/** The command name of a message: "/staking.v1.MsgCreateValidator" → "create-validator". */
export function msgCommandName(typeUrl: string): string {
  const m = TYPE_URL.exec(typeUrl);
  return m ? kebab(m[2]!) : kebab(typeUrl.replace(/^.*[./]/, ""));
}

/**
 * The top-level property that must hold the signer's address, found by asking the
 * message's own `signers` about a probe message whose address fields hold markers. Absent
 * when the signers come from nested fields (then every field is a flag).
 */
export function signerField(def: MsgDef): string | undefined {
  const props = (def.schema as ObjectSchema).properties ?? {};
  const probe: Record<string, unknown> = {};
  const markers = new Map<string, string>();
  for (const [k, p] of Object.entries(props)) {
    if (p.type === "string" && p.pattern === ADDRESS_PATTERN) {
      const marker = `probe:${k}`;
      probe[k] = marker;
      markers.set(marker, k);
    }
  }
  try {
    const signers = def.signers(probe);
    return signers.length === 1 ? markers.get(signers[0]!) : undefined;
  } catch {
    return undefined;
  }
}

function describeProp(p: PropSchema, required: boolean): string {
  let kind: string;
  if (p.type === "string" && p.pattern === ADDRESS_PATTERN) kind = "address (nxs1…)";
  else if (p.type === "string" && p.pattern === AMOUNT_PATTERN) kind = 'amount: "1.5NXT" or base units';
  else if (p.enum) kind = `one of ${p.enum.map(String).join(", ")}`;
  else if (p.type === "integer") kind = `integer${p.minimum !== undefined || p.maximum !== undefined ? ` ${p.minimum ?? ""}..${p.maximum ?? ""}` : ""}`;
  else if (p.type === "boolean") kind = "true or false";
  else if (p.type === "array" && isCoins(p)) kind = 'coins: "1.5NXT,20foo" or JSON';
  else if (p.type === "array" || p.type === "object") kind = "JSON";
  else kind = p.type ?? "value";
  const text = [p.description, kind].filter(Boolean).join("; ");
  const ex = p.examples?.length ? ` (e.g. ${p.examples.map((e) => (typeof e === "string" ? e : JSON.stringify(e))).join(", ")})` : "";
  return `${text}${ex}${required ? " [required]" : ""}`;
}

function isCoins(p: PropSchema): boolean {
  return p.type === "array" && p.items?.type === "object" && !!p.items.properties?.denom && !!p.items.properties?.amount;
}

/** A flag's text as the value its schema wants. */
function parseValue(flag: string, text: string, p: PropSchema, amounts: Amounts): unknown {
  if (p.type === "integer") {
    if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError(`${flag} must be a whole number.`);
    return Number(text);
  }
  if (p.type === "boolean") {
    if (text !== "true" && text !== "false") throw new InvalidArgumentError(`${flag} must be true or false.`);
    return text === "true";
  }
  if (p.type === "string" && p.pattern === AMOUNT_PATTERN) {
    if (/^[0-9]+$/.test(text)) return text;
    const a = amounts.parse(text);
    const fee = amounts.feeDenom;
    if (a.denom !== fee.base) throw new InvalidArgumentError(`${flag} is an amount of ${fee.display}: write "1.5${fee.display}" or base units`);
    return a.amount.toString();
  }
  if (isCoins(p) && !text.trimStart().startsWith("[")) {
    return text.split(",").map((part) => {
      const a = amounts.parse(part);
      return { denom: a.denom, amount: a.amount.toString() };
    });
  }
  if (p.type === "array" || p.type === "object") {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new InvalidArgumentError(`${flag} must be JSON: ${(e as Error).message}`);
    }
  }
  return text;
}

/** ajv's errors in the words of the command line: the flag and the rule. */
function describeFlagErrors(errors: ErrorObject[] | null | undefined, flagOf: (prop: string) => string): string {
  if (!errors?.length) return "the message is invalid";
  return errors
    .slice(0, 3)
    .map((e) => {
      const parts = e.instancePath.split("/").filter(Boolean);
      if (e.keyword === "required") return `${flagOf((e.params as { missingProperty: string }).missingProperty)} is required`;
      if (e.keyword === "additionalProperties") return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}" in ${parts.length ? flagOf(parts[0]!) : "the message"}`;
      const where = parts.length ? `${flagOf(parts[0]!)}${parts.length > 1 ? ` (at ${parts.slice(1).join("/")})` : ""}` : "the message";
      return `${where} ${e.message ?? "is invalid"}`;
    })
    .join("; ");
}

/** Flags of the transaction itself: a message field of the same name gets `--msg-<name>`. */
// Read from addTxOptions itself, so a transaction option added there is reserved here too.
const RESERVED = new Set([...addTxOptions(new Command()).options.flatMap((o) => [o.name(), o.name().replace(/^no-/, "")]), "from", "help", "home", "verbose"]);

/** The flag of a message or query field. */
export function fieldFlag(field: string): string {
  const k = kebab(field);
  return RESERVED.has(k) ? `--msg-${k}` : `--${k}`;
}

/** Flags for each property of `schema` except `skip`; returns how to read them back into an object. */
function addSchemaFlags(c: Command, schema: ObjectSchema, skip: string | undefined, amounts: Amounts): (opts: Record<string, unknown>) => Record<string, unknown> {
  const props = Object.entries(schema.properties ?? {}).filter(([k]) => k !== skip);
  const required = new Set(schema.required ?? []);
  const keyOf = new Map<string, string>();
  for (const [k, p] of props) {
    const flag = fieldFlag(k);
    const opt = c.createOption(`${flag} <value>`, describeProp(p, required.has(k))).argParser((v: string) => parseValue(flag, v, p, amounts));
    c.addOption(opt);
    keyOf.set(k, opt.attributeName());
  }
  return (opts) => {
    const out: Record<string, unknown> = {};
    for (const [k] of props) {
      const v = opts[keyOf.get(k)!];
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
}

function txCommandFor(module: string, def: MsgDef, ctx: CliContext): Command {
  const schema = def.schema as ObjectSchema;
  const signer = signerField(def);
  const name = msgCommandName(def.typeUrl);
  const c = new Command(name).description(
    `${(schema as { description?: string }).description ?? `sign and submit ${def.typeUrl}`}${signer ? ` (${signer} = the --from key's address)` : ""}`,
  );
  c.requiredOption("--from <key>", "name of the signing key in <home>/keys");
  const read = addSchemaFlags(c, schema, signer, ctx.amounts);
  addTxOptions(c);
  c.action(async (o: TxOptions & { from: string } & Record<string, unknown>, cmd: Command) => {
    const validate = createAjv().compile(def.schema);
    const value = read(o);
    // Checked before the key is unlocked: a bad flag never costs a passphrase prompt or a fee.
    const probe = signer ? { ...value, [signer]: "nxs1" + "q".repeat(38) } : value;
    if (!validate(probe)) {
      const errors = (validate.errors ?? []).filter((e) => !(signer && e.instancePath === `/${signer}`));
      if (errors.length) throw new CliError("CLI_INVALID_MSG", `${module} ${name}: ${describeFlagErrors(errors, fieldFlag)}`, `see \`nexus tx ${module} ${name} --help\``);
    }
    const key = await loadKey(cmd, o.from, o);
    if (signer) value[signer] = key.address;
    if (!validate(value)) throw new CliError("CLI_INVALID_MSG", `${module} ${name}: ${describeFlagErrors(validate.errors, fieldFlag)}`);
    // A one-time message (MsgDef.oneTime: e.g. a BHLS claim naming its epoch) is sent nonce-free, with nonce 0.
    const nonceFree = def.oneTime?.key(value, key.address) !== undefined;
    await signAndSubmit(key, [{ typeUrl: def.typeUrl, value }], nonceFree && o.nonce === undefined ? { ...o, nonce: 0n, nonceFree: true } : o, ctx.amounts);
  });
  return c;
}

function queryCommandFor(module: string, q: { name: string; schema: ObjectSchema }, ctx: CliContext): Command {
  const name = kebab(q.name);
  const c = new Command(name).description((q.schema as { description?: string }).description ?? `query ${module}/${q.name}`);
  const read = addSchemaFlags(c, q.schema, undefined, ctx.amounts);
  c.addOption(nodeOption()).option("--json", "print JSON (the default output is JSON too, indented)");
  c.action(async (o: { node: string; json?: boolean } & Record<string, unknown>) => {
    const validate = createAjv().compile(q.schema);
    const params = read(o);
    if (!validate(params)) throw new CliError("CLI_INVALID_QUERY", `${module} ${name}: ${describeFlagErrors(validate.errors, fieldFlag)}`, `see \`nexus query ${module} ${name} --help\``);
    const r = await new NexusClient(o.node).query(`${module}/${q.name}`, params);
    output(true, r, () => "");
  });
  return c;
}

/**
 * Add a `<module>` group per module to `parent` (the `tx` or `query` command), each holding
 * the generated commands, with extensions of that parent replacing or joining them.
 */
export function addModuleCommands(parent: Command, kind: "tx" | "query", modules: readonly ModuleDescription[], extensions: readonly CliExtension[], ctx: CliContext): void {
  const groups = new Map<string, Command>();
  const group = (module: string): Command => {
    let g = groups.get(module);
    if (!g) {
      g = new Command(module).description(`${module} module ${kind === "tx" ? "transactions" : "queries"}`).showHelpAfterError(true);
      groups.set(module, g);
    }
    return g;
  };
  for (const e of extensions) {
    if (e.parent !== kind || !e.module) continue;
    group(e.module).addCommand(e.build(ctx));
  }
  for (const m of modules) {
    const g = group(m.name);
    const taken = new Set(g.commands.map((c) => c.name()));
    const generated = kind === "tx" ? m.msgs.map((d) => txCommandFor(m.name, d, ctx)) : m.queries.map((q) => queryCommandFor(m.name, q as { name: string; schema: ObjectSchema }, ctx));
    for (const c of generated) if (!taken.has(c.name())) g.addCommand(c);
  }
  for (const g of [...groups.values()].sort((a, b) => a.name().localeCompare(b.name()))) if (g.commands.length) parent.addCommand(g);
}
