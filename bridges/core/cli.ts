import { Command } from "commander";
import type { CliExtension } from "../../runtime/cli/extension.ts";
import { resolveHome } from "../../runtime/cli/util.ts";
import { CheckpointStore, WORK_KINDS, type ChainSummary, type WorkItem } from "./checkpoints.ts";
import { bridgePaths, loadBridgeConfig, writeDefaultConfig, type LoadedBridgeConfig } from "./config.ts";
import type { BridgeRole } from "./families.ts";
import { BridgeRelayer } from "./relayer.ts";
import type { BridgeDeps, BridgeService } from "./service.ts";
import { BridgeWatcher } from "./watcher.ts";

interface StartOptions {
  config: string;
  passphraseFile?: string;
  dev?: boolean;
  node?: string;
}

export interface StatusReport {
  role: BridgeRole;
  store: string;
  identity: { chainId: string; role: string; address?: string } | null;
  chains: ChainSummary[];
  pending: WorkItem[];
}

/** What `status` prints, from the store alone (read-only: works while the process runs). */
export async function bridgeStatus(cfg: LoadedBridgeConfig, role: BridgeRole, opts: { limit?: number } = {}): Promise<StatusReport> {
  const store = CheckpointStore.open(bridgePaths(cfg, role).dataDir, { readOnly: true });
  try {
    return {
      role,
      store: store.path,
      identity: store.identity() ?? null,
      chains: store.summary(cfg.chains.map((c) => c.name)),
      pending: store.work().slice(0, opts.limit ?? 50),
    };
  } finally {
    await store.close();
  }
}

const ago = (ms: number | null, now: number): string => (ms === null ? "never" : `${Math.max(0, Math.round((now - ms) / 1000))}s ago`);

export function formatStatus(r: StatusReport, now = Date.now()): string {
  const lines: string[] = [];
  lines.push(`${r.role} store ${r.store}${r.identity ? ` (NexusOS chain ${r.identity.chainId}${r.identity.address ? `, validator ${r.identity.address}` : ""})` : ""}`);
  for (const c of r.chains) {
    lines.push("");
    lines.push(`${c.chain}`);
    if (r.role === "watcher") lines.push(`  cursor      ${c.cursor ?? "(not started)"}${c.cursorAt !== null ? ` (updated ${ago(c.cursorAt, now)})` : ""}`);
    for (const k of WORK_KINDS) {
      const w = c.work[k];
      if (w.todo + w.sent + w.failed + c.done[k] === 0) continue;
      lines.push(`  ${k.padEnd(10)}  pending ${w.todo}, in flight ${w.sent}, failed ${w.failed}, done ${c.done[k]}`);
    }
    lines.push(`  last error  ${c.lastError ? `${c.lastError.message} (${ago(c.lastError.at, now)})` : "none"}`);
  }
  if (r.pending.length) {
    lines.push("");
    lines.push("work not finished:");
    for (const w of r.pending) {
      const next = w.nextAt > now ? `, next try in ${Math.round((w.nextAt - now) / 1000)}s` : "";
      const tx = w.txHash ? `, tx ${w.txHash}` : w.state === "sent" ? ", submission in flight" : "";
      lines.push(`  ${w.chain} ${w.kind} ${w.seq}: ${w.state}, ${w.attempts} attempt(s)${tx}${next}${w.lastError ? `; last error: ${w.lastError}` : ""}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * `nexus watcher|relayer start --config <file>`, `init-config <file>`, `status --config <file>`.
 * The chain's composition root adds the extensions to its CLI (parent "root"). `onStarted`
 * lets a test or an embedding program get the running process; `deps` reach the service.
 */
export function bridgeCliExtension(role: BridgeRole, opts: { onStarted?(svc: BridgeService): void; handleSignals?: boolean; deps?: BridgeDeps } = {}): CliExtension {
  const what =
    role === "watcher"
      ? "a validator's bridge watcher: attests source-chain transfers, signs NexusOS's outbound transfers, attests their results (docs/bridges.md)"
      : "a bridge relayer: delivers NexusOS's outbound transfers the validators signed to their destination (docs/bridges.md)";
  return {
    parent: "root",
    build: () => {
      const cmd = new Command(role).description(what);
      const start = cmd
        .command("start")
        .description(`run the ${role} until SIGINT/SIGTERM; resumes from its checkpoint store`)
        .requiredOption("--config <file>", `${role} config (YAML, or JSON for *.json; \`nexus ${role} init-config <file>\` writes one)`)
        .option("--node <url>", "JSON-RPC URL of the NexusOS node (overrides nexus.rpcUrl; the WebSocket is derived unless nexus.wsUrl is set)");
      if (role === "watcher") start.option("--passphrase-file <file>", "file whose first line unlocks the operator key (else key.passphraseFile, NEXUS_PASSPHRASE)").option("--dev", "allow the documented dev passphrase for a dev key");
      start.action(async (o: StartOptions, c: Command) => {
        const cfg = await loadBridgeConfig(o.config, role);
        if (!cfg.key.home) cfg.key.home = resolveHome(c);
        if (o.passphraseFile) cfg.key.passphraseFile = o.passphraseFile;
        if (o.dev) cfg.key.dev = true;
        if (o.node) cfg.nexus.rpcUrl = o.node;
        const deps: BridgeDeps = { configDir: cfg.configDir, ...opts.deps };
        const svc: BridgeService = role === "watcher" ? await BridgeWatcher.start(cfg, deps) : await BridgeRelayer.start(cfg, deps);
        opts.onStarted?.(svc);
        if (opts.handleSignals !== false) {
          const stop = (sig: string): void => {
            svc.log.info({ signal: sig }, `stopping the ${role} (finishing the item in hand)`);
            void svc.close().then(
              () => process.exit(0),
              () => process.exit(1),
            );
          };
          process.once("SIGINT", () => stop("SIGINT"));
          process.once("SIGTERM", () => stop("SIGTERM"));
        }
      });
      cmd
        .command("init-config")
        .description("write a config file with every default, commented (YAML; JSON when the name ends in .json)")
        .argument("<file>", `where to write it (mode 0600), e.g. ${role}.yaml`)
        .option("--force", "overwrite an existing file")
        .action((file: string, o: { force?: boolean }) => {
          writeDefaultConfig(file, role, { force: o.force });
          process.stdout.write(`wrote ${file}; edit nexus.rpcUrl${role === "watcher" ? ", key" : ""} and chains (each with its family's options), then: nexus ${role} start --config ${file}\n`);
        });
      cmd
        .command("status")
        .description("per chain: cursor, pending and failed work, last error, from the checkpoint store (works while the process runs)")
        .requiredOption("--config <file>", `the ${role}'s config (for its dataDir and chains)`)
        .option("--json", "machine-readable output")
        .option("--limit <n>", "work items listed at most", (v) => Number.parseInt(v, 10), 50)
        .action(async (o: { config: string; json?: boolean; limit: number }, c: Command) => {
          const cfg = await loadBridgeConfig(o.config, role);
          if (!cfg.key.home && !cfg.dataDir) cfg.key.home = resolveHome(c);
          const r = await bridgeStatus(cfg, role, { limit: o.limit });
          process.stdout.write(o.json ? JSON.stringify(r, null, 2) + "\n" : formatStatus(r));
        });
      return cmd;
    },
  };
}

export function watcherCliExtension(opts: Parameters<typeof bridgeCliExtension>[1] = {}): CliExtension {
  return bridgeCliExtension("watcher", opts);
}

export function relayerCliExtension(opts: Parameters<typeof bridgeCliExtension>[1] = {}): CliExtension {
  return bridgeCliExtension("relayer", opts);
}

/** The extensions as the `nexus` binary adds them. */
export const watcherCli: CliExtension = watcherCliExtension();
export const relayerCli: CliExtension = relayerCliExtension();
