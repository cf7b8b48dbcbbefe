import { Command, Option } from "commander";
import { keysCommand } from "./commands/keys.ts";
import { txCommand, queryCommand, statusCommand } from "./commands/chain.ts";
import { initCommand, startCommand, verifyDataCommand } from "./commands/node.ts";
import { devnetCommand } from "./commands/devnet.ts";
import { newModuleCommand } from "./commands/new-module.ts";
import { addValidatorCommands } from "./commands/validator.ts";
import { CliError } from "./util.ts";
import { RpcClientError } from "../rpc/client.ts";
import { Amounts } from "../rpc/amounts.ts";
import { describeModules } from "../modules/manager.ts";
import type { ChainApp } from "../node/chain-app.ts";
import type { CliContext } from "./extension.ts";

export const CLI_VERSION = "0.2.0";

/**
 * A chain's command tree (`nexus` for NexusOS; docs/cli.md): node, keys and chain reads from
 * the runtime, `tx`/`query` per module generated from the modules' schemas, and the chain's
 * extensions. Built fresh per call so tests can parse in-process.
 */
export function buildProgram(app: ChainApp): Command {
  const chain = app.chain;
  const ctx: CliContext = { app, amounts: new Amounts(chain.denoms) };
  // Every module either consensus mode runs, so every message has its command.
  const modules = describeModules(chain.modules("bft"));
  const extensions = app.cli ?? [];
  const program = new Command(chain.binary)
    .description(`${chain.name} node and client: start a dev chain, manage keys, send transactions, query state`)
    .version(CLI_VERSION, "-V, --version")
    .addOption(new Option("--home <dir>", "node home directory (default: ~/.nexus)").env("NEXUS_HOME"))
    .option("--verbose", "print stack traces on errors")
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .addHelpText("after", `\nStart a local dev chain:   ${chain.binary} start --dev\nThen, in another terminal: ${chain.binary} status\nDocs: docs/cli.md\n`);
  program.addCommand(initCommand(app));
  program.addCommand(startCommand(app));
  program.addCommand(devnetCommand(app));
  program.addCommand(verifyDataCommand());
  program.addCommand(statusCommand());
  program.addCommand(newModuleCommand(app));
  program.addCommand(keysCommand());
  addValidatorCommands(program, app);
  program.addCommand(txCommand(ctx, modules, extensions));
  program.addCommand(queryCommand(ctx, modules, extensions));
  for (const e of extensions) if (e.parent === "root") program.addCommand(e.build(ctx));
  // addCommand does not copy help settings: show --home/--verbose in every command's help.
  // A command that set showGlobalOptions itself (devnet's subcommands: their parent's
  // options would read as theirs) keeps its choice.
  const walk = (c: Command): void => {
    if (c.configureHelp().showGlobalOptions === undefined) c.configureHelp({ showGlobalOptions: true });
    c.commands.forEach(walk);
  };
  walk(program);
  return program;
}

/** Hints for errors raised below the CLI, by their code. */
const HINTS: Record<string, string> = {
  KEYSTORE_NOT_FOUND: "list keys with `nexus keys list`, or create one with `nexus keys add <name>`",
  KEYSTORE_WRONG_PASSPHRASE: "check --passphrase-file or NEXUS_PASSPHRASE; dev keys from `nexus init --dev` unlock with --dev",
  KEYSTORE_CORRUPT: "restore the key file from a backup, or re-import the key from its mnemonic with `nexus keys import`",
  KEYSTORE_BAD_NAME: "use letters, digits, _ - or .",
  AMOUNT_INVALID: 'amounts look like "1.5NXT" or "150000000nxt"',
  TX_NONCE_REPLAYED: "another transaction from this key was committed first; run the command again",
  TX_NONCE_GAP: "an earlier transaction from this key is missing; wait for pending ones or pass --nonce",
  TX_INSUFFICIENT_FEE_BALANCE: "the sender cannot pay the fee: fund it first (`nexus query balance <address>`)",
  TX_FEE_TOO_LOW: "raise --fee-limit or leave it unset so the exact fee is computed",
  TX_WRONG_CHAIN: "the --node you reach runs another chain; check `nexus status`",
  TX_MEMPOOL_FULL: "the node is busy; retry in a moment",
  TX_DROPPED: "another transaction from this key (a validator's node reports commits with its key) took the nonce; run the command again",
  CLIENT_TIMEOUT: "the node may be stalled; check `nexus status` and the node's log",
};

/** One line of error (plus a hint) to stderr; stack traces only with --verbose. */
export function reportError(e: unknown, verbose: boolean): number {
  const err = e as Error & { code?: unknown; hint?: string };
  const code = e instanceof RpcClientError ? e.codeName : typeof err?.code === "string" ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(e);
  process.stderr.write(`error: ${message}${code && !(e instanceof CliError) && !message.includes(code) ? ` [${code}]` : ""}\n`);
  const hint = (e instanceof CliError ? e.hint : undefined) ?? (code ? HINTS[code] : undefined);
  if (hint) process.stderr.write(`hint: ${hint}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  else if (!(e instanceof CliError) && !code) process.stderr.write("(run with --verbose for details)\n");
  return 1;
}
