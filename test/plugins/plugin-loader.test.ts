import { expect } from "chai";
import { createPortable, definePlugin, loadPlugins, PluginError, resolvePlugins, type NexusPlugin, type PluginErrorCode, type SignatureSchemeProvider } from "../../runtime/plugins/index.ts";
import { defaultNodeConfig, loadNodeConfig, pluginSelection, type NodeConfig } from "../../runtime/node/config.ts";
import { buildSchemeRegistry } from "../../runtime/node/schemes.ts";
import { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { bundledPlugins } from "../../plugins/index.ts";
import { SimHub, SimTransport, simTransportPluginFor } from "../../plugins/transports/sim/index.ts";

/** A plugin that records when it is created and destroyed. */
function probe(id: string, o: { dependsOn?: string[]; provides?: string[]; fail?: boolean; instance?: unknown } = {}, log: string[] = []): NexusPlugin {
  return definePlugin({
    id,
    dependsOn: o.dependsOn,
    provides: o.provides ?? [`thing:${id}`],
    create(ctx) {
      log.push(`create ${id}`);
      if (o.fail) throw Object.assign(new Error("boom"), { code: "PROBE_FAILED" });
      const deps = Object.fromEntries((o.dependsOn ?? []).map((d) => [d, ctx.dependency(d)]));
      return o.instance ?? { id, options: ctx.options, deps };
    },
    destroy: () => void log.push(`destroy ${id}`),
  });
}

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: PluginErrorCode, mentions: string[] = []): Promise<PluginError> {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).to.be.instanceOf(PluginError);
  const pe = err as PluginError;
  expect(pe.code).to.equal(code);
  for (const m of mentions) expect(pe.message).to.include(m);
  return pe;
}

describe("plugins: definePlugin", () => {
  it("returns a frozen plain object and refuses malformed definitions", async () => {
    const p = definePlugin({ id: "a-b1", provides: ["x"], create: () => 1 });
    expect(Object.isFrozen(p)).to.equal(true);
    expect(p.dependsOn).to.deep.equal([]);
    await rejectsWith(() => definePlugin({ id: "Bad_Id", provides: [], create: () => 1 }), "PLUGIN_BAD_DEFINITION", ["Bad_Id"]);
    await rejectsWith(() => definePlugin({ id: "x", provides: "transport" as unknown as string[], create: () => 1 }), "PLUGIN_BAD_DEFINITION", ["provides"]);
    await rejectsWith(() => definePlugin({ id: "x", dependsOn: ["x"], provides: [], create: () => 1 }), "PLUGIN_BAD_DEFINITION", ["itself"]);
    await rejectsWith(() => definePlugin({ id: "x", provides: [] } as unknown as NexusPlugin), "PLUGIN_BAD_DEFINITION", ["create"]);
  });
});

describe("plugins: loader", () => {
  it("creates only the selected plugins and their dependencies, dependencies first", async () => {
    const log: string[] = [];
    const available = [probe("c", { dependsOn: ["b"] }, log), probe("a", {}, log), probe("b", { dependsOn: ["a"] }, log), probe("unused", {}, log)];
    expect(resolvePlugins(available, { plugins: ["c"] }).map((p) => p.id)).to.deep.equal(["a", "b", "c"]);
    expect(log, "resolving creates nothing").to.deep.equal([]);
    const loaded = await loadPlugins(available, { plugins: ["c"], options: { c: { level: 3 } } });
    expect(loaded.order).to.deep.equal(["a", "b", "c"]);
    expect(log).to.deep.equal(["create a", "create b", "create c"]);
    const c = loaded.get<{ options: unknown; deps: Record<string, { id: string }> }>("c")!;
    expect(c.options).to.deep.equal({ level: 3 });
    expect(c.deps.b!.id).to.equal("b");
    expect(loaded.get("unused")).to.equal(undefined);
    await loaded.stop();
    await loaded.stop();
    expect(log.slice(3)).to.deep.equal(["destroy c", "destroy b", "destroy a"]);
  });

  it("a plugin id in the config that no plugin has: refused, naming it", async () => {
    const available = [probe("a"), probe("t", { provides: ["transport"] })];
    await rejectsWith(() => resolvePlugins(available, { plugins: ["a", "nope"] }), "PLUGIN_UNKNOWN", ['"nope"', "plugins[1]", "available: a, t"]);
    await rejectsWith(() => resolvePlugins(available, { transport: "tcp" }), "PLUGIN_UNKNOWN", ['"tcp"', "transport"]);
    await rejectsWith(() => resolvePlugins(available, { options: { typo: {} } }), "PLUGIN_UNKNOWN", ["pluginOptions.typo"]);
    await rejectsWith(() => resolvePlugins(available, { transport: "a" }), "PLUGIN_NOT_A_TRANSPORT", ['"a"', "transports: t"]);
  });

  it("a missing dependency, a cycle and duplicate ids are refused before anything is created", async () => {
    const log: string[] = [];
    await rejectsWith(
      loadPlugins([probe("a", {}, log), probe("bridge", { dependsOn: ["a", "quantum"] }, log)], { plugins: ["a", "bridge"] }),
      "PLUGIN_DEPENDENCY_MISSING",
      ['"bridge"', '"quantum"'],
    );
    await rejectsWith(() => resolvePlugins([probe("x", { dependsOn: ["y"] }), probe("y", { dependsOn: ["x"] })], { plugins: ["x"] }), "PLUGIN_DEPENDENCY_CYCLE", ["x -> y -> x"]);
    await rejectsWith(() => resolvePlugins([probe("a"), probe("a")], {}), "PLUGIN_DUPLICATE_ID", ['"a"']);
    expect(log).to.deep.equal([]);
  });

  it("a plugin whose create fails stops the start, naming it; those created before are destroyed", async () => {
    const log: string[] = [];
    const err = await rejectsWith(loadPlugins([probe("a", {}, log), probe("b", { dependsOn: ["a"], fail: true }, log)], { plugins: ["b"] }), "PLUGIN_CREATE_FAILED", ['"b"', "PROBE_FAILED: boom"]);
    expect((err.cause as Error).message).to.equal("boom");
    expect(log).to.deep.equal(["create a", "create b", "destroy a"]);
  });

  it("an instance without what its capability needs is refused; an undeclared dependency is refused", async () => {
    await rejectsWith(loadPlugins([probe("t", { provides: ["transport"], instance: { publish() {} } })], { transport: "t" }), "PLUGIN_BAD_INSTANCE", ["subscribe"]);
    await rejectsWith(loadPlugins([probe("s", { provides: ["signature-schemes"], instance: { register() {} } })], { plugins: ["s"] }), "PLUGIN_BAD_INSTANCE", ["portable"]);
    const sneaky = definePlugin({ id: "sneaky", provides: [], create: (ctx) => ctx.dependency("a") });
    await rejectsWith(loadPlugins([probe("a"), sneaky], { plugins: ["a", "sneaky"] }), "PLUGIN_BAD_DEFINITION", ["dependsOn"]);
  });
});

describe("plugins: the node config's selection", () => {
  const cfg = (over: Partial<NodeConfig>): NodeConfig => ({ ...defaultNodeConfig(), ...over });

  it("defaults: quantum on the node backend; a transport only for a BFT node (libp2p)", () => {
    expect(pluginSelection(cfg({}))).to.deep.equal({ transport: undefined, plugins: ["quantum"], options: { quantum: { backend: "node" } } });
    expect(pluginSelection(cfg({ consensus: "bft" })).transport).to.equal("libp2p");
    expect(pluginSelection(cfg({ consensus: "bft", transport: "sim", quantum: "off" }))).to.deep.equal({ transport: "sim", plugins: [], options: {} });
  });

  it("pluginOptions.quantum wins over quantum; quantum off with plugins [quantum] contradicts itself", async () => {
    expect(pluginSelection(cfg({ quantum: "node", pluginOptions: { quantum: { backend: "noble" } } })).options!.quantum).to.deep.equal({ backend: "noble" });
    await rejectsWith(() => pluginSelection(cfg({ quantum: "off", plugins: ["quantum"] })), "PLUGIN_BAD_SELECTION", ["quantum"]);
  });

  it("config.json: a malformed plugin id is refused by the schema; an unknown one by the loader", async () => {
    expect(() => loadNodeConfig("/nonexistent/config.json", { transport: "Tcp!" })).to.throw(/config\/transport/);
    const config = loadNodeConfig("/nonexistent/config.json", { consensus: "bft", transport: "webrtc" });
    await rejectsWith(loadPlugins(bundledPlugins(), pluginSelection(config), {}), "PLUGIN_UNKNOWN", ['"webrtc"', "libp2p, quantum, sim"]);
  });

  it("the bundled plugins: sim transport and quantum (noble) load, and the schemes rebuild from their portable ref", async () => {
    const hub = new SimHub();
    const available = [...bundledPlugins().filter((p) => p.id !== "sim"), simTransportPluginFor(hub)];
    const config = cfg({ consensus: "bft", transport: "sim", quantum: "noble", moniker: "n0" });
    const loaded = await loadPlugins(available, pluginSelection(config), { chainId: "t-1", moniker: "n0", maxBlockBytes: 1 << 20 });
    try {
      expect(loaded.order).to.deep.equal(["quantum", "sim"]);
      const t = loaded.transport();
      expect(t).to.be.instanceOf(SimTransport);
      expect(t!.id).to.equal("n0");
      expect(hub.has("n0")).to.equal(true);
      expect(buildSchemeRegistry(loaded.signatureSchemes).ids().sort()).to.deep.equal(["ed25519", "hybrid-ed25519-ml-dsa-65", "ml-dsa-65"]);
      const [ref] = loaded.portableSchemes;
      expect(ref).to.deep.include({ export: "quantumPlugin", options: { backend: "noble" } });
      // What a worker does: import the module by URL, create the plugin with the same options.
      const again = await createPortable<SignatureSchemeProvider>(JSON.parse(JSON.stringify(ref)));
      expect(again.register(new SchemeRegistry()) === undefined).to.equal(true);
      expect((again as unknown as { backend: string }).backend).to.equal("noble");
    } finally {
      await loaded.stop();
    }
    expect(hub.has("n0"), "stop detaches the transport").to.equal(false);
  });
});
