/** Test helpers of the Substrate family: validators' keys, families on a test chain, a NexusOS stand-in for upkeep. */
import type { Logger } from "pino";
import type { ApiPromise } from "@polkadot/api";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { OutboundView } from "../core/nexus.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { AttestationKeys } from "../core/attestation-keys.ts";
import { createSubstrateFamily, type SubstrateFamily } from "./family.ts";
import { SubstrateKey } from "./keys.ts";

/** An account's balance of asset `assetId` (0 without an account), in base units. */
export async function assetBalance(api: ApiPromise, assetId: string | number, account: string): Promise<bigint> {
  return BigInt(((await api.query.assets.account(assetId, account)).toJSON() as { balance?: number | string } | null)?.balance ?? 0);
}

/** Asset `assetId`'s total supply, in base units. */
export async function assetSupply(api: ApiPromise, assetId: string | number): Promise<bigint> {
  return BigInt(((await api.query.assets.asset(assetId)).toJSON() as { supply: number | string }).supply);
}

/** Validator n's substrate attestation seed, deterministic. */
export const substrateValidatorSeed = (n: number): Uint8Array => sha256(utf8(`substrate-attestation-key-${n}`));

export async function substrateValidatorKey(n: number): Promise<SubstrateKey> {
  await cryptoWaitReady();
  return new SubstrateKey(substrateValidatorSeed(n));
}

/** A family on the chain at `wsUrl` with the multisig of `validators` pinned; with `signer`, validator n's key. */
export async function substrateFamilyOn(o: {
  wsUrl: string;
  ss58Prefix: number;
  validators: readonly number[];
  signer?: number;
  logger: Logger;
  assetId?: string;
  confirmations?: number;
  options?: Record<string, unknown>;
  role?: "watcher" | "relayer";
  /** Follow NexusOS's key set through `query` (no pinned multisig). */
  follow?: { query: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T>; dataDir?: string };
}): Promise<SubstrateFamily> {
  const keys = await Promise.all(o.validators.map(substrateValidatorKey));
  const env: NodeJS.ProcessEnv = o.signer === undefined ? {} : { SUBSTRATE_TEST_KEY: toHex(substrateValidatorSeed(o.signer)) };
  return createSubstrateFamily(
    { name: "assethub", options: { wsUrl: o.wsUrl, ...(o.follow ? {} : { multisig: { publicKeys: keys.map((k) => k.publicKeyHex) } }), ...(o.signer === undefined ? {} : { validatorKey: { env: "SUBSTRATE_TEST_KEY" } }), ...o.options } },
    { logger: o.logger, env, ...(o.role ? { role: o.role } : {}), ...(o.follow ? { query: o.follow.query, ...(o.follow.dataDir ? { dataDir: o.follow.dataDir } : {}) } : {}), settings: { ss58Prefix: o.ss58Prefix, assetId: o.assetId ?? "1984", confirmations: o.confirmations ?? 0 } },
  );
}

/** What a watcher's pass hands the family's upkeep, with NexusOS's open outbound transfers and clock set by the test. */
export class FakeNexus {
  outbound: OutboundView[] = [];
  now = Math.floor(Date.now() / 1000);
  /** bridge/attestationKeys {family: "substrate"}: set with keyValidators(). */
  keys: AttestationKeys | undefined;

  /** NexusOS's substrate key set: validators `ns`, equal power, all keyed. */
  async keyValidators(ns: readonly number[]): Promise<void> {
    const keys = await Promise.all(ns.map(async (n) => ({ validator: `nxsvalidator${n}`, key: (await substrateValidatorKey(n)).publicKeyHex, power: "100" })));
    this.keys = { family: "substrate", height: 1, totalPower: String(100 * ns.length), keyedPower: String(100 * ns.length), keys, missing: [] };
  }

  /** NexusOS's queries the family asks for outside upkeep. */
  query = async <T>(path: string, params: Record<string, unknown> = {}): Promise<T> => {
    if (path === "bridge/attestationKeys" && this.keys) return this.keys as T;
    if (path === "bridge/pendingOutbound") {
      const items = this.outbound.filter((x) => x.chain === params.chain && x.seq > Number(params.after ?? 0));
      return { items, next: null } as T;
    }
    throw new Error(`FakeNexus: no query ${path}`);
  };

  upkeep(validator = "nxs-validator"): FamilyUpkeep {
    return {
      role: "watcher",
      validator,
      nowSeconds: async () => this.now,
      query: <T>(path: string, params: Record<string, unknown>): Promise<T> => this.query<T>(path, params),
    };
  }

  /** Adds an open outbound transfer; returns it. */
  add(o: { seq: number; recipient: string; amount: bigint; expiresAt?: number; chain?: string }): OutboundView {
    const v = {
      chain: o.chain ?? "assethub",
      seq: o.seq,
      transferId: toHex(sha256(utf8(`substrate-transfer-${o.seq}-${Date.now()}-${Math.random()}`))),
      sender: "nxs1sender",
      recipient: o.recipient,
      amount: o.amount.toString(),
      expiresAt: o.expiresAt ?? this.now + 3600,
      status: "pending",
      signatures: [],
      signedPower: "0",
      totalPower: "4",
      passes: false,
      results: [],
    } as unknown as OutboundView;
    this.outbound.push(v);
    return v;
  }
}
