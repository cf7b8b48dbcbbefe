/** Test helpers of the Cosmos family: validators' keys, the escrow, families on a target chain, captured logs. */
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import type { AttestationKeys } from "../core/attestation-keys.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { OutboundTransfer } from "../core/types.ts";
import { escrowMultisig, type EscrowMultisig } from "./escrow.ts";
import { createCosmosFamily, type CosmosFamily } from "./family.ts";
import { CosmosKey } from "./keys.ts";
import type { CosmosTarget } from "../../test/fixtures/cosmos-chain/index.ts";

/** Validator n's cosmos attestation secret, deterministic. */
export const cosmosValidatorSecret = (n: number): Uint8Array => sha256(utf8(`cosmos-attestation-key-${n}`));
export const cosmosValidatorKey = (n: number): string => new CosmosKey(cosmosValidatorSecret(n)).publicKeyHex;

export function testEscrow(validators: readonly number[], prefix: string): EscrowMultisig {
  return escrowMultisig(validators.map(cosmosValidatorKey), prefix);
}

export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[]; has(msg: RegExp): boolean } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines, has: (msg) => lines.some((l) => msg.test(String(l.msg))) };
}

/**
 * A family on `target` for chain `chain` with the escrow of `validators` pinned; with `signer`,
 * validator n's key; with `follow`, the escrow of NexusOS's keys (through `query`) instead, its
 * known escrows kept in `dataDir`.
 */
export function familyOn(
  target: CosmosTarget,
  o: {
    chain?: string;
    validators: readonly number[];
    signer?: number;
    logger: Logger;
    options?: Record<string, unknown>;
    confirmations?: number;
    chainId?: string;
    role?: "watcher" | "relayer";
    follow?: { query: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T>; dataDir?: string };
  },
): Promise<CosmosFamily> {
  const env: NodeJS.ProcessEnv = o.signer === undefined ? {} : { COSMOS_TEST_KEY: toHex(cosmosValidatorSecret(o.signer)) };
  return createCosmosFamily(
    {
      name: o.chain ?? "cosmos-local",
      options: {
        rpcUrl: target.rpcUrl,
        fee: { ...target.fee },
        gas: target.gas,
        ...(o.follow ? {} : { escrow: { publicKeys: o.validators.map(cosmosValidatorKey) } }),
        ...(o.signer === undefined ? {} : { validatorKey: { env: "COSMOS_TEST_KEY" } }),
        ...o.options,
      },
    },
    { logger: o.logger, env, ...(o.role ? { role: o.role } : {}), ...(o.follow ? { query: o.follow.query, ...(o.follow.dataDir ? { dataDir: o.follow.dataDir } : {}) } : {}), settings: { chainId: o.chainId ?? target.chainId, prefix: target.prefix, denom: target.denom, confirmations: o.confirmations ?? 1 } },
  );
}

let ids = 0;
/** An outbound record as NexusOS would hand it over. */
export function transfer(o: { chain?: string; seq: bigint; recipient: string; amount: bigint; expiresAt: bigint; kind?: "transfer" | "bhls" | "epoch" }): OutboundTransfer {
  return {
    destChain: o.chain ?? "cosmos-local",
    seq: o.seq,
    ...(o.kind ? { kind: o.kind } : {}),
    transferId: toHex(sha256(utf8(`transfer-${o.seq}-${++ids}-${Date.now()}`))),
    recipient: o.recipient,
    amount: o.amount,
    expiresAt: o.expiresAt,
  };
}

/** NexusOS's side as the family's upkeep sees it: its cosmos key set (keyValidators) and clock. */
export class FakeNexus {
  keys: AttestationKeys | undefined;
  now = Math.floor(Date.now() / 1000);

  /** NexusOS's cosmos key set: validators `ns`, equal power, all keyed. */
  keyValidators(ns: readonly number[]): void {
    const keys = ns.map((n) => ({ validator: `nxsvalidator${n}`, key: cosmosValidatorKey(n), power: "100" }));
    this.keys = { family: "cosmos", height: 1, totalPower: String(100 * ns.length), keyedPower: String(100 * ns.length), keys, missing: [] };
  }

  query = async <T>(path: string): Promise<T> => {
    if (path === "bridge/attestationKeys" && this.keys) return this.keys as T;
    throw new Error(`FakeNexus: no query ${path}`);
  };

  upkeep(role: "watcher" | "relayer" = "watcher"): FamilyUpkeep {
    return { role, ...(role === "watcher" ? { validator: "nxs-validator" } : {}), nowSeconds: async () => this.now, query: <T>(path: string): Promise<T> => this.query<T>(path) };
  }
}
