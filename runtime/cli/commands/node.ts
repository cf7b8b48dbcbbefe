import { existsSync } from "node:fs";
import { basename, join } from "node:path";
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
interface VerifyModule {
  verifyData(dataDir: string, opts: { onProgress?: (file: string, what: string) => void }): Promise<import("../../node/verify-data.ts").VerifyReport>;
}
interface LockModule {
  HomeLock: { acquire(path: string, home: string): { release(): void } };
}
interface RunModule {
  runNode(app: ChainApp, opts: { home: string; dev: boolean; rpcPort?: number; blockTimeMs?: number; logLevel?: string; stateSync?: boolean | { trust: { height: number; hash: string } } }): Promise<void>;
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
    .option("--state-sync", "on a home without chain data, restore the state from peers' snapshots instead of executing every block since genesis (config stateSync.enable; docs/validators.md)")
    .option("--trust-height <height>", "with --state-sync: restore only the snapshot at this height (a trust point from a source you trust; config stateSync.trust.height)", intOption("--trust-height"))
    .option("--trust-hash <hex>", "with --trust-height: the hash of the block at that height (64 hex digits; config stateSync.trust.hash)")
    .action(async (o: { dev?: boolean; rpcPort?: number; blockTime?: number; logLevel?: string; stateSync?: boolean; trustHeight?: number; trustHash?: string }, cmd: Command) => {
      if (o.logLevel && !["trace", "debug", "info", "warn", "error", "fatal"].includes(o.logLevel)) {
        throw new CliError("CLI_BAD_OPTION", `--log-level "${o.logLevel}" is not one of trace, debug, info, warn, error, fatal`);
      }
      if ((o.trustHeight === undefined) !== (o.trustHash === undefined)) {
        throw new CliError("CLI_BAD_OPTION", "--trust-height and --trust-hash go together: a trust point is a height and the hash of its block (`nexus query block <height>` on a node you trust shows both)");
      }
      if (o.trustHash !== undefined && !/^[0-9a-fA-F]{64}$/.test(o.trustHash)) {
        throw new CliError("CLI_BAD_OPTION", `--trust-hash "${o.trustHash}" is not a block hash: 64 hex digits expected`);
      }
      if (o.trustHeight !== undefined && !o.stateSync) throw new CliError("CLI_BAD_OPTION", "--trust-height only applies to a state sync: add --state-sync");
      const trust = o.trustHeight !== undefined ? { height: o.trustHeight, hash: o.trustHash!.toLowerCase() } : undefined;
      const { runNode } = await load<RunModule>("../../node/run.ts", "node runner");
      await runNode(app, { home: resolveHome(cmd), dev: o.dev === true, rpcPort: o.rpcPort, blockTimeMs: o.blockTime, logLevel: o.logLevel, ...(o.stateSync ? { stateSync: trust ? { trust } : true } : {}) });
    });
}

export function verifyDataCommand(): Command {
  return new Command("verify-data")
    .description("scan the home's data directory for damage (read-only; the node must be stopped): every record's checksum, the state tree's hashes, every value against the state root, the block hash chain and indexes")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExit code 0 when nothing is damaged, 1 when something is (see docs/operations.md for what to do).\n")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const home = resolveHome(cmd);
      const { HomeLock } = await load<LockModule>("../../node/home-lock.ts", "home lock");
      const { verifyData } = await load<VerifyModule>("../../node/verify-data.ts", "data verifier");
      // Holding the node's lock: no node starts (and writes) while the files are read.
      const lock = HomeLock.acquire(join(home, "node.lock"), home);
      try {
        const dataDir = join(home, "data");
        if (!existsSync(dataDir)) throw new CliError("CLI_NO_DATA", `${home} has no data directory: nothing to verify`, "start the node once (`nexus start`), or pass the right --home");
        let last = 0;
        const r = await verifyData(dataDir, {
          onProgress: (file, what) => {
            // At most one progress line a second: long scans show they are alive without flooding a log.
            if (Date.now() - last < 1000) return;
            last = Date.now();
            process.stderr.write(`  ${basename(file)}: ${what}\n`);
          },
        });
        output(o.json, r, () => {
          const lines: string[] = [];
          for (const f of r.files) {
            lines.push(`${f.file}  ${f.problems.length === 0 ? "OK" : "DAMAGED"}`);
            for (const c of f.checked) lines.push(`  checked  ${c}`);
            for (const n of f.notes) lines.push(`  note     ${n}`);
            for (const p of f.problems) lines.push(`  damaged  ${p}`);
          }
          for (const n of r.between.notes) lines.push(`note: ${n}`);
          for (const p of r.between.problems) lines.push(`damaged: ${p}`);
          lines.push(
            r.ok
              ? "result: no damage found"
              : "result: damaged. Restore the data directory from a backup taken while the node was stopped, or remove it and resync from peers (`nexus start` syncs the blocks from genesis)",
          );
          return lines.join("\n");
        });
        if (!r.ok) process.exitCode = 1;
      } finally {
        lock.release();
      }
    });
}
