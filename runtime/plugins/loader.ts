import type { NodeTransport } from "../p2p/transport.ts";
import {
  CAPABILITY,
  checkInstance,
  PluginError,
  type JsonObject,
  type NexusPlugin,
  type PluginContext,
  type PluginHost,
  type PortablePluginRef,
  type SignatureSchemeProvider,
} from "./plugin.ts";

/**
 * What the node's config selects (plain JSON; runtime/node/config.ts derives it from
 * config.json with documented defaults: `pluginSelection(config)`).
 */
export interface PluginSelection {
  /** Id of the transport plugin; undefined when the node runs no network (the single-validator dev chain). */
  readonly transport?: string;
  /** Ids of further plugins to create, e.g. ["quantum"]. */
  readonly plugins?: readonly string[];
  /** Options per plugin id, handed to its create as ctx.options. */
  readonly options?: Readonly<Record<string, JsonObject>>;
}

function index(available: readonly NexusPlugin[]): Map<string, NexusPlugin> {
  const byId = new Map<string, NexusPlugin>();
  for (const p of available) {
    if (byId.has(p.id)) throw new PluginError("PLUGIN_DUPLICATE_ID", `two available plugins have the id "${p.id}"`, { plugin: p.id });
    byId.set(p.id, p);
  }
  return byId;
}

const list = (ids: Iterable<string>): string => [...ids].sort().join(", ") || "none";

/**
 * The plugins to create for `selection`, dependencies first. Creates nothing: every error a
 * config can cause is found here, before the node starts anything. Throws PluginError naming
 * the plugin: PLUGIN_UNKNOWN, PLUGIN_NOT_A_TRANSPORT, PLUGIN_DEPENDENCY_MISSING,
 * PLUGIN_DEPENDENCY_CYCLE, PLUGIN_DUPLICATE_ID.
 */
export function resolvePlugins(available: readonly NexusPlugin[], selection: PluginSelection): NexusPlugin[] {
  const byId = index(available);
  const lookup = (id: string, where: string): NexusPlugin => {
    const p = byId.get(id);
    if (!p) throw new PluginError("PLUGIN_UNKNOWN", `${where} names plugin "${id}", which no available plugin has (available: ${list(byId.keys())})`, { plugin: id });
    return p;
  };
  const roots: NexusPlugin[] = (selection.plugins ?? []).map((id, i) => lookup(id, `plugins[${i}]`));
  if (selection.transport !== undefined) {
    const t = lookup(selection.transport, "transport");
    if (!t.provides.includes(CAPABILITY.transport)) {
      const transports = available.filter((p) => p.provides.includes(CAPABILITY.transport)).map((p) => p.id);
      throw new PluginError("PLUGIN_NOT_A_TRANSPORT", `transport names plugin "${t.id}", which does not provide "transport" (transports: ${list(transports)})`, { plugin: t.id });
    }
    // Last: it opens sockets, so a failure in any other plugin leaves less to undo.
    roots.push(t);
  }
  for (const id of Object.keys(selection.options ?? {})) lookup(id, `pluginOptions.${id}`);

  const order: NexusPlugin[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: NexusPlugin, path: string[]): void => {
    const s = state.get(p.id);
    if (s === "done") return;
    if (s === "visiting") throw new PluginError("PLUGIN_DEPENDENCY_CYCLE", `plugins depend on each other in a cycle: ${[...path, p.id].join(" -> ")}`, { plugin: p.id });
    state.set(p.id, "visiting");
    for (const d of p.dependsOn ?? []) {
      const dep = byId.get(d);
      if (!dep) throw new PluginError("PLUGIN_DEPENDENCY_MISSING", `plugin "${p.id}" depends on "${d}", which no available plugin has (available: ${list(byId.keys())})`, { plugin: p.id, dependency: d });
      visit(dep, [...path, p.id]);
    }
    state.set(p.id, "done");
    order.push(p);
  };
  for (const r of roots) visit(r, []);
  return order;
}

/** The created plugins of one node. */
export class LoadedPlugins {
  private stopped = false;

  constructor(private readonly created: ReadonlyArray<{ plugin: NexusPlugin; instance: unknown; options: JsonObject }>) {}

  /** Plugin ids in creation order (dependencies first). */
  get order(): string[] {
    return this.created.map((c) => c.plugin.id);
  }

  get<T = unknown>(id: string): T | undefined {
    return this.created.find((c) => c.plugin.id === id)?.instance as T | undefined;
  }

  /** Instances of every created plugin providing `capability`, in creation order. */
  providing<T = unknown>(capability: string): T[] {
    return this.created.filter((c) => c.plugin.provides.includes(capability)).map((c) => c.instance as T);
  }

  /** The selected transport (undefined when none was selected). */
  transport(id?: string): NodeTransport | undefined {
    const t = this.created.filter((c) => c.plugin.provides.includes(CAPABILITY.transport) && (id === undefined || c.plugin.id === id)).at(-1);
    return t?.instance as NodeTransport | undefined;
  }

  get signatureSchemes(): SignatureSchemeProvider[] {
    return this.providing<SignatureSchemeProvider>(CAPABILITY.signatureSchemes);
  }

  /** What verification workers need to build the same scheme registry (plain data). */
  get portableSchemes(): PortablePluginRef[] {
    return this.signatureSchemes.map((s) => s.portable);
  }

  /** Stops instances in reverse creation order (destroy, else the instance's own stop); idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await destroyAll(this.created);
  }
}

async function destroyAll(created: ReadonlyArray<{ plugin: NexusPlugin; instance: unknown }>): Promise<void> {
  let first: unknown;
  for (const { plugin, instance } of [...created].reverse()) {
    try {
      if (plugin.destroy) await plugin.destroy(instance);
      else if (typeof (instance as { stop?: unknown })?.stop === "function") await (instance as { stop(): Promise<void> }).stop();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * Resolves the selection and creates the plugins in dependency order. When a create fails,
 * those already created are destroyed and PLUGIN_CREATE_FAILED (cause: the plugin's error)
 * names the plugin.
 */
export async function loadPlugins(available: readonly NexusPlugin[], selection: PluginSelection, host: PluginHost = {}): Promise<LoadedPlugins> {
  const order = resolvePlugins(available, selection);
  const created: { plugin: NexusPlugin; instance: unknown; options: JsonObject }[] = [];
  for (const plugin of order) {
    const options = selection.options?.[plugin.id] ?? {};
    const ctx: PluginContext = {
      id: plugin.id,
      options,
      host,
      dependency: <T>(id: string): T => {
        if (!plugin.dependsOn?.includes(id)) throw new PluginError("PLUGIN_BAD_DEFINITION", `plugin "${plugin.id}" asked for "${id}" without listing it in dependsOn`, { plugin: plugin.id });
        return created.find((c) => c.plugin.id === id)!.instance as T;
      },
    };
    try {
      const instance = await plugin.create(ctx);
      created.push({ plugin, instance, options });
      checkInstance(plugin, instance);
    } catch (e) {
      await destroyAll(created).catch(() => undefined);
      if (e instanceof PluginError) throw e;
      const inner = e as { code?: unknown; message?: unknown };
      const why = `${typeof inner?.code === "string" ? `${inner.code}: ` : ""}${String(inner?.message ?? e)}`;
      throw new PluginError("PLUGIN_CREATE_FAILED", `plugin "${plugin.id}" failed to start: ${why}`, { plugin: plugin.id }, { cause: e });
    }
  }
  return new LoadedPlugins(created);
}

/**
 * Re-creates a plugin from its portable reference (in a worker thread): imports the module,
 * takes the named export and calls its create with the same options. Such a plugin has no
 * dependencies and gets no host.
 */
export async function createPortable<T = unknown>(ref: PortablePluginRef): Promise<T> {
  const mod = (await import(ref.module)) as Record<string, unknown>;
  const plugin = mod[ref.export] as NexusPlugin<T> | undefined;
  if (!plugin || typeof plugin.create !== "function") throw new PluginError("PLUGIN_BAD_DEFINITION", `${ref.module} has no plugin export "${ref.export}"`, { module: ref.module });
  if (plugin.dependsOn?.length) throw new PluginError("PLUGIN_BAD_DEFINITION", `plugin "${plugin.id}" has dependencies and cannot be re-created in a worker`, { plugin: plugin.id });
  const instance = await plugin.create({
    id: plugin.id,
    options: ref.options,
    host: {},
    dependency: () => {
      throw new PluginError("PLUGIN_BAD_DEFINITION", `plugin "${plugin.id}" asked for a dependency in a worker`, { plugin: plugin.id });
    },
  });
  checkInstance(plugin, instance);
  return instance;
}
