import { Command } from "commander";
import type { CliExtension } from "../../runtime/cli/extension.ts";
import { resolveHome } from "../../runtime/cli/util.ts";
import { loadArbiterConfig, writeDefaultConfig, type ArbiterConfig } from "./config.ts";
import { ArbiterService } from "./service.ts";

interface StartOptions {
  config: string;
  passphraseFile?: string;
  dev?: boolean;
  node?: string;
}

/**
 * `nexus arbiter start --config <file>` and `nexus arbiter init-config <file>`.
 * The chain's composition root adds it to its CLI: `cli: [..., arbiterCli]` (parent "root").
 * `onStarted` lets a test (or an embedding program) get the running agent.
 */
export function arbiterCliExtension(opts: { onStarted?(svc: ArbiterService): void; handleSignals?: boolean } = {}): CliExtension {
  return {
    parent: "root",
    build: () => {
      const cmd = new Command("arbiter").description("the arbiter agent: rules on the arbitration cases assigned to its key and submits signed rulings (docs/arbiter.md)");
      cmd
        .command("start")
        .description("run the agent: read its backlog, follow arbitration.assigned events, decide, journal, submit MsgSubmitRuling")
        .requiredOption("--config <file>", "agent config (YAML, or JSON for *.json; `nexus arbiter init-config <file>` writes one)")
        .option("--passphrase-file <file>", "file whose first line unlocks the arbiter key (else config passphraseFile, NEXUS_PASSPHRASE)")
        .option("--dev", "allow the documented dev passphrase for a dev key")
        .option("--node <url>", "JSON-RPC URL of the node (overrides node.rpcUrl; the WebSocket is derived unless node.wsUrl is set)")
        .action(async (o: StartOptions, c: Command) => {
          const cfg: ArbiterConfig = await loadArbiterConfig(o.config);
          if (!cfg.home) cfg.home = resolveHome(c);
          if (o.passphraseFile) cfg.passphraseFile = o.passphraseFile;
          if (o.dev) cfg.dev = true;
          if (o.node) cfg.node.rpcUrl = o.node;
          const svc = await ArbiterService.start(cfg);
          opts.onStarted?.(svc);
          if (opts.handleSignals !== false) {
            const stop = (sig: string): void => {
              svc.log.info({ signal: sig }, "stopping the arbiter agent (finishing the case in hand)");
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
        .argument("<file>", "where to write it (mode 0600), e.g. arbiter.yaml")
        .option("--force", "overwrite an existing file")
        .action((file: string, o: { force?: boolean }) => {
          writeDefaultConfig(file, { force: o.force });
          process.stdout.write(`wrote ${file}; edit keyName, node.rpcUrl and decider (rules, or llm with NEXUS_ARBITER_LLM_API_KEY), then: nexus arbiter start --config ${file}\n`);
        });
      return cmd;
    },
  };
}

/** The extension as the `nexus` binary adds it. */
export const arbiterCli: CliExtension = arbiterCliExtension();
