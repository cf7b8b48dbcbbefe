import { isAddress, moduleAddress } from "../../runtime/crypto/address.ts";
import { defaultAuthority } from "./params.ts";

/**
 * What a module account may do beyond holding coins (Cosmos x/auth permissions):
 * "minter" may mint new coins into itself, "burner" may burn coins it holds, "staking" marks
 * the accounts that hold bonded or unbonding stake (informational: bank moves their coins
 * like any other account's).
 */
export type ModuleAccountPermission = "minter" | "burner" | "staking";

/** Module account name → its permissions. Given by the chain; names not listed have none. */
export type ModuleAccountPermissions = Readonly<Record<string, readonly ModuleAccountPermission[]>>;

const KNOWN: readonly ModuleAccountPermission[] = ["minter", "burner", "staking"];
const NAME = /^[a-z][a-z0-9_]{1,63}$/;

/**
 * The reference chain's table, one line per caller of mint/burn today:
 * - bonded_pool, not_bonded_pool (staking): slashing burns stake from them.
 * Nothing mints after genesis yet (genesis balances are credited by bank's own genesis, not
 * through a module account); staking rewards come from validator_pool by transfer, and fees
 * go to fee_collector by transfer, so those accounts need no permission.
 */
export function defaultModuleAccountPermissions(): ModuleAccountPermissions {
  return {
    bonded_pool: ["burner", "staking"],
    not_bonded_pool: ["burner", "staking"],
    distribution: [],
    validator_pool: [],
    fee_collector: [],
  };
}

/**
 * Module accounts that refuse coins from MsgSend and MsgMultiSend (Cosmos blockedAddrs): their
 * balances must equal what their modules account for (staking's pool invariants, the rewards
 * owed by distribution), so a stray transfer into one would break an invariant and halt the
 * chain. Treasury-like accounts (validator_pool, treasury, ...) may be funded by anyone.
 */
export function defaultBlockedAccounts(): string[] {
  return ["bonded_pool", "not_bonded_pool", "distribution", "fee_collector", "bank_multisend_escrow"];
}

/** What the chain gives the bank module (bound to BankTokens.Config). */
export interface BankConfig {
  /** Address allowed to send /bank.v1.MsgUpdateParams. */
  readonly authority: string;
  readonly permissions: ModuleAccountPermissions;
  /** Module account names. */
  readonly blockedAccounts: readonly string[];
  /**
   * Denomination prefix → the module that owns every denomination under it ("dex/" → "dex"
   * for LP shares). Only the owner's module account mints or burns them; MsgBurn refuses them,
   * so the owner's own accounting (a pool's LP supply) always equals the bank's supply.
   */
  readonly denomOwners: Readonly<Record<string, string>>;
}

export interface BankModuleOptions {
  authority?: string;
  permissions?: ModuleAccountPermissions;
  blockedAccounts?: readonly string[];
  denomOwners?: Readonly<Record<string, string>>;
}

/** Defaults filled in and every entry checked: a mistyped table fails at start-up, not in a block. */
export function bankConfig(opts: BankModuleOptions = {}): BankConfig {
  const authority = opts.authority ?? defaultAuthority();
  if (!isAddress(authority)) throw new Error(`bank: authority "${authority}" is not an address`);
  const permissions = opts.permissions ?? defaultModuleAccountPermissions();
  for (const [name, perms] of Object.entries(permissions)) {
    if (!NAME.test(name)) throw new Error(`bank: module account name "${name}" in the permission table is not a module name`);
    for (const p of perms) if (!KNOWN.includes(p)) throw new Error(`bank: module account ${name} has unknown permission "${p}" (known: ${KNOWN.join(", ")})`);
  }
  const blockedAccounts = [...(opts.blockedAccounts ?? defaultBlockedAccounts())];
  for (const name of blockedAccounts) if (!NAME.test(name)) throw new Error(`bank: blocked account "${name}" is not a module account name`);
  const denomOwners = { ...(opts.denomOwners ?? {}) };
  for (const [prefix, owner] of Object.entries(denomOwners)) {
    if (!/^[a-z][a-z0-9._-]*\/$/.test(prefix)) throw new Error(`bank: owned denomination prefix "${prefix}" must be a denomination start ending in "/" (e.g. "dex/")`);
    if (!NAME.test(owner)) throw new Error(`bank: owner "${owner}" of denominations "${prefix}…" is not a module account name`);
  }
  return { authority, permissions, blockedAccounts, denomOwners };
}

/** Lookups by name and by address, built once from a BankConfig. */
export class ModuleAccounts {
  private readonly byAddress = new Map<string, string>();
  private readonly blocked = new Set<string>();

  constructor(private readonly config: BankConfig) {
    for (const name of Object.keys(config.permissions)) this.byAddress.set(moduleAddress(name), name);
    for (const name of config.blockedAccounts) {
      this.byAddress.set(moduleAddress(name), name);
      this.blocked.add(moduleAddress(name));
    }
  }

  has(module: string, p: ModuleAccountPermission): boolean {
    return this.config.permissions[module]?.includes(p) ?? false;
  }

  /** The module account name of a listed address (undefined for keyed and unlisted accounts). */
  nameOf(address: string): string | undefined {
    return this.byAddress.get(address);
  }

  isBlocked(address: string): boolean {
    return this.blocked.has(address);
  }

  /** The module that owns `denom` (by prefix), or undefined for a denomination anyone may hold and burn. */
  ownerOf(denom: string): string | undefined {
    for (const [prefix, owner] of Object.entries(this.config.denomOwners)) if (denom.startsWith(prefix)) return owner;
    return undefined;
  }
}
