import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { Keyring, DEV_PASSPHRASE } from "../crypto/keystore.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { addressFor } from "../crypto/address.ts";
import { fromHex, toHex } from "../crypto/hash.ts";
import { ModuleManager } from "../modules/manager.ts";
import { defaultNodeConfig } from "./config.ts";
import { buildGenesis } from "./genesis.ts";
import { referenceModules } from "./reference-chain.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { NXT } from "../../modules/bank/params.ts";
import { NodeErrors } from "./errors.ts";

/** Layout of a node home directory. */
export const homePaths = (home: string) =>
  ({
    config: join(home, "config.json"),
    genesis: join(home, "genesis.json"),
    validatorKey: join(home, "validator-key.json"),
    keys: join(home, "keys"),
    data: join(home, "data"),
  }) as const;

export const DEV_CHAIN_ID = "nexus-dev-1";
/** Dev keys funded by the dev genesis, on top of the SPEC allocation to module accounts. */
export const DEV_KEY_NAMES = ["alice", "bob", "carol"] as const;
export const DEV_KEY_BALANCE = 10_000_000n * NXT;

export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.NEXUS_HOME ?? join(homedir(), ".nexus"));
}

export class HomeError extends NodeErrors<"HOME_EXISTS"> {
  constructor(message: string) {
    super("HOME_EXISTS", message);
  }
}

export function isInitialised(home: string): boolean {
  return existsSync(homePaths(home).genesis);
}

/** The validator's signing key: unencrypted like CometBFT's priv_validator_key.json, mode 0600. */
export function readValidatorKey(home: string): { address: string; publicKey: Uint8Array; secretKey: Uint8Array } {
  const raw = JSON.parse(readFileSync(homePaths(home).validatorKey, "utf8")) as { scheme: string; secretKey: string };
  const kp = ed25519.generate(fromHex(raw.secretKey));
  return { address: addressFor(ed25519.id, kp.publicKey), publicKey: kp.publicKey, secretKey: kp.secretKey };
}

/**
 * `nexus init`: config.json with every default written out, a validator key, a genesis.json.
 * With `dev`, also three dev keys (alice, bob, carol) in the keyring under the documented
 * insecure dev passphrase, each funded with 10 000 000 NXT.
 */
export async function initHome(opts: { home: string; chainId?: string; dev?: boolean; force?: boolean }): Promise<{
  home: string;
  chainId: string;
  devKeys: { name: string; address: string; mnemonic: string }[];
}> {
  const home = resolveHome(opts.home);
  const p = homePaths(home);
  if (isInitialised(home) && !opts.force) {
    throw new HomeError(`${home} is already initialised (genesis.json exists); use --force to overwrite it, or pick another --home`);
  }
  if (opts.force && existsSync(p.data)) {
    throw new HomeError(`${home} has chain data in ${p.data}; remove that directory first if you really want a new chain there`);
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const chainId = opts.chainId ?? DEV_CHAIN_ID;
  const config = { ...defaultNodeConfig(), moniker: opts.dev ? "nexus-dev" : "nexus-node", checkInvariants: opts.dev ?? false };
  writeFileSync(p.config, JSON.stringify(config, null, 2) + "\n");
  const seed = new Uint8Array(randomBytes(32));
  writeFileSync(p.validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(seed) }, null, 2) + "\n", { mode: 0o600 });

  const devKeys: { name: string; address: string; mnemonic: string }[] = [];
  const bank = defaultBankGenesis();
  if (opts.dev) {
    const ring = new Keyring(p.keys);
    for (const name of DEV_KEY_NAMES) {
      const { info, mnemonic } = ring.add(name, DEV_PASSPHRASE, { dev: true, force: true });
      devKeys.push({ name, address: info.address, mnemonic });
      bank.balances.push({ address: info.address, coins: [{ denom: "nxt", amount: DEV_KEY_BALANCE.toString() }] });
    }
  }
  const genesis = buildGenesis(chainId, Date.now(), new ModuleManager(referenceModules()), { bank });
  writeFileSync(p.genesis, JSON.stringify(genesis, null, 2) + "\n");
  return { home, chainId, devKeys };
}
