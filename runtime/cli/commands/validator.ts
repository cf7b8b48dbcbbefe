import { Command, Option } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { KeyInfo } from "../../crypto/keystore.ts";
import type { ChainApp } from "../../node/chain-app.ts";
import type { NodeConfig } from "../../node/config.ts";
import { CliError, getPassphrase, intOption, keyring, output, resolveHome, table } from "../util.ts";

/**
 * A validator operator's commands (docs/validators.md):
 * - `show-validator`: the home's validator address and consensus public key (CometBFT's
 *   `show-validator`);
 * - `keys import-validator [name]`: the home's validator key into the keyring, so staking
 *   transactions of the operator (create-validator, unjail, withdraw-commission …) sign with
 *   `--from validator`. On a NexusOS chain the operator address IS the address of the
 *   consensus key: the BFT engine signs votes and the proposer's commit report with
 *   validator-key.json, and the validator set names each member by its operator address;
 * - `join`: a home for a node that joins an existing network (genesis, bootstrap peers,
 *   consensus "bft"), as addDevnetNode does for a local devnet.
 */

/** The public half of <home>/validator-key.json. */
export interface HomeValidator {
  readonly file: string;
  readonly scheme: string;
  /** Address of the key: the staking operator of this node's validator. */
  readonly address: string;
  /** Ed25519 consensus public key, 64 lowercase hex. */
  readonly publicKey: string;
}

const homeModule = async (): Promise<typeof import("../../node/home.ts")> => import("../../node/home.ts");

/** Read the home's validator key; a missing or damaged file is a CliError that says what to do. */
export async function readHomeValidator(home: string): Promise<HomeValidator & { secretKey: Uint8Array }> {
  const { homePaths, readValidatorKey } = await homeModule();
  const file = homePaths(home).validatorKey;
  if (!existsSync(file)) {
    throw new CliError("CLI_FILE", `no validator key at ${file}`, "create a home first: `nexus init --home <dir>` or `nexus join --home <dir> …` (or pass --home / NEXUS_HOME)");
  }
  let k: { address: string; publicKey: Uint8Array; secretKey: Uint8Array };
  let scheme: string;
  try {
    scheme = (JSON.parse(readFileSync(file, "utf8")) as { scheme: string }).scheme;
    k = readValidatorKey(home);
  } catch (e) {
    throw new CliError("CLI_FILE", `cannot read the validator key ${file}: ${(e as Error).message}`, "restore validator-key.json from your backup");
  }
  return { file, scheme, address: k.address, publicKey: Buffer.from(k.publicKey).toString("hex"), secretKey: k.secretKey };
}

export function showValidatorCommand(): Command {
  return new Command("show-validator")
    .description("print this home's validator address (the staking operator) and consensus public key, from <home>/validator-key.json")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { file, scheme, address, publicKey } = await readHomeValidator(resolveHome(cmd));
      output(o.json, { address, publicKey, scheme, file }, () =>
        table([
          ["address", address],
          ["pubkey", publicKey],
          ["scheme", scheme],
          ["file", file],
        ]),
      );
    });
}

export function importValidatorKeyCommand(): Command {
  return new Command("import-validator")
    .description("copy the home's validator key (validator-key.json) into the keyring, encrypted, to sign the operator's staking transactions with --from <name>")
    .argument("[name]", "key name", "validator")
    .option("--passphrase-file <file>", "read the passphrase from the first line of this file (else NEXUS_PASSPHRASE, else a prompt)")
    .option("--force", "replace an existing key of the same name")
    .option("--json", "print JSON")
    .action(async (name: string, o: { passphraseFile?: string; force?: boolean; json?: boolean }, cmd: Command) => {
      const v = await readHomeValidator(resolveHome(cmd));
      const kr = keyring(cmd);
      if (kr.has(name) && !o.force) {
        const existing = kr.show(name);
        if (existing.address === v.address) return void output(o.json, existing, () => `key "${name}" already holds this validator key (${v.address})`);
        throw new CliError("KEYSTORE_EXISTS", `key "${name}" already exists in ${kr.dir} and holds another address (${existing.address})`, "pick another name, or pass --force to replace it");
      }
      const pass = await getPassphrase(o, { keyName: name, confirm: true });
      const info: KeyInfo = kr.importSecret(name, v.secretKey, pass, { scheme: v.scheme, force: o.force });
      output(o.json, info, () =>
        [
          table([
            ["name", info.name],
            ["address", info.address],
            ["scheme", info.scheme],
            ["pubkey", info.publicKey],
          ]),
          "",
          `Sign the operator's staking transactions with --from ${name} (docs/validators.md).`,
        ].join("\n"),
      );
    });
}

interface DevnetLayoutFile {
  chainId: string;
  nodes: { index: number; home: string; rpcUrl: string; p2pAddress: string }[];
}

const portOf = (addr: string, re: RegExp): number => Number(re.exec(addr)?.[1] ?? NaN);

/**
 * `nexus join`: a node home for an existing BFT network. From a local devnet (`--devnet
 * <dir>`: its genesis, every validator as bootstrap peer, its block time and round timeouts,
 * the next free ports) or from a network's genesis file and peers. Keeps a validator key
 * that is already there (never overwrites a key); makes one otherwise.
 */
export function joinCommand(app: ChainApp): Command {
  return new Command("join")
    .description("create a node home that joins an existing BFT network (a local devnet, or a genesis file and bootstrap peers); bond stake later to validate")
    .option("--devnet <dir>", "a devnet made by `nexus devnet` (its directory: see `nexus devnet --help`): genesis, peers, timing and next ports from it")
    .option("--genesis <file>", "the network's genesis.json (byte for byte)")
    .addOption(new Option("--peer <multiaddr...>", "bootstrap peer(s): /ip4/…/tcp/…/p2p/<peer id>"))
    .option("--rpc-port <port>", "JSON-RPC port (default: 7700; with --devnet the next after its validators')", intOption("--rpc-port"))
    .option("--p2p-port <port>", "P2P port (default: 26656; with --devnet the next after its validators')", intOption("--p2p-port"))
    .option("--p2p-host <host>", "P2P listen address", "127.0.0.1")
    .option("--moniker <name>", "node name (default: the home directory's name)")
    .option("--force", "overwrite the config and genesis of an existing home (refused while it holds chain data in data/)")
    .option("--json", "print JSON")
    .action(async (o: { devnet?: string; genesis?: string; peer?: string[]; rpcPort?: number; p2pPort?: number; p2pHost: string; moniker?: string; force?: boolean; json?: boolean }, cmd: Command) => {
      const { homePaths } = await homeModule();
      const { defaultNodeConfig } = await import("../../node/config.ts");
      const { mkdirSync, writeFileSync } = await import("node:fs");
      const { randomBytes } = await import("node:crypto");
      const home = resolveHome(cmd);
      const p = homePaths(home);
      if (existsSync(p.genesis) && !o.force) throw new CliError("CLI_BAD_OPTION", `${home} is already initialised (genesis.json exists)`, "pick another --home, or pass --force to rewrite its config and genesis");
      if (existsSync(p.data)) throw new CliError("CLI_BAD_OPTION", `${home} holds chain data in ${p.data}`, "start it as it is, or remove data/ if you really want to join another network there");
      if (!o.devnet && !o.genesis) throw new CliError("CLI_BAD_OPTION", "say which network to join: --devnet <dir> or --genesis <file> --peer <multiaddr>");

      const base = defaultNodeConfig();
      let genesisFile = o.genesis ? resolve(o.genesis) : undefined;
      let peers = o.peer ?? [];
      let rpcPort = o.rpcPort ?? base.rpc.port;
      let p2pPort = o.p2pPort ?? base.p2p.port;
      let timing: Pick<NodeConfig, "blockTimeMs" | "bft"> = { blockTimeMs: base.blockTimeMs, bft: base.bft };
      if (o.devnet) {
        const dir = resolve(o.devnet);
        const layoutFile = join(dir, "devnet.json");
        if (!existsSync(layoutFile)) throw new CliError("CLI_FILE", `no devnet in ${dir} (devnet.json is missing)`, "make one with `nexus devnet --validators 4` (or pass its --dir)");
        const layout = JSON.parse(readFileSync(layoutFile, "utf8")) as DevnetLayoutFile;
        const node0 = layout.nodes[0]!;
        genesisFile ??= homePaths(node0.home).genesis;
        if (!peers.length) peers = layout.nodes.map((n) => n.p2pAddress);
        // The next port after the validators', or a free one if that is taken (the devnet may
        // have moved off taken defaults too).
        const { pickPorts } = await import("../devnet/ports.ts");
        const rpcs = layout.nodes.map((n) => portOf(n.rpcUrl, /:(\d+)\/?$/));
        const p2ps = layout.nodes.map((n) => portOf(n.p2pAddress, /\/tcp\/(\d+)\//));
        const used = new Set([...rpcs, ...p2ps]);
        rpcPort = o.rpcPort ?? (await pickPorts(Math.max(...rpcs) + 1, 1, used)).ports[0]!;
        used.add(rpcPort);
        p2pPort = o.p2pPort ?? (await pickPorts(Math.max(...p2ps) + 1, 1, used)).ports[0]!;
        try {
          const c0 = JSON.parse(readFileSync(homePaths(node0.home).config, "utf8")) as NodeConfig;
          timing = { blockTimeMs: c0.blockTimeMs, bft: c0.bft };
        } catch {
          // A devnet whose node 0 config is unreadable: keep the node defaults.
        }
      }
      if (!peers.length) throw new CliError("CLI_BAD_OPTION", "no bootstrap peer: pass --peer <multiaddr> (a validator's /ip4/…/tcp/…/p2p/<peer id>)");
      let genesisText: string;
      let chainId: string;
      try {
        genesisText = readFileSync(genesisFile!, "utf8");
        chainId = (JSON.parse(genesisText) as { chainId: string }).chainId;
      } catch (e) {
        throw new CliError("CLI_FILE", `cannot read the genesis ${genesisFile}: ${(e as Error).message}`);
      }
      if (typeof chainId !== "string") throw new CliError("CLI_FILE", `${genesisFile} has no chainId: is it a genesis.json?`);

      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(p.genesis, genesisText);
      if (!existsSync(p.validatorKey)) {
        writeFileSync(p.validatorKey, JSON.stringify({ scheme: "ed25519", secretKey: randomBytes(32).toString("hex") }, null, 2) + "\n", { mode: 0o600 });
      }
      const p2pAddress = await app.p2pIdentity(home, o.p2pHost, p2pPort);
      const config: NodeConfig = {
        ...base,
        ...timing,
        moniker: o.moniker ?? basename(home),
        consensus: "bft",
        rpc: { ...base.rpc, port: rpcPort },
        p2p: { host: o.p2pHost, port: p2pPort, bootstrap: peers },
        verifyThreads: 1,
      };
      writeFileSync(p.config, JSON.stringify(config, null, 2) + "\n");
      const v = await readHomeValidator(home);
      const rpcUrl = `http://127.0.0.1:${rpcPort}`;
      const bin = app.chain.binary;
      output(o.json, { home, chainId, address: v.address, publicKey: v.publicKey, rpcUrl, p2pAddress, bootstrap: peers }, () =>
        [
          table([
            ["home", home],
            ["chainId", chainId],
            ["address", `${v.address}  (validator operator: fund this address)`],
            ["pubkey", v.publicKey],
            ["rpc", rpcUrl],
            ["p2p", p2pAddress],
            ["peers", peers.join("\n" + " ".repeat(9))],
          ]),
          "",
          `Start it with: ${bin} --home ${home} start`,
          `Then, to validate: ${bin} --home ${home} keys import-validator   (docs/validators.md)`,
        ].join("\n"),
      );
    });
}

/** Adds show-validator, join and `keys import-validator` to a chain's command tree. */
export function addValidatorCommands(program: Command, app: ChainApp): void {
  program.addCommand(showValidatorCommand());
  program.addCommand(joinCommand(app));
  program.commands.find((c) => c.name() === "keys")?.addCommand(importValidatorKeyCommand());
}
