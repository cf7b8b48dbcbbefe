/**
 * `npm run node:polkadot [-- --port 8000 --fund <account>…]`: a local Asset Hub for the bridge's
 * Substrate family — the real Asset Hub runtime in chopsticks, offline
 * (scripts/polkadot/local-asset-hub.ts). Point a watcher's `wsUrl` at it.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { decodeAddress } from "@polkadot/util-crypto";
import { ROC, startLocalAssetHub, type BuildBlockMode } from "./local-asset-hub.ts";

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("a TCP port (0-65535)");
  return n;
};
const account = (v: string, prev: string[] = []) => {
  try {
    decodeAddress(v);
  } catch {
    throw new InvalidArgumentError(`"${v}" is neither an SS58 address nor 0x and 64 hex digits`);
  }
  return [...prev, v];
};

const program = new Command("node:polkadot")
  .description("Run the real Asset Hub runtime (asset-hub-rococo, spec 900) offline in chopsticks, with a WebSocket JSON-RPC on host:port. Blocks are built when transactions arrive; Ctrl-C stops it.")
  .option("--host <host>", "interface to listen on", "127.0.0.1")
  .option("--port <port>", "WebSocket/HTTP port", port, 8000)
  .option("--fund <account>", "give this account (SS58 or 0x hex) 1 000 ROC of native balance; repeatable (validators' accounts, the bridge multisig)", account, [])
  .option("--log-level <level>", "chopsticks' log level (trace, debug, info, warn, error)", "info")
  .addOption(new Option("--build-block-mode <mode>", "Instant: a block per transaction; Batch: one block for the transactions that arrive together").choices(["Instant", "Batch"]).default("Instant"))
  .action(async (o: { host: string; port: number; fund: string[]; logLevel: string; buildBlockMode: BuildBlockMode }) => {
    const hub = await startLocalAssetHub({ host: o.host, port: o.port, logLevel: o.logLevel, buildBlockMode: o.buildBlockMode });
    if (o.fund.length) await hub.fund(o.fund, 1_000n * ROC);
    console.log(`${hub.label}\n  SS58 prefix ${hub.ss58Prefix}; funded: ${o.fund.length ? o.fund.join(", ") : "none"}\n  bridge settings on NexusOS: substrate { ss58Prefix: ${hub.ss58Prefix}, assetId: "<id>" }`);
    const stop = async () => {
      await hub.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });

await program.parseAsync();
