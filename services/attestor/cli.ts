import { Command } from "commander";
import type { CliExtension } from "../../runtime/cli/extension.ts";
import { resolveHome } from "../../runtime/cli/util.ts";
import { loadAttestorConfig, writeDefaultConfig, type AttestorConfig } from "./config.ts";
import { AttestorService } from "./service.ts";

interface StartOptions {
  config: string;
  passphraseFile?: string;
  dev?: boolean;
  node?: string;
  port?: string;
}

/**
 * `nexus attestor start --config <file>` and `nexus attestor init-config <file>`.
 * The chain's composition root adds it to its CLI: `cli: [...,  attestorCli]` (parent "root").
 * `onStarted` lets a test (or an embedding program) get the running service.
 */
export function attestorCliExtension(opts: { onStarted?(svc: AttestorService): void; handleSignals?: boolean } = {}): CliExtension {
  return {
    parent: "root",
    build: () => {
      const cmd = new Command("attestor").description("the phone attestor service: verifies a phone by SMS code and registers its holder as a BHLS citizen (docs/attestor.md)");
      cmd
        .command("start")
        .description("start the attestor's HTTP API (default 127.0.0.1:7710) with a config file")
        .requiredOption("--config <file>", "attestor config file (JSON; `nexus attestor init-config <file>` writes one)")
        .option("--passphrase-file <file>", "file whose first line unlocks the attestor key (else config passphraseFile, NEXUS_PASSPHRASE)")
        .option("--dev", "allow the documented dev passphrase for a dev key")
        .option("--node <url>", "JSON-RPC URL of the node (overrides node.rpcUrl)")
        .option("--port <port>", "listen port (overrides listen.port)")
        .action(async (o: StartOptions, c: Command) => {
          const cfg: AttestorConfig = loadAttestorConfig(o.config);
          if (!cfg.home) cfg.home = resolveHome(c);
          if (o.passphraseFile) cfg.passphraseFile = o.passphraseFile;
          if (o.dev) cfg.dev = true;
          if (o.node) cfg.node.rpcUrl = o.node;
          if (o.port !== undefined) cfg.listen.port = Number(o.port);
          const svc = await AttestorService.start(cfg);
          opts.onStarted?.(svc);
          if (opts.handleSignals !== false) {
            const stop = (sig: string): void => {
              svc.log.info({ signal: sig }, "stopping the attestor");
              void svc.close().then(() => process.exit(0));
            };
            process.once("SIGINT", () => stop("SIGINT"));
            process.once("SIGTERM", () => stop("SIGTERM"));
          }
        });
      cmd
        .command("init-config")
        .description("write a config file with every default and a $comment explaining the fields")
        .argument("<file>", "where to write it (mode 0600)")
        .option("--force", "overwrite an existing file")
        .action((file: string, o: { force?: boolean }) => {
          writeDefaultConfig(file, { force: o.force });
          process.stdout.write(`wrote ${file}; edit provider (console for development, twilio for SMS), keyName and node.rpcUrl, then: nexus attestor start --config ${file}\n`);
        });
      return cmd;
    },
  };
}

/** The extension as the `nexus` binary adds it. */
export const attestorCli: CliExtension = attestorCliExtension();
