import { Command } from "commander";
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { CliError, intOption } from "../util.ts";
import { NODE_HEAP_FLAGS } from "../../node/heap-flags.ts";
import type { ChainApp } from "../../node/chain-app.ts";

interface DevnetModule {
  generateDevnet(app: ChainApp, o: { dir: string; validators: number; rpcPort?: number; p2pPort?: number; blockTimeMs?: number; reset?: boolean }): Promise<{
    dir: string;
    chainId: string;
    nodes: { index: number; home: string; address: string; band: number; rpcUrl: string; p2pAddress: string }[];
    devKeys: { name: string; address: string }[];
  }>;
}

interface Layout {
  chainId: string;
  nodes: { index: number; home: string; address: string; band: number; rpcUrl: string }[];
  devKeys: { name: string; address: string }[];
}

/** Start the chain's binary (`nexus start`) in each home as its own process, logs to <home>/node.log. */
function startProcesses(app: ChainApp, layout: Layout): ChildProcess[] {
  return layout.nodes.map((n) => {
    const log = createWriteStream(join(n.home, "node.log"), { flags: "a" });
    const p = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", app.entry, "--home", n.home, "start"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXUS_HOME: n.home } });
    p.stdout!.pipe(log);
    p.stderr!.pipe(log);
    p.once("exit", (code, sig) => {
      if (!stopping) process.stderr.write(`validator ${n.index} exited (${sig ?? code}); see ${join(n.home, "node.log")}\n`);
    });
    return p;
  });
}

let stopping = false;

/** Resolves undefined once every validator's RPC answers, or the first validator that exited before it did. */
async function waitUntilServing(layout: Layout, procs: ChildProcess[], timeoutMs = 120_000): Promise<{ index: number; home: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(layout.nodes.map((n) => n.index));
  while (pending.size > 0) {
    for (const i of [...pending]) {
      const n = layout.nodes[i]!;
      if (procs[i]!.exitCode !== null || procs[i]!.signalCode !== null) return { index: i, home: n.home };
      try {
        const r = await fetch(n.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"nexus_status","params":[]}', signal: AbortSignal.timeout(2000) });
        if (r.ok) pending.delete(i);
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      console.log(`validators ${[...pending].join(", ")} do not answer RPC after ${timeoutMs / 1000} s; still waiting is up to you (see their node.log)`);
      return undefined;
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 300));
  }
  return undefined;
}

/** The last line of a log that says something (the error a failed start printed). */
function readTail(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return (lines.reverse().find((l) => /error|Error|failed/.test(l)) ?? lines[0] ?? "").trim().slice(0, 400);
  } catch {
    return "";
  }
}

export function devnetCommand(app: ChainApp): Command {
  return new Command("devnet")
    .description("run a local multi-validator BFT network: N homes, one genesis, each validator its own process (Ctrl-C stops all)")
    .option("--validators <n>", "number of validators", intOption("--validators"), 4)
    .option("--dir <dir>", "where the validator homes live (default: ~/.nexus-devnet)")
    .option("--rpc-port <port>", "RPC port of validator 0 (validator i: port + i)", intOption("--rpc-port"), 7700)
    .option("--p2p-port <port>", "P2P port of validator 0 (validator i: port + i)", intOption("--p2p-port"), 26656)
    .option("--block-time <ms>", "target block interval", intOption("--block-time"), 1000)
    .option("--reset", "delete an existing devnet in --dir and generate a new one")
    .option("--no-start", "only generate the homes")
    .action(async (o: { validators: number; dir?: string; rpcPort: number; p2pPort: number; blockTime: number; reset?: boolean; start: boolean }) => {
      if (o.validators < 1 || o.validators > 100) throw new CliError("CLI_BAD_OPTION", "--validators must be 1..100");
      const dir = resolve(o.dir ?? join(homedir(), ".nexus-devnet"));
      let layout: Layout;
      const existing = join(dir, "devnet.json");
      if (existsSync(existing) && !o.reset) {
        layout = JSON.parse(readFileSync(existing, "utf8")) as Layout;
        if (layout.nodes.length !== o.validators) {
          throw new CliError("CLI_BAD_OPTION", `${dir} holds a devnet of ${layout.nodes.length} validators`, "pass --reset to replace it, or --validators " + layout.nodes.length);
        }
        console.log(`Restarting the devnet in ${dir}`);
      } else {
        const { generateDevnet } = (await import("../../node/devnet.ts")) as DevnetModule;
        layout = await generateDevnet(app, { dir, validators: o.validators, rpcPort: o.rpcPort, p2pPort: o.p2pPort, blockTimeMs: o.blockTime, reset: o.reset });
        console.log(`Generated a devnet of ${o.validators} validators in ${dir} (chain ${layout.chainId})`);
      }
      for (const n of layout.nodes) console.log(`  validator ${n.index}  band ${n.band}  ${n.address}  rpc ${n.rpcUrl}  home ${n.home}`);
      for (const k of layout.devKeys) console.log(`  dev key ${k.name.padEnd(6)} ${k.address} (keyring of node0, --dev passphrase)`);
      if (!o.start) return;
      const procs = startProcesses(app, layout);
      console.log(`Starting ${procs.length} validator processes; logs in <home>/node.log…`);
      // "Started" only once every validator answers RPC: one that exits during start-up
      // (a port in use, a damaged home) stops the devnet with its reason instead.
      const failed = await waitUntilServing(layout, procs);
      if (failed) {
        stopping = true;
        procs.forEach((p) => p.kill("SIGTERM"));
        const tail = readTail(join(failed.home, "node.log"));
        throw new CliError("CLI_DEVNET_START_FAILED", `validator ${failed.index} exited during start-up${tail ? `: ${tail}` : ""}`, `see ${join(failed.home, "node.log")}; free its ports or pass --rpc-port / --p2p-port`);
      }
      console.log(`Started ${procs.length} validator processes, all serving RPC. Ctrl-C stops them all.`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          if (stopping) return;
          stopping = true;
          console.log("Stopping validators…");
          const exits = procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once("exit", () => r()))));
          procs.forEach((p) => p.kill("SIGTERM"));
          // A validator that does not stop within 10 s is killed: its WAL makes that safe.
          const force = setTimeout(() => procs.forEach((p) => p.kill("SIGKILL")), 10_000);
          void Promise.all(exits).then(() => {
            clearTimeout(force);
            console.log("All validators stopped.");
            done();
          });
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
