import type { GenesisDoc } from "../app/application.ts";
import type { ChainModule } from "./types.ts";
import { ModulesErrors } from "./errors.ts";

/**
 * A chain built with the framework, as data: which modules it runs, in which order their
 * hooks run, the denominations people type, how its genesis files are made. The runtime
 * (node, CLI, devnet) takes one of these and never names a module itself; the reference
 * NexusOS chain is chains/nexus/chain.ts.
 */
export interface ChainDefinition {
  /** Shown in help and logs ("NexusOS"). */
  readonly name: string;
  /** The command that runs this chain ("nexus"). */
  readonly binary: string;
  /**
   * The modules of a node running `consensus`: a chain may run modules only with BFT (the
   * consensus module records commits and evidence, which a single-validator chain has none of).
   */
  modules(consensus: ConsensusMode): ChainModule[];
  /**
   * Hook order by module name: the named modules run first, in this order; any module not
   * named runs after them in dependency order. Name a module where its order matters.
   */
  readonly order?: HookOrder;
  /** Denominations with a display unit, so people can type "1.5NXT". The first is the fee denomination. */
  readonly denoms: readonly DenomUnit[];
  /** Genesis files: a dev chain's and a validator network's. */
  readonly genesis: ChainGenesis;
  /** The dev chain `start --dev` creates. */
  readonly dev: DevChainSpec;
  /** Accounts whose rights are set by the chain rather than by keys (docs/modules.md). */
  readonly accounts?: ChainAccounts;
}

export type ConsensusMode = "single" | "bft";

export interface HookOrder {
  readonly initGenesis?: readonly string[];
  readonly beginBlock?: readonly string[];
  readonly endBlock?: readonly string[];
}

export interface DenomUnit {
  /** Base denomination on chain ("nxt"). */
  readonly base: string;
  /** Display unit people type and read ("NXT"). */
  readonly display: string;
  /** base units per display unit = 10^decimals. */
  readonly decimals: number;
}

export interface FundedAccount {
  readonly address: string;
  /** Base units of the fee denomination. */
  readonly amount: bigint;
  /** The dev key's name, for dev genesis roles (the chain's attestor key, say). */
  readonly name?: string;
}

export interface GenesisValidator {
  /** Operator address (= consensus signer address). */
  readonly operator: string;
  /** 32-byte Ed25519 consensus public key, hex. */
  readonly consensusPubKey: string;
  /** Declared spectral band 1..7. */
  readonly band: number;
  readonly moniker: string;
  /** Self-delegation, base units of the fee denomination. */
  readonly stake: bigint;
}

export interface ChainGenesis {
  /** A single-validator chain with these funded accounts. */
  dev(o: { chainId: string; genesisTime: number; accounts: readonly FundedAccount[] }): GenesisDoc;
  /** A validator network: the validators bonded at genesis, each operator funded for fees. */
  /** `devnet`: a local development network (`nexus devnet`): the chain may choose dev-speed periods. */
  network(o: { chainId: string; genesisTime: number; validators: readonly GenesisValidator[]; accounts: readonly FundedAccount[]; devnet?: boolean }): GenesisDoc;
}

export interface DevChainSpec {
  readonly chainId: string;
  readonly devnetChainId: string;
  /** Keys made by `init --dev` and funded with `keyBalance` base units each. */
  readonly keyNames: readonly string[];
  readonly keyBalance: bigint;
  /** Self-delegation of each devnet validator, base units. */
  readonly validatorStake: bigint;
}

export interface ChainAccounts {
  /** Address allowed to send each module's privileged messages (MsgUpdateParams…): governance's account by default. */
  readonly authority: string;
  /** Module-account permissions bank enforces: who may mint, burn or hold bonded stake. */
  readonly permissions: Readonly<Record<string, readonly ModulePermission[]>>;
}

export type ModulePermission = "minter" | "burner" | "staking";

export class ChainDefinitionError extends ModulesErrors<"CHAIN_INVALID"> {
  constructor(message: string) {
    super("CHAIN_INVALID", message);
  }
}

/**
 * Check a chain definition once, where it is written, so a typo in a hook order or a
 * duplicate denomination fails when the binary starts, not in the middle of a block.
 */
export function defineChain<C extends ChainDefinition>(c: C): C {
  if (c.denoms.length === 0) throw new ChainDefinitionError(`chain ${c.name}: denoms must name at least the fee denomination`);
  const bases = new Set<string>();
  for (const d of c.denoms) {
    if (bases.has(d.base)) throw new ChainDefinitionError(`chain ${c.name}: denomination "${d.base}" is listed twice`);
    if (!Number.isInteger(d.decimals) || d.decimals < 0 || d.decimals > 18) throw new ChainDefinitionError(`chain ${c.name}: ${d.base} decimals must be 0..18`);
    bases.add(d.base);
  }
  const names = new Set([...c.modules("single"), ...c.modules("bft")].map((m) => m.name));
  for (const [hook, list] of Object.entries(c.order ?? {}) as [keyof HookOrder, readonly string[] | undefined][]) {
    if (!list) continue;
    const unknown = list.filter((n) => !names.has(n));
    if (unknown.length) throw new ChainDefinitionError(`chain ${c.name}: order.${hook} names ${unknown.map((n) => `"${n}"`).join(", ")}, which the chain does not run (modules: ${[...names].join(", ")})`);
    const dup = list.find((n, i) => list.indexOf(n) !== i);
    if (dup) throw new ChainDefinitionError(`chain ${c.name}: order.${hook} names "${dup}" twice`);
  }
  return c;
}

/** The hook order of the loaded modules: those `order` names first, in its order, then the rest as loaded. */
export function orderedNames(loaded: readonly string[], order: readonly string[] | undefined): string[] {
  if (!order) return [...loaded];
  const named = order.filter((n) => loaded.includes(n));
  return [...named, ...loaded.filter((n) => !named.includes(n))];
}
