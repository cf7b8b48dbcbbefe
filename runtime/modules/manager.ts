import { Container } from "inversify";
import { createAjv, describeAjvErrors, joinPath, locateAjvError, type ValidateFunction } from "./schemas.ts";
import type { ChainModule, Ctx, GenesisDef, ModuleInstance, MsgCtx, MsgDef, QueryDef, TxOutcome, ValidatorUpdate } from "./types.ts";
import { orderedNames, type HookOrder } from "./chain.ts";
import { ModuleMsgRouter, MSG_ROUTER_TOKEN } from "./msg-router.ts";
import { addressFieldChecker } from "./address-fields.ts";
import { Band } from "../tx/bands.ts";
import { utf8 } from "../crypto/hash.ts";
import { ModulesErrors, type ModulesErrorCode } from "./errors.ts";
import { NexusError } from "../errors.ts";

export class ModuleManagerError extends ModulesErrors<ModulesErrorCode> {}

export interface RoutedMsg {
  readonly module: string;
  readonly def: MsgDef;
  readonly validate: ValidateFunction;
  readonly minBand: Band;
  /** Decodes every address field (the schema's pattern admits bad checksums): a problem, or null. */
  readonly checkAddresses: (value: unknown) => string | null;
}

export interface ModuleDescription {
  readonly name: string;
  readonly msgs: readonly MsgDef[];
  readonly queries: readonly { name: string; schema: QueryDef["schema"] }[];
}

interface Loaded {
  readonly def: ChainModule;
  readonly instance: ModuleInstance;
  readonly genesisValidate?: ValidateFunction;
  readonly queries: Map<string, { def: QueryDef; validate: ValidateFunction }>;
}

const RUNTIME_NS = "runtime";
const versionKey = (name: string): Uint8Array => utf8(`module-version/${name}`);

/**
 * Loads modules into an inversify container in dependency order and gives the application
 * one place to route messages, run genesis, block hooks, invariants, queries and migrations.
 */
export class ModuleManager {
  readonly container: Container;
  private readonly loaded: Loaded[] = [];
  private readonly routes = new Map<string, RoutedMsg>();
  /** Hook order (the chain's, else dependency order). */
  private readonly hooks: { initGenesis: Loaded[]; beginBlock: Loaded[]; endBlock: Loaded[] };
  /** Modules with an afterTx hook, in load order (empty for most chains: nothing to call per transaction). */
  private readonly txListeners: ModuleInstance[] = [];

  constructor(modules: readonly ChainModule[], opts: { order?: HookOrder; container?: Container } = {}) {
    this.container = opts.container ?? new Container({ defaultScope: "Singleton" });
    // Bound before any module resolves, so a module can have the router injected.
    this.container.bind(MSG_ROUTER_TOKEN).toConstantValue(new ModuleMsgRouter((t) => this.routes.get(t)));
    const ordered = dependencyOrder(modules);
    for (const m of ordered) this.container.load(m.bindings);
    const ajv = createAjv();
    for (const m of ordered) {
      const instance = this.container.get(m.instance);
      for (const def of instance.msgs ?? []) {
        if (this.routes.has(def.typeUrl)) {
          throw new ModuleManagerError("MODULE_DUPLICATE_MSG", `message ${def.typeUrl} is registered by both ${this.routes.get(def.typeUrl)!.module} and ${m.name}`);
        }
        this.routes.set(def.typeUrl, { module: m.name, def, validate: ajv.compile(def.schema), minBand: def.minBand ?? Band.NANO, checkAddresses: addressFieldChecker(def.schema) });
      }
      const queries = new Map<string, { def: QueryDef; validate: ValidateFunction }>();
      for (const [name, def] of Object.entries(instance.queries ?? {})) queries.set(name, { def, validate: ajv.compile(def.schema) });
      this.loaded.push({
        def: m,
        instance,
        genesisValidate: instance.genesis ? ajv.compile(instance.genesis.schema) : undefined,
        queries,
      });
    }
    for (const l of this.loaded) if (l.instance.afterTx) this.txListeners.push(l.instance);
    const byName = new Map(this.loaded.map((l) => [l.def.name, l]));
    const inOrder = (list: readonly string[] | undefined): Loaded[] => orderedNames(this.names, list).map((n) => byName.get(n)!);
    this.hooks = { initGenesis: inOrder(opts.order?.initGenesis), beginBlock: inOrder(opts.order?.beginBlock), endBlock: inOrder(opts.order?.endBlock) };
  }

  get names(): string[] {
    return this.loaded.map((l) => l.def.name);
  }

  route(typeUrl: string): RoutedMsg | undefined {
    return this.routes.get(typeUrl);
  }

  typeUrls(): string[] {
    return [...this.routes.keys()].sort();
  }

  /** Each module's genesis defaults, keyed by module name. */
  defaultGenesis(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const l of this.loaded) if (l.instance.genesis) out[l.def.name] = l.instance.genesis.defaults();
    return out;
  }

  /** Validate every module's section first, then initialise in dependency order; returns the genesis validator updates. */
  initGenesis(ctx: Ctx, doc: Record<string, unknown>): ValidatorUpdate[] {
    const known = new Set(this.loaded.map((l) => l.def.name));
    for (const name of Object.keys(doc)) {
      if (!known.has(name)) throw new ModuleManagerError("MODULE_BAD_GENESIS", `genesis has a section for "${name}", which is not a loaded module (loaded: ${[...known].join(", ")})`);
    }
    for (const l of this.loaded) {
      const g = l.instance.genesis;
      if (!g) continue;
      const section = doc[l.def.name] ?? g.defaults();
      if (!l.genesisValidate!(section)) {
        const { message, field, keyword } = locateAjvError(l.genesisValidate!.errors, genesisSection(l.def.name));
        throw new ModuleManagerError("MODULE_BAD_GENESIS", message, { module: l.def.name, field, keyword });
      }
    }
    const updates: ValidatorUpdate[] = [];
    for (const l of this.hooks.initGenesis) {
      const g = l.instance.genesis as GenesisDef | undefined;
      if (g) {
        try {
          const u = g.init(ctx, doc[l.def.name] ?? g.defaults());
          if (u) updates.push(...u);
        } catch (e) {
          throw genesisInitError(l.def.name, e);
        }
      }
      ctx.kv(RUNTIME_NS).set(versionKey(l.def.name), utf8(String(l.def.version)));
    }
    return updates;
  }

  exportGenesis(ctx: Ctx): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const l of this.loaded) if (l.instance.genesis) out[l.def.name] = l.instance.genesis.export(ctx);
    return out;
  }

  beginBlock(ctx: Ctx): void {
    for (const l of this.hooks.beginBlock) l.instance.beginBlock?.(ctx);
  }

  endBlock(ctx: Ctx): ValidatorUpdate[] {
    const updates: ValidatorUpdate[] = [];
    for (const l of this.hooks.endBlock) {
      const u = l.instance.endBlock?.(ctx);
      if (u) updates.push(...u);
    }
    return updates;
  }

  /** The consensus members at `height` from the one module that records them (ModuleInstance.consensusSet); undefined when none does. */
  consensusSet(ctx: Ctx, height: number): ValidatorUpdate[] | undefined {
    const providers = this.loaded.filter((l) => l.instance.consensusSet);
    if (providers.length > 1) throw new ModuleManagerError("CHAIN_INVALID", `modules ${providers.map((l) => l.def.name).join(", ")} all implement consensusSet: at most one module may record the consensus validator set`);
    return providers[0]?.instance.consensusSet!(ctx, height);
  }

  /** Whether any module reacts to transactions (the application skips building outcomes otherwise). */
  get hasTxListeners(): boolean {
    return this.txListeners.length > 0;
  }

  afterTx(ctx: MsgCtx, tx: TxOutcome): void {
    for (const m of this.txListeners) m.afterTx!(ctx, tx);
  }

  /** Names and messages of every broken invariant; empty when all hold. */
  checkInvariants(ctx: Ctx): string[] {
    const broken: string[] = [];
    for (const l of this.loaded) {
      for (const [name, check] of Object.entries(l.instance.invariants ?? {})) {
        const msg = check(ctx);
        if (msg !== null) broken.push(`${l.def.name}/${name}: ${msg}`);
      }
    }
    return broken;
  }

  query(ctx: Ctx, path: string, params: Record<string, unknown>): unknown {
    const [mod, name] = path.split("/", 2);
    const l = this.loaded.find((x) => x.def.name === mod);
    const q = l?.queries.get(name ?? "");
    if (!l || !q) {
      const all = this.loaded.flatMap((x) => [...x.queries.keys()].map((k) => `${x.def.name}/${k}`));
      throw new ModuleManagerError("MODULE_UNKNOWN_QUERY", `unknown query "${path}"; available: ${all.join(", ")}`);
    }
    if (!q.validate(params)) throw new ModuleManagerError("MODULE_BAD_QUERY", `query ${path}: ${describeAjvErrors(q.validate.errors, "params")}`);
    return q.def.handle(ctx, params);
  }

  /**
   * Bring stored module versions up to the code's versions, one migration step at a time.
   * Returns the migrations run, e.g. ["bank 1→2"].
   */
  migrate(ctx: Ctx): string[] {
    const ran: string[] = [];
    for (const l of this.loaded) {
      const raw = ctx.kv(RUNTIME_NS).get(versionKey(l.def.name));
      const before = raw ? Number(new TextDecoder().decode(raw)) : 0;
      let stored = before;
      if (stored > l.def.version) {
        throw new ModuleManagerError("MODULE_DOWNGRADE", `state has ${l.def.name} at version ${stored} but this binary has version ${l.def.version}: run a newer binary`);
      }
      if (stored === 0) {
        // Module added after genesis: initialise from defaults.
        const g = l.instance.genesis;
        if (g) g.init(ctx, g.defaults());
        stored = l.def.version;
        ran.push(`${l.def.name} added at version ${stored}`);
      }
      while (stored < l.def.version) {
        const step = l.instance.migrations?.[stored + 1];
        if (!step) throw new ModuleManagerError("MODULE_MIGRATION_MISSING", `${l.def.name} has no migration from version ${stored} to ${stored + 1}`);
        step(ctx);
        ran.push(`${l.def.name} ${stored}→${stored + 1}`);
        stored++;
      }
      if (stored !== before) ctx.kv(RUNTIME_NS).set(versionKey(l.def.name), utf8(String(stored)));
    }
    return ran;
  }
}

/**
 * Each module's messages and queries with their schemas, without compiling any (the CLI is
 * generated from these, and compiling every schema would slow every command's start).
 */
export function describeModules(modules: readonly ChainModule[]): ModuleDescription[] {
  const container = new Container({ defaultScope: "Singleton" });
  container.bind(MSG_ROUTER_TOKEN).toConstantValue(new ModuleMsgRouter(() => undefined));
  const ordered = dependencyOrder(modules);
  for (const m of ordered) container.load(m.bindings);
  return ordered.map((m) => {
    const instance = container.get(m.instance);
    return { name: m.name, msgs: [...(instance.msgs ?? [])], queries: Object.entries(instance.queries ?? {}).map(([name, q]) => ({ name, schema: q.schema })) };
  });
}

/** Where a module's section sits in the genesis file. */
function genesisSection(module: string): string {
  return `genesis.modules.${module}`;
}

/**
 * A module's genesis init failed: its own typed error keeps its class and code (callers match
 * on them) and gains the section (and `context.field`, when the module names one) in its
 * message and `module` in its context; anything else becomes MODULE_BAD_GENESIS with the
 * original as its cause.
 */
function genesisInitError(module: string, e: unknown): Error {
  if (e instanceof NexusError) {
    const field = typeof e.context.field === "string" ? e.context.field : "";
    return e.within(joinPath(genesisSection(module), field), { module });
  }
  const why = e instanceof Error ? e.message : String(e);
  return new ModuleManagerError("MODULE_BAD_GENESIS", `${genesisSection(module)}: init failed: ${why}`, { module }, { cause: e });
}

/** Topological order by dependsOn; ties broken by registration order, so it is deterministic. */
export function dependencyOrder(modules: readonly ChainModule[]): ChainModule[] {
  const byName = new Map<string, ChainModule>();
  for (const m of modules) {
    if (byName.has(m.name)) throw new ModuleManagerError("MODULE_DUPLICATE", `module "${m.name}" is registered twice`);
    byName.set(m.name, m);
  }
  const out: ChainModule[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: ChainModule, path: string[]): void => {
    const s = state.get(m.name);
    if (s === "done") return;
    if (s === "visiting") throw new ModuleManagerError("MODULE_CYCLE", `module dependency cycle: ${[...path, m.name].join(" → ")}`);
    state.set(m.name, "visiting");
    for (const d of m.dependsOn ?? []) {
      const dep = byName.get(d);
      if (!dep) throw new ModuleManagerError("MODULE_MISSING_DEPENDENCY", `module "${m.name}" depends on "${d}", which is not registered`);
      visit(dep, [...path, m.name]);
    }
    state.set(m.name, "done");
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}
