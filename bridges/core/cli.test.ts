import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { CliContext } from "../../runtime/cli/extension.ts";
import { toHex } from "../../runtime/crypto/hash.ts";
import { testSigner } from "../../test/helpers/node-harness.ts";
import { EVM_CHAIN, EVM_RECIPIENT, NXT, evmSecret } from "../../modules/bridge/testing.ts";
import { BridgeE2E } from "../../test/fixtures/bridge-e2e.ts";
import { fakeFamily } from "../../test/fixtures/bridge-fake-family.ts";
import { CheckpointStore } from "./checkpoints.ts";
import { bridgeCliExtension, relayerCliExtension, watcherCliExtension } from "./cli.ts";
import { defaultBridgeConfig, loadBridgeConfig, resolveBridgeConfig, wsUrlOf } from "./config.ts";
import { registerFamily, unregisterFamily } from "./families.ts";
import { BridgeRelayer } from "./relayer.ts";
import type { BridgeService } from "./service.ts";
import { BridgeWatcher } from "./watcher.ts";
import type { BridgeRpc } from "./nexus.ts";

async function rejects(p: Promise<unknown> | (() => unknown)): Promise<Error & { code?: string }> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e as Error & { code?: string };
  }
  return expect.fail("expected an error");
}

async function capture(f: () => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  try {
    await f();
  } finally {
    process.stdout.write = write;
  }
  return out.join("");
}

const run = (ext: ReturnType<typeof bridgeCliExtension>, args: string[]) => ext.build({} as CliContext).exitOverride().parseAsync(args, { from: "user" });

describe("nexus watcher / relayer: config, CLI, status, metrics", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bridge-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("init-config writes commented YAML (0600) per role that loads back to the defaults; a second run needs --force", async () => {
    for (const role of ["watcher", "relayer"] as const) {
      const ext = bridgeCliExtension(role, { handleSignals: false });
      expect(ext.parent).to.equal("root");
      const path = join(dir, `${role}.yaml`);
      const out = await capture(() => run(ext, ["init-config", path]));
      expect(out).to.include(`nexus ${role} start --config ${path}`);
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      const text = readFileSync(path, "utf8");
      expect(text.includes("key:")).to.equal(role === "watcher");
      expect(text.includes("resubmitAfterMs")).to.equal(role === "relayer");
      const cfg = await loadBridgeConfig(path, role);
      const { configDir, ...rest } = cfg;
      expect(configDir).to.equal(dir);
      const chain = role === "watcher" ? { name: "evm-local", family: "evm", startHeight: 0, maxBlockRange: 1000 } : { name: "evm-local", family: "evm" };
      expect(rest).to.deep.equal({ ...defaultBridgeConfig(), chains: [chain] });
      expect((await rejects(run(ext, ["init-config", path]))).message).to.include("--force");
      await capture(() => run(ext, ["init-config", path, "--force"]));
      const json = join(dir, `${role}.json`);
      await capture(() => run(ext, ["init-config", json]));
      expect((await loadBridgeConfig(json, role)).chains).to.deep.equal([{ name: "evm-local", family: "evm" }]);
    }
  });

  it("--help names the commands and options", () => {
    const w = watcherCliExtension({ handleSignals: false }).build({} as CliContext);
    expect(w.helpInformation()).to.include("start").and.include("init-config").and.include("status");
    expect(w.commands.find((c) => c.name() === "start")!.helpInformation()).to.include("--config <file>").and.include("--passphrase-file").and.include("--node <url>");
    const r = relayerCliExtension({ handleSignals: false }).build({} as CliContext);
    expect(r.commands.find((c) => c.name() === "start")!.helpInformation()).to.not.include("--passphrase-file");
  });

  it("config errors say what is wrong and how to fix it", async () => {
    const chains = [{ name: "sepolia", family: "evm", rpcUrl: "http://x" }];
    const bad = (over: Record<string, unknown>, role: "watcher" | "relayer" = "watcher") => {
      try {
        resolveBridgeConfig(over, role, "w.yaml");
      } catch (e) {
        expect((e as { code?: string }).code).to.equal("BRIDGECORE_CONFIG_INVALID");
        return (e as Error).message;
      }
      return expect.fail("expected a config error");
    };
    expect(bad({})).to.match(/chains is empty/).and.include("family: evm");
    expect(bad({ chains, nexus: { rpcUrl: "127.0.0.1:7700" } })).to.include("must be a http/https URL such as http://127.0.0.1:7700");
    expect(bad({ chains, nexus: { wsUrl: "http://h/ws" } })).to.include("ws://127.0.0.1:7700/ws");
    expect(bad({ chains: [...chains, ...chains] })).to.include('"sepolia" is listed twice');
    expect(bad({ chains: [{ name: "Sepolia!", family: "evm" }] })).to.match(/chains\/0\/name|pattern/);
    expect(bad({ chains: [{ name: "sepolia" }] })).to.include("family");
    expect(bad({ chains, pollIntervalMs: "fast" })).to.include("pollIntervalMs");
    expect(bad({ chains, colour: "blue" })).to.match(/colour|additional/);
    expect(bad({ chains, backoff: { initialMs: 1000, maxMs: 10 } })).to.include("raise maxMs");
    expect(bad({ chains: [{ name: "sepolia", family: "evm", startHeight: 5 }] }, "relayer")).to.include("a relayer reads no source chain");
    const ok = resolveBridgeConfig({ chains, nexus: { rpcUrl: "https://n.example:7700" } }, "watcher");
    expect(wsUrlOf(ok)).to.equal("wss://n.example:7700/ws");
    expect(wsUrlOf(resolveBridgeConfig({ chains, nexus: { wsUrl: "off" } }, "relayer"))).to.equal(undefined);

    const missing = join(dir, "none.yaml");
    expect((await rejects(loadBridgeConfig(missing, "relayer"))).message).to.include(`nexus relayer init-config ${missing}`);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "chains: [\n");
    expect((await rejects(loadBridgeConfig(broken, "watcher"))).message).to.include("is not valid YAML");
    writeFileSync(broken, "- a\n- b\n");
    expect((await rejects(loadBridgeConfig(broken, "watcher"))).message).to.include("must hold a mapping");
    writeFileSync(broken, "dataDir: ./d\nkey:\n  home: ./h\nchains:\n  - { name: sepolia, family: evm, rpcUrl: 'http://x' }\n");
    const cfg = await loadBridgeConfig(broken, "watcher");
    expect(cfg.dataDir).to.equal(join(dir, "d"));
    expect(cfg.key.home).to.equal(join(dir, "h"));
    expect(cfg.chains[0]).to.deep.equal({ name: "sepolia", family: "evm", rpcUrl: "http://x" });
  });

  it("start-up errors: unreachable node, wrong chain, chain unknown to NexusOS, unknown family, family refusing its options, missing operator key", async () => {
    const settings = { ...EVM_CHAIN };
    const rpc = (chainId = "nexus-test-1"): BridgeRpc => ({
      status: async () => ({ chainId, height: 1, stateRoot: "", latestBlockHash: "", latestBlockTime: 0, mempoolSize: 0, nodeVersion: "t" }),
      query: async <T,>(path: string, p?: Record<string, unknown>) => (path === "bridge/chain" ? (p?.chain === "evm-local" ? { settings, nextSeq: 1 } : null) : {}) as T,
      getAccount: async (a: string) => ({ address: a, nonce: "0", balances: [] }),
      sendTx: async () => ({ hash: "" }),
      getTx: async () => ({ status: "unknown" as const }),
    });
    const base = { dataDir: join(dir, "d"), logFormat: "json", nexus: { wsUrl: "off" } };
    const deps = { logger: pino({ level: "silent" }), noTimers: true, signer: testSigner(0) };
    const cfg = (chains: Record<string, unknown>[], over: Record<string, unknown> = {}) => resolveBridgeConfig({ ...base, chains, ...over }, "relayer");
    const e1 = await rejects(BridgeRelayer.start(cfg([{ name: "evm-local", family: "fake" }], { nexus: { rpcUrl: "http://127.0.0.1:1", wsUrl: "off" } }), { ...deps }));
    expect(e1.code).to.equal("BRIDGECORE_NODE_UNREACHABLE");
    expect(e1.message).to.include("nexus.rpcUrl");
    const e2 = await rejects(BridgeRelayer.start(cfg([{ name: "evm-local", family: "fake" }], { nexus: { chainId: "other-1", wsUrl: "off" } }), { ...deps, rpc: rpc() }));
    expect(e2.code).to.equal("BRIDGECORE_WRONG_CHAIN");
    const e3 = await rejects(BridgeRelayer.start(cfg([{ name: "nowhere", family: "fake" }]), { ...deps, rpc: rpc() }));
    expect(e3.code).to.equal("BRIDGECORE_UNKNOWN_CHAIN");
    expect(e3.message).to.include("MsgUpdateChain");
    const e4 = await rejects(BridgeRelayer.start(cfg([{ name: "evm-local", family: "nosuch" }]), { ...deps, rpc: rpc() }));
    expect(e4.code).to.equal("BRIDGECORE_UNKNOWN_FAMILY");
    expect(e4.message).to.include("bridges/nosuch");
    const e5 = await rejects(BridgeRelayer.start(cfg([{ name: "evm-local", family: "fake", colour: "blue" }]), { ...deps, rpc: rpc(), families: { fake: fakeFamily } }));
    expect(e5.code).to.equal("BRIDGECORE_FAMILY");
    expect(e5.message).to.include('chains "evm-local" (family fake): unknown option(s) colour');
    // The store was released each time: it opens again.
    const wcfg = resolveBridgeConfig({ ...base, dataDir: join(dir, "w"), key: { home: join(dir, "home") }, chains: [{ name: "evm-local", family: "fake", world: "x" }] }, "watcher");
    const e6 = await rejects(BridgeWatcher.start(wcfg, { logger: pino({ level: "silent" }), rpc: rpc(), families: { fake: fakeFamily } }));
    expect(e6.code).to.equal("BRIDGECORE_KEY");
    expect(e6.message).to.include("key.home");
  });

  describe("against a NexusOS test node", () => {
    let e: BridgeE2E;
    beforeEach(async () => {
      e = await new BridgeE2E().init();
      registerFamily("fake", fakeFamily, { replace: true });
    });
    afterEach(async () => {
      unregisterFamily("fake");
      await e.close();
    });

    it("`nexus watcher start` from a YAML file (family from the registry), `status` while it runs, metrics over HTTP", async () => {
      for (const n of [1, 2]) await e.watcher(n);
      const path = join(dir, "watcher.yaml");
      const free = createServer();
      await new Promise<void>((r) => free.listen(0, "127.0.0.1", () => r()));
      const metricsPort = (free.address() as { port: number }).port;
      await new Promise((r) => free.close(r));
      writeFileSync(
        path,
        [
          "nexus:",
          `  rpcUrl: ${e.rpc.url}`,
          "dataDir: ./w0",
          "pollIntervalMs: 100",
          "backoff: { initialMs: 50, maxMs: 400 }",
          `metrics: { port: ${metricsPort} }`,
          "logFormat: json",
          "logLevel: warn",
          "chains:",
          "  - name: evm-local",
          "    family: fake",
          `    world: ${e.worldName}`,
          `    signerSecret: "${toHex(evmSecret(0))}"`,
          "",
        ].join("\n"),
      );
      let svc: BridgeService | undefined;
      const ext = watcherCliExtension({ handleSignals: false, onStarted: (s) => (svc = s), deps: { signer: testSigner(0), logger: pino({ level: "silent" }) } });
      await run(ext, ["start", "--config", path]);
      expect(svc).to.be.instanceOf(BridgeWatcher);
      e.services.push(svc!);
      e.world.bridgeOut("nxs1" + "q".repeat(38), 2n * NXT); // not a valid NexusOS address: refused for good, kept as failed
      e.world.mine(2);
      await e.h.out(10, "evm-local", EVM_RECIPIENT, 3n * NXT);
      await e.until("watcher 0 signed", () => e.h.outbound("evm-local", 1).signatures.some((s) => s.validator === testSigner(0).address));
      await e.until("the bad inbound recorded as failed, the signature done", () => svc!.store.work().length === 1 && svc!.store.work()[0]!.state === "failed");

      const out = await capture(() => run(watcherCliExtension({ handleSignals: false }), ["status", "--config", path]));
      expect(out).to.include(`validator ${testSigner(0).address}`);
      expect(out).to.match(/evm-local\n {2}cursor {6}\d+/);
      expect(out).to.match(/attest +pending 0, in flight 0, failed 1, done 0/);
      expect(out).to.match(/sign +pending 0, in flight 0, failed 0, done 1/);
      expect(out).to.include("work not finished:").and.match(/evm-local attest 1: failed, 1 attempt\(s\), tx [0-9a-f]{64}; last error: BRIDGE_INVALID_RECIPIENT|TX_INVALID_MSG/);
      const json = JSON.parse(await capture(() => run(watcherCliExtension({ handleSignals: false }), ["status", "--config", path, "--json"]))) as { chains: { chain: string; cursor: string }[] };
      expect(json.chains[0]!.cursor).to.equal(e.world.finalHeight().toString());

      const port = svc!.metricsPort!;
      expect(port).to.equal(metricsPort);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).to.include("nexus_bridge_lag_blocks").and.include("nexus_bridge_processed_total").and.match(/nexus_bridge_pending_work\{[^}]*state="failed"[^}]*\} 1/);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).to.equal(404);
    });

    it("status of a store that does not exist says so", async () => {
      const path = join(dir, "r.yaml");
      writeFileSync(path, `dataDir: ./nothing\nchains: [{ name: evm-local, family: fake }]\n`);
      const err = await rejects(run(relayerCliExtension({ handleSignals: false }), ["status", "--config", path]));
      expect(err.message).to.include("no checkpoint store");
      // A relayer's store read by status.
      const s = CheckpointStore.open(join(dir, "nothing"));
      s.addWork("evm-local", { kind: "deliver", seq: 4, payload: {} });
      s.markRetry("evm-local", "deliver", 4, "execution reverted: RateLimited()", Date.now() + 60_000, { countAttempt: true });
      await s.close();
      const out = await capture(() => run(relayerCliExtension({ handleSignals: false }), ["status", "--config", path]));
      expect(out).to.not.include("cursor");
      expect(out).to.match(/deliver +pending 1, in flight 0, failed 0, done 0/);
      expect(out).to.match(/evm-local deliver 4: todo, 1 attempt\(s\), next try in \d+s; last error: execution reverted: RateLimited\(\)/);
    });
  });
});
