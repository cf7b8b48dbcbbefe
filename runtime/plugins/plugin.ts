import { defineErrors } from "../errors.ts";
import type { Logger } from "pino";
import type { NodeTransport } from "../p2p/transport.ts";
import type { SchemeRegistry } from "../crypto/signature-scheme.ts";

/**
 * The plugin contract (modelled on Hardhat 3's definePlugin): a plugin is a plain object the
 * composition root makes available; the node's config selects which ones run, and only those
 * (and what they depend on) are created, in dependency order. Importing a plugin module has
 * no side effects; `create` does the work.
 */

/** Plain JSON, as it comes from config.json (options of a plugin). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

/** Capabilities the node itself consumes; a plugin may also provide others (e.g. "kem"). */
export const CAPABILITY = {
  /** `create` returns a started NodeTransport (runtime/p2p/transport.ts). */
  transport: "transport",
  /** `create` returns a SignatureSchemeProvider (below). */
  signatureSchemes: "signature-schemes",
} as const;

/** What the node knows about itself when it creates plugins. Every field is optional: a worker thread re-creating a plugin has none of them. */
export interface PluginHost {
  readonly chainId?: string;
  /** Node home directory (identity files live there); undefined for in-memory nodes. */
  readonly home?: string;
  /** Name of this node (logs; a sim transport's peer id when no other is given). */
  readonly moniker?: string;
  readonly logger?: Logger;
  /** Where a network transport listens and whom it dials first (config.p2p). */
  readonly p2p?: { readonly host: string; readonly port: number; readonly bootstrap: readonly string[] };
  /** The chain's largest block (genesis runtime.maxBlockBytes): transports size the blocks topic by it. */
  readonly maxBlockBytes?: number;
}

export interface PluginContext {
  /** This plugin's id. */
  readonly id: string;
  /** config.pluginOptions[id], plain JSON ({} when absent); the plugin validates it. */
  readonly options: Readonly<JsonObject>;
  readonly host: PluginHost;
  /** The created instance of a plugin listed in dependsOn (created before this one). */
  dependency<T = unknown>(id: string): T;
}

export interface NexusPlugin<I = unknown> {
  /** Lowercase, kebab-case; what the config names. */
  readonly id: string;
  /** Ids of plugins that must be created first; a missing one stops the node (PLUGIN_DEPENDENCY_MISSING). */
  readonly dependsOn?: readonly string[];
  /** Capabilities the created instance offers (CAPABILITY, or a plugin's own such as "kem"). */
  readonly provides: readonly string[];
  /** Called once, only when the node's config selects this plugin or a selected one depends on it. */
  create(ctx: PluginContext): I | Promise<I>;
  /** Releases what create started (a transport's stop is called through its instance instead). */
  destroy?(instance: I): void | Promise<void>;
}

/**
 * Where a worker thread finds a plugin to build the same thing the main thread has: the URL
 * of the module exporting it, the export's name, and the options it was created with.
 */
export interface PortablePluginRef {
  readonly module: string;
  readonly export: string;
  readonly options: JsonObject;
}

/** The "signature-schemes" capability. */
export interface SignatureSchemeProvider {
  /** Registers this plugin's schemes (stable wire ids) on the registry; the runtime's Ed25519 is already there. */
  register(registry: SchemeRegistry): void;
  /** How verification workers re-create this provider in their own thread. */
  readonly portable: PortablePluginRef;
}

/** The instance type each capability the node consumes must have. */
export interface CapabilityTypes {
  transport: NodeTransport;
  "signature-schemes": SignatureSchemeProvider;
}

/** Plugin loading codes: append only, never renumber. */
export const PLUGIN_ERRORS = {
  PLUGIN_BAD_DEFINITION: 1, // The definition is malformed (id, provides, create).
  PLUGIN_DUPLICATE_ID: 2, // Two available plugins share an id.
  PLUGIN_UNKNOWN: 3, // The config names a plugin id that no available plugin has.
  PLUGIN_NOT_A_TRANSPORT: 4, // The config's transport names a plugin that does not provide "transport".
  PLUGIN_DEPENDENCY_MISSING: 5, // A selected plugin depends on one that is not available.
  PLUGIN_DEPENDENCY_CYCLE: 6,
  PLUGIN_CREATE_FAILED: 7, // A plugin's create threw; `cause` holds its error.
  PLUGIN_BAD_INSTANCE: 8, // create returned something that does not have the shape its capability needs.
  PLUGIN_BAD_SELECTION: 9, // The selection in the node config is inconsistent (e.g. quantum "off" and plugins ["quantum"]).
} as const;

export type PluginErrorCode = keyof typeof PLUGIN_ERRORS;

/** A plugin that cannot load (codespace "plugins"); context.plugin names it. */
export class PluginError extends defineErrors("plugins", PLUGIN_ERRORS) {}

const ID = /^[a-z][a-z0-9-]{0,63}$/;

/** Checks a plugin definition and returns it frozen. */
export function definePlugin<I>(p: NexusPlugin<I>): NexusPlugin<I> {
  const bad = (why: string): never => {
    throw new PluginError("PLUGIN_BAD_DEFINITION", `plugin ${JSON.stringify((p as { id?: unknown })?.id)}: ${why}`, { plugin: String((p as { id?: unknown })?.id) });
  };
  if (!p || typeof p !== "object") bad("a plugin is an object { id, dependsOn?, provides, create }");
  if (typeof p.id !== "string" || !ID.test(p.id)) bad("id must be lowercase kebab-case, 1..64 characters");
  if (!Array.isArray(p.provides) || p.provides.some((c) => typeof c !== "string" || c.length === 0)) bad("provides must be an array of capability names");
  if (p.dependsOn !== undefined && (!Array.isArray(p.dependsOn) || p.dependsOn.some((d) => typeof d !== "string"))) bad("dependsOn must be an array of plugin ids");
  if (p.dependsOn?.includes(p.id)) bad("a plugin cannot depend on itself");
  if (typeof p.create !== "function") bad("create must be a function");
  return Object.freeze({ ...p, provides: Object.freeze([...p.provides]), dependsOn: Object.freeze([...(p.dependsOn ?? [])]) });
}

/** Checks that a created instance has what its capabilities promise (cheap, structural). */
export function checkInstance(plugin: NexusPlugin, instance: unknown): void {
  const o = instance as Record<string, unknown> | null | undefined;
  const need = (cap: string, fields: string[]): void => {
    const missing = fields.filter((f) => !o || typeof o[f] !== "function");
    if (missing.length) throw new PluginError("PLUGIN_BAD_INSTANCE", `plugin ${plugin.id} provides "${cap}" but its instance lacks ${missing.join(", ")}`, { plugin: plugin.id });
  };
  if (plugin.provides.includes(CAPABILITY.transport)) need(CAPABILITY.transport, ["publish", "subscribe", "setBlockSource", "bestPeerHeight", "syncTo", "stop"]);
  if (plugin.provides.includes(CAPABILITY.signatureSchemes)) {
    need(CAPABILITY.signatureSchemes, ["register"]);
    const ref = (o as { portable?: PortablePluginRef }).portable;
    if (!ref || typeof ref.module !== "string" || typeof ref.export !== "string") {
      throw new PluginError("PLUGIN_BAD_INSTANCE", `plugin ${plugin.id} provides "signature-schemes" without a portable { module, export, options } for worker threads`, { plugin: plugin.id });
    }
  }
}
