import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { Keyring, DEV_PASSPHRASE } from "../crypto/keystore.ts";
import { ed25519 } from "../crypto/ed25519.ts";
import { addressFor } from "../crypto/address.ts";
import { fromHex, toHex } from "../crypto/hash.ts";
import type { ChainDefinition } from "../modules/chain.ts";
import { defaultNodeConfig } from "./config.ts";
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
 * `nexus init`: config.json with every default written out, a validator key, a genesis.json
 * made by the chain. With `dev`, also the chain's dev keys (alice, bob, carol on NexusOS) in
 * the keyring under the documented insecure dev passphrase, each funded by the dev genesis.
 */
export async function initHome(chain: ChainDefinition, opts: { home: string; chainId?: string; dev?: boolean; force?: boolean }): Promise<{
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
  const chainId = opts.chainId ?? chain.dev.chainId;
  const config = { ...defaultNodeConfig(), moniker: opts.dev ? "nexus-dev" : "nexus-node", checkInvariants: opts.dev ?? false };
  writeFileSync(p.config, JSON.stringify(config, null, 2) + "\n");
  const seed = new Uint8Array(randomBytes(32));
  writeFileSync(p.validatorKey, JSON.stringify({ scheme: ed25519.id, secretKey: toHex(seed) }, null, 2) + "\n", { mode: 0o600 });

  const devKeys = opts.dev ? createDevKeys(chain, p.keys) : [];
  const genesis = chain.genesis.dev({ chainId, genesisTime: Date.now(), accounts: devKeys.map((k) => ({ address: k.address, amount: chain.dev.keyBalance, name: k.name })) });
  writeFileSync(p.genesis, JSON.stringify(genesis, null, 2) + "\n");
  return { home, chainId, devKeys };
}

/** The chain's dev keys in a keyring, under the documented insecure dev passphrase. */
export function createDevKeys(chain: ChainDefinition, keysDir: string): { name: string; address: string; mnemonic: string }[] {
  const ring = new Keyring(keysDir);
  return chain.dev.keyNames.map((name) => {
    const { info, mnemonic } = ring.add(name, DEV_PASSPHRASE, { dev: true, force: true });
    return { name, address: info.address, mnemonic };
  });
}
