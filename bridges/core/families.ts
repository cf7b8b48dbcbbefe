import type { Logger } from "pino";
import type { Msg } from "../../runtime/tx/envelope.ts";
import type { ChainSettings } from "../../modules/bridge/params.ts";
import { BridgeCoreError } from "./errors.ts";
import type { DestinationSigner, DestinationSubmitter, SourceWatcher } from "./types.ts";

/**
 * The family registry: a chain family (bridges/evm, later substrate and cosmos) registers a
 * factory under its name, and a config's `chains: [{ name, family, …options }]` entry is built
 * by it. The core never imports a family: the composition root (chains/nexus, a test) imports
 * the family's module, which calls registerFamily.
 */
export type BridgeRole = "watcher" | "relayer";

export interface FamilyContext {
  /** What the process needs: a watcher uses watcher + signer + submitter (status only); a relayer the submitter. */
  readonly role: BridgeRole;
  /** The chain's name (NexusOS's bridge module). */
  readonly chain: string;
  /** NexusOS's settings of the chain (bridge/chain): family, confirmations, evm { chainId, bridgeContract }… */
  readonly settings: ChainSettings;
  /** NexusOS's chain id (EIP-712 domains, transfer ids). */
  readonly nexusChainId: string;
  /** Directory of the config file: resolve relative paths in options (key files…) against it. */
  readonly configDir: string;
  /** A directory the family may keep its own files in (<dataDir>/<chain>). */
  readonly dataDir: string;
  readonly log: Logger;
  /** NexusOS's queries through the process's RPC client (e.g. bridge/attestationKeys: the cosmos family builds its escrow multisig from it). */
  readonly query?: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T>;
}

/**
 * What a family's upkeep may do each pass: read NexusOS (nexus_query), and, in a watcher, send a
 * message as its validator (a FEMTO transaction from the operator key).
 */
export interface FamilyUpkeep {
  readonly role: BridgeRole;
  query<T = unknown>(path: string, params: Record<string, unknown>): Promise<T>;
  /** NexusOS's time: its latest block's time, unix seconds (what outbound expiresAt is compared with). */
  nowSeconds(): Promise<number>;
  /** Watchers only: the validator's address, and a send that resolves with the receipt's code. */
  readonly validator?: string;
  send?(msg: Msg): Promise<{ codeName: string; log: string }>;
}

/** What a family builds for one configured chain. Members the role does not need may be absent. */
export interface FamilyChain {
  readonly watcher?: SourceWatcher;
  readonly submitter?: DestinationSubmitter;
  readonly signer?: DestinationSigner;
  /**
   * Work beyond transfers, run once per pass (EVM: keep NexusBridge's validator set equal to
   * NexusOS's). Throwing marks the chain's pass as failed, like a failed scan.
   */
  upkeep?(u: FamilyUpkeep): Promise<void>;
  /** Release connections, timers. */
  close?(): Promise<void>;
}

/**
 * `options`: the chain's config entry without the core's fields (name, family, startHeight,
 * maxBlockRange): the family validates them and throws an Error whose message says how to fix
 * the config (the core prefixes the chain's name).
 */
export type FamilyFactory = (options: Record<string, unknown>, ctx: FamilyContext) => FamilyChain | Promise<FamilyChain>;

const registry = new Map<string, FamilyFactory>();

/** Register `factory` for `family` ("evm"); a second registration needs `replace` (tests). */
export function registerFamily(family: string, factory: FamilyFactory, opts: { replace?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(family)) throw new TypeError(`family name "${family}" must be lowercase letters, digits and dashes`);
  if (registry.has(family) && !opts.replace) throw new TypeError(`family "${family}" is already registered`);
  registry.set(family, factory);
}

export function unregisterFamily(family: string): void {
  registry.delete(family);
}

export function registeredFamilies(): string[] {
  return [...registry.keys()].sort();
}

export function familyFactory(family: string): FamilyFactory {
  const f = registry.get(family);
  if (!f) {
    const known = registeredFamilies();
    throw new BridgeCoreError(
      "BRIDGECORE_UNKNOWN_FAMILY",
      `no chain family "${family}" is registered (known: ${known.length ? known.join(", ") : "none"}); the program must import the family's module (bridges/${family}) before starting`,
      { family },
    );
  }
  return f;
}
