import { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, intOption, output, type GlobalOptions } from "../util.ts";
import { devnetDir } from "../devnet/dir.ts";
import { pickPorts } from "../devnet/ports.ts";
import { DevnetSupervisor, lastError, type ValidatorStatus } from "../devnet/supervisor.ts";
import { controlRequest, devnetRunning, openControl, type ControlRequest } from "../devnet/control.ts";
import type { ChainApp } from "../../node/chain-app.ts";

interface DevnetModule {
  generateDevnet(app: ChainApp, o: { dir: string; validators: number; rpcPorts?: number[]; p2pPorts?: number[]; blockTimeMs?: number; reset?: boolean }): Promise<Layout>;
}

interface Layout {
  chainId: string;
  nodes: { index: number; home: string; address: string; band: number; rpcUrl: string }[];
  devKeys: { name: string; address: string }[];
}

const DEFAULT_RPC_PORT = 7700;
const DEFAULT_P2P_PORT = 26656;

/** The devnet directory for this command line: --dir, NEXUS_DEVNET, <--home|NEXUS_HOME>/devnet, ~/.nexus-devnet. */
function dirOf(cmd: Command): string {
  const o = cmd.optsWithGlobals<GlobalOptions & { dir?: string }>();
  return devnetDir({ dir: o.dir, home: o.home });
}

interface StartOptions {
  validators: number;
  rpcPort: number;
  p2pPort: number;
  blockTime: number;
  reset?: boolean;
  start: boolean;
}

/**
 * Ports for a new devnet: given ones as they are (a taken one then fails the start with its
 * name); the defaults where free, otherwise free ones the OS hands out, so two users of one
 * machine each get a devnet without choosing ports.
 */
async function choosePorts(cmd: Command, o: StartOptions): Promise<{ rpcPorts: number[]; p2pPorts: number[] }> {
  const given = (k: "rpcPort" | "p2pPort"): boolean => cmd.getOptionValueSource(k) !== "default";
  const fixed = (base: number): number[] => Array.from({ length: o.validators }, (_, i) => base + i);
  const rpcPorts = given("rpcPort") ? fixed(o.rpcPort) : (await pickPorts(o.rpcPort, o.validators)).ports;
  let p2pPorts: number[];
  if (given("p2pPort")) p2pPorts = fixed(o.p2pPort);
  else p2pPorts = (await pickPorts(o.p2pPort, o.validators, new Set(rpcPorts))).ports;
  const moved = [...rpcPorts.map((p, i) => [p, o.rpcPort + i, "RPC"] as const), ...p2pPorts.map((p, i) => [p, o.p2pPort + i, "P2P"] as const)].filter(([p, want]) => p !== want);
  for (const [p, want, what] of moved) console.log(`  ${what} port ${want} is in use: using ${p} instead`);
  return { rpcPorts, p2pPorts };
}

async function runDevnet(app: ChainApp, o: StartOptions, cmd: Command): Promise<void> {
  if (o.validators < 1 || o.validators > 100) throw new CliError("CLI_BAD_OPTION", "--validators must be 1..100");
  const dir = dirOf(cmd);
  // A running devnet holds its directory: neither a second start nor --reset under it.
  if (await devnetRunning(dir)) throw new CliError("CLI_DEVNET_RUNNING", `a devnet is already running from ${dir}`, "use `nexus devnet status|restart|stop` against it, stop it with Ctrl-C, or pick another --dir");
  let layout: Layout;
  const existing = join(dir, "devnet.json");
  if (existsSync(existing) && !o.reset) {
    layout = JSON.parse(readFileSync(existing, "utf8")) as Layout;
    if (layout.nodes.length !== o.validators && cmd.getOptionValueSource("validators") !== "default") {
      throw new CliError("CLI_BAD_OPTION", `${dir} holds a devnet of ${layout.nodes.length} validators`, "pass --reset to replace it, or --validators " + layout.nodes.length);
    }
    console.log(`Restarting the devnet in ${dir}`);
  } else {
    const { generateDevnet } = (await import("../../node/devnet.ts")) as DevnetModule;
    const ports = await choosePorts(cmd, o);
    layout = await generateDevnet(app, { dir, validators: o.validators, ...ports, blockTimeMs: o.blockTime, reset: o.reset });
    console.log(`Generated a devnet of ${o.validators} validators in ${dir} (chain ${layout.chainId})`);
  }
  for (const n of layout.nodes) console.log(`  validator ${n.index}  band ${n.band}  ${n.address}  rpc ${n.rpcUrl}  home ${n.home}`);
  for (const k of layout.devKeys) console.log(`  dev key ${k.name.padEnd(6)} ${k.address} (keyring of node0, --dev passphrase)`);
  if (!o.start) return;

  const sup = new DevnetSupervisor(layout.nodes, app.entry);
  const control = await openControl(dir, sup);
  const all = layout.nodes.map((n) => n.index);
  all.forEach((i) => sup.spawn(i));
  console.log(`Starting ${all.length} validator processes; logs in <home>/node.log…`);
  // "Started" only once every validator answers RPC: one that exits during start-up
  // (a port in use, a damaged home) stops the devnet with its reason instead.
  const r = await sup.waitServing(all);
  if (r.exited !== undefined) {
    await sup.stopAll();
    await control.close();
    const home = layout.nodes[r.exited]!.home;
    const tail = lastError(join(home, "node.log"));
    throw new CliError("CLI_DEVNET_START_FAILED", `validator ${r.exited} exited during start-up${tail ? `: ${tail}` : ""}`, `see ${join(home, "node.log")}; free its ports, or start a new devnet with --reset (free ports are picked unless --rpc-port / --p2p-port say otherwise)`);
  }
  if (r.silent) console.log(`validators ${r.silent.join(", ")} do not answer RPC yet; see their node.log`);
  else console.log(`Started ${all.length} validator processes, all serving RPC. Ctrl-C stops them all.`);
  console.log(`Restart one with \`nexus devnet restart <i> --dir ${dir}\`; see them with \`nexus devnet status --dir ${dir}\`.`);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      console.log("Stopping validators…");
      // A validator that does not stop within 10 s is killed: its WAL makes that safe.
      void sup
        .stopAll()
        .then(() => control.close())
        .then(() => {
          console.log("All validators stopped.");
          done();
        });
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function renderStatus(dir: string, pid: number, vs: ValidatorStatus[]): string {
  const lines = [`devnet in ${dir} (supervisor pid ${pid})`];
  for (const v of vs) lines.push(`  validator ${v.index}  ${v.state.padEnd(8)} ${v.pid ? `pid ${v.pid}` : v.exit ? `exit ${v.exit}` : ""}`.trimEnd() + `  rpc ${v.rpcUrl}${v.restarts ? `  restarts ${v.restarts}` : ""}`);
  return lines.join("\n");
}

/** `devnet status|stop|restart`: one request to the running devnet, its answer printed. */
function controlCommand(name: string, description: string, op: (index?: number) => ControlRequest, withIndex: boolean): Command {
  const c = new Command(name)
    .description(description)
    .configureHelp({ showGlobalOptions: false })
    .addHelpText("after", "\nGlobal: --home <dir> (env NEXUS_HOME) names the default directory, <home>/devnet.\n")
    .option("--dir <dir>", "the devnet's directory (default: NEXUS_DEVNET, else <--home>/devnet, else ~/.nexus-devnet)").option("--json", "print JSON");
  if (withIndex) c.argument("<index>", "validator index (0 … N-1)", intOption("<index>"));
  return c.action(async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const o = cmd.opts<{ json?: boolean }>();
    const dir = dirOf(cmd);
    const index = withIndex ? (args[0] as number) : undefined;
    if (withIndex) console.error(`${name === "restart" ? "Restarting" : "Stopping"} validator ${index} of the devnet in ${dir}…`);
    const r = await controlRequest(dir, op(index));
    if (!r.ok) throw new CliError("CLI_DEVNET_REFUSED", r.error, "see `nexus devnet status` and the validator's node.log");
    output(o.json, r, () => renderStatus(r.dir, r.pid, r.validators));
  });
}

export function devnetCommand(app: ChainApp): Command {
  const cmd = new Command("devnet")
    .description("run a local multi-validator BFT network: N homes, one genesis, each validator its own process (Ctrl-C stops all)")
    .option("--validators <n>", "number of validators", intOption("--validators"), 4)
    .option("--dir <dir>", "where the validator homes live (default: NEXUS_DEVNET, else <--home or NEXUS_HOME>/devnet, else ~/.nexus-devnet)")
    .option("--rpc-port <port>", "RPC port of validator 0 (validator i: port + i); unset: 7700 + i where free, else a free port", intOption("--rpc-port"), DEFAULT_RPC_PORT)
    .option("--p2p-port <port>", "P2P port of validator 0 (validator i: port + i); unset: 26656 + i where free, else a free port", intOption("--p2p-port"), DEFAULT_P2P_PORT)
    .option("--block-time <ms>", "target block interval", intOption("--block-time"), 1000)
    .option("--reset", "delete an existing devnet in --dir and generate a new one")
    .option("--no-start", "only generate the homes")
    .addHelpText("after", "\nWhile it runs, from another terminal:\n  nexus devnet status            the validators, their pids and state\n  nexus devnet restart <i>       stop validator i (SIGTERM) and start it again\n  nexus devnet stop <i>          stop validator i; `restart <i>` brings it back\n")
    .action((o: StartOptions, c: Command) => runDevnet(app, o, c));
  cmd.addCommand(controlCommand("status", "show the running devnet's validators: state, pid, RPC endpoint", () => ({ op: "status" }), false));
  cmd.addCommand(controlCommand("restart", "restart validator <index> of the running devnet (stop, start, wait until it answers RPC)", (i) => ({ op: "restart", index: i! }), true));
  cmd.addCommand(controlCommand("stop", "stop validator <index> of the running devnet (the rest keep running; `restart` starts it again)", (i) => ({ op: "stop", index: i! }), true));
  return cmd;
}
