import { Command } from "commander";
import { CliError, intOption, output, resolveHome, table } from "../util.ts";
import type { ChainApp } from "../../node/chain-app.ts";

/**
 * init and start delegate to the node package. They are imported inside the actions so the
 * rest of the CLI (keys, queries, transactions) loads fast and works without the node code.
 */
interface HomeModule {
  initHome(chain: ChainApp["chain"], opts: { home: string; chainId?: string; dev?: boolean; force?: boolean }): Promise<{ home: string; chainId: string; devKeys: { name: string; address: string; mnemonic: string }[] }>;
}
interface RunModule {
  runNode(app: ChainApp, opts: { home: string; dev: boolean; rpcPort?: number; blockTimeMs?: number; logLevel?: string }): Promise<void>;
}

async function load<T>(spec: string, what: string): Promise<T> {
  try {
    return (await import(spec)) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes(spec.replace("../../", ""))) {
      throw new CliError("CLI_NO_NODE", `this build has no ${what} (${spec} is missing)`, "update the checkout; the keys, query, tx and status commands work without it");
    }
    throw e;
  }
}

export function initCommand(app: ChainApp): Command {
  return new Command("init")
    .description("create a node home (config, genesis, node key); --dev adds funded dev keys")
    .option("--chain-id <id>", "chain id (a default is chosen when omitted)")
    .option("--dev", "single-validator dev chain with funded dev keys (insecure passphrase: see docs/cli.md)")
    .option("--force", "overwrite the config, genesis and keys of an existing home (refused while it holds chain data in data/)")
    .option("--json", "print JSON (includes dev mnemonics)")
    .action(async (o: { chainId?: string; dev?: boolean; force?: boolean; json?: boolean }, cmd: Command) => {
      const home = resolveHome(cmd);
      const { initHome } = await load<HomeModule>("../../node/home.ts", "node home initialiser");
      const r = await initHome(app.chain, { home, chainId: o.chainId, dev: o.dev, force: o.force });
      output(o.json, r, () => {
        const lines = [table([["home", r.home], ["chainId", r.chainId]])];
        if (r.devKeys.length) {
          lines.push("", "Dev keys (funded at genesis; passphrase: the documented dev default, unlock with --dev):");
          for (const k of r.devKeys) lines.push(`  ${k.name.padEnd(10)} ${k.address}`, `  ${"".padEnd(10)} ${k.mnemonic}`);
        }
        lines.push("", `Start it with: ${app.chain.binary} start${o.dev ? " --dev" : ""}${cmd.optsWithGlobals<{ home?: string }>().home ? ` --home ${home}` : ""}`);
        return lines.join("\n");
      });
    });
}

export function startCommand(app: ChainApp): Command {
  return new Command("start")
    .description("run a node from its home until Ctrl-C (SIGINT/SIGTERM); with --dev, first creates a dev home if there is none")
    .option("--dev", "dev chain: single validator, fast blocks, funded dev keys")
    .option("--rpc-port <port>", "JSON-RPC port (default from config.json, 7700)", intOption("--rpc-port"))
    .option("--block-time <ms>", "target block interval in milliseconds", intOption("--block-time"))
    .option("--log-level <level>", "trace, debug, info, warn, error or fatal")
    .action(async (o: { dev?: boolean; rpcPort?: number; blockTime?: number; logLevel?: string }, cmd: Command) => {
      if (o.logLevel && !["trace", "debug", "info", "warn", "error", "fatal"].includes(o.logLevel)) {
        throw new CliError("CLI_BAD_OPTION", `--log-level "${o.logLevel}" is not one of trace, debug, info, warn, error, fatal`);
      }
      const { runNode } = await load<RunModule>("../../node/run.ts", "node runner");
      await runNode(app, { home: resolveHome(cmd), dev: o.dev === true, rpcPort: o.rpcPort, blockTimeMs: o.blockTime, logLevel: o.logLevel });
    });
}
