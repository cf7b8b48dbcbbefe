import { join } from "node:path";
import type { FromSchema } from "json-schema-to-ts";
import type { Logger } from "pino";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { SourceWatcher } from "../core/types.ts";
import { CosmosRpc } from "./client.ts";
import { escrowFromAttestationKeys, escrowMultisig, type AttestationKeys, type EscrowMultisig } from "./escrow.ts";
import { CosmosBridgeError } from "./errors.ts";
import { HandoverUpkeep } from "./handover.ts";
import { loadCosmosKey, type CosmosKey, type KeySource } from "./keys.ts";
import { Escrows, EscrowSets } from "./sets.ts";
import { KEY_SOURCE_SCHEMA, keySourceOf } from "../core/secret-key.ts";
import { CosmosDestinationSigner } from "./signer.ts";
import { CosmosSourceWatcher } from "./source.ts";
import { CosmosDestinationSubmitter, DEFAULT_MAX_UNORDERED_TIMEOUT_SECONDS } from "./submitter.ts";
import { bech32Problem, Releases, type CosmosChainSettings } from "./transfer.ts";

const pubkeyHex = { type: "string", pattern: "^0[23][0-9a-fA-F]{64}$" } as const;

/** Options of one Cosmos chain in the bridge processes' config (docs/bridges.md "Cosmos"). */
export const cosmosFamilyOptionsSchema = {
  $id: "https://nexusos.dev/schemas/bridges.cosmos.v1.Options.json",
  type: "object",
  properties: {
    rpcUrl: { type: "string", pattern: "^https?://", description: "CometBFT 0.38 RPC endpoint (http or https)" },
    chainId: { type: "string", minLength: 1, maxLength: 64, description: "default: NexusOS's cosmos.chainId of the chain; must equal it, and the node's" },
    confirmations: { type: "integer", minimum: 0, maximum: 10_000, description: "blocks on top of a block before it is read (default: NexusOS's confirmations of the chain)" },
    fee: {
      type: "object",
      description: "the release transaction's fee: part of what every validator signs, so the same in every validator's config",
      properties: {
        amount: { type: "string", pattern: "^[0-9]{1,30}$" },
        denom: { type: "string", pattern: "^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$" },
        granter: { type: "string", minLength: 1, description: "x/feegrant: this account pays the fee under an allowance it granted the escrow (default: the escrow pays)" },
      },
      required: ["amount", "denom"],
      additionalProperties: false,
    },
    gas: { type: "integer", minimum: 1, maximum: 100_000_000, description: "the release transaction's gas limit (default 200 000); signed too" },
    escrow: {
      type: "object",
      description: "pins the escrow multisig (default: built from NexusOS's bridge/attestationKeys {family: cosmos} at start)",
      properties: {
        publicKeys: { type: "array", items: pubkeyHex, minItems: 1, maxItems: 128 },
        threshold: { type: "integer", minimum: 1, maximum: 128, description: "default: the smallest k with 3k > 2n" },
      },
      required: ["publicKeys"],
      additionalProperties: false,
    },
    previousEscrows: {
      type: "array",
      description: "earlier escrow multisigs this process's data directory may not know: their funds are handed over to the current escrow, deposits to them are still read",
      items: {
        type: "object",
        properties: { publicKeys: { type: "array", items: pubkeyHex, minItems: 1, maxItems: 128 }, threshold: { type: "integer", minimum: 1, maximum: 128 } },
        required: ["publicKeys"],
        additionalProperties: false,
      },
      maxItems: 64,
    },
    escrowAddress: { type: "string", minLength: 1, description: "when given, the escrow multisig's address must be this one (a rotated key set changes the address)" },
    allowWeakKeyedSet: { type: "boolean", description: "accept attestation keys held by at most 2/3 of NexusOS's power (tests, devnets)" },
    validatorKey: { ...KEY_SOURCE_SCHEMA, description: "the validator's cosmos attestation key (secp256k1): enables the signer" },
    requestTimeoutMs: { type: "integer", minimum: 100, maximum: 600_000, description: "one RPC request (default 30 000)" },
    maxUnorderedTimeoutSeconds: { type: "integer", minimum: 1, maximum: 31_536_000, description: "the chain's bound on an unordered tx's timeout ahead of block time (SDK default 600)" },
  },
  required: ["rpcUrl", "fee"],
  additionalProperties: false,
} as const;

export type CosmosFamilyOptions = FromSchema<typeof cosmosFamilyOptionsSchema>;
export const DEFAULT_GAS = 200_000;

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

export function parseCosmosFamilyOptions(chain: string, options: unknown): CosmosFamilyOptions {
  validate ??= createAjv().compile(cosmosFamilyOptionsSchema);
  if (!validate(options)) throw new CosmosBridgeError("COSMOS_CONFIG_INVALID", `bridge chain "${chain}": ${describeAjvErrors(validate.errors, "options")}`, false);
  return options as CosmosFamilyOptions;
}

export interface CosmosFamily {
  readonly source: SourceWatcher;
  readonly submitter: CosmosDestinationSubmitter;
  readonly signer?: CosmosDestinationSigner;
  /** The escrow of NexusOS's key set at start (the options' pin, or bridge/attestationKeys). */
  readonly escrow: EscrowMultisig;
  /** The current escrow (followed each upkeep pass), every escrow known, and the holder releases go through. */
  readonly escrows: Escrows;
  /** Follows NexusOS's key set and hands the funds of older escrows over to the current one. */
  readonly upkeep: HandoverUpkeep;
  readonly rpc: CosmosRpc;
  close(): Promise<void>;
}

export interface CosmosFamilyContext {
  readonly logger: Logger;
  /** NexusOS's settings of the chain: cosmos { chainId, prefix, denom } and confirmations. */
  readonly settings: CosmosChainSettings & { readonly confirmations: number };
  /** NexusOS queries (bridge/attestationKeys): needed unless options.escrow pins the multisig. */
  readonly query?: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T>;
  readonly env?: NodeJS.ProcessEnv;
  readonly role?: "watcher" | "relayer";
  /** Where the family keeps escrows.json (the escrow multisigs it has known); none: in memory only. */
  readonly dataDir?: string;
}

/**
 * The Cosmos family for bridges/core, for one configured chain: a source watcher and a
 * submitter (status + submit; no key needed) always, a signer with `validatorKey`. The escrow
 * multisig is built now (from `escrow`, else NexusOS's cosmos attestation keys); options are
 * validated and keys loaded now (a bad config fails at start); the chain id (and the chain's
 * tx_sig_limit against the multisig's size) is checked on first use.
 */
export async function createCosmosFamily(chain: { name: string; options: unknown }, ctx: CosmosFamilyContext): Promise<CosmosFamily> {
  const o = parseCosmosFamilyOptions(chain.name, chain.options);
  const logger = ctx.logger.child({ family: "cosmos", chain: chain.name });
  const bad = (msg: string) => new CosmosBridgeError("COSMOS_CONFIG_INVALID", `bridge chain "${chain.name}": ${msg}`, false);
  const s = ctx.settings;
  if (o.chainId !== undefined && o.chainId !== s.chainId) throw bad(`options.chainId "${o.chainId}" is not NexusOS's cosmos.chainId "${s.chainId}" of the chain`);
  if (o.fee.granter !== undefined && bech32Problem(o.fee.granter, s.prefix)) throw bad(`fee.granter: ${bech32Problem(o.fee.granter, s.prefix)}`);

  const pinned = o.escrow ? escrowMultisig(o.escrow.publicKeys, s.prefix, o.escrow.threshold) : undefined;
  const fromNexus = async (query: <T>(path: string, params: Record<string, unknown>) => Promise<T>) =>
    escrowFromAttestationKeys(await query<AttestationKeys>("bridge/attestationKeys", { family: "cosmos" }), s.prefix, { allowWeakKeyedSet: o.allowWeakKeyedSet ?? false });
  if (!pinned && !ctx.query) throw bad("no escrow in the options and no NexusOS to read bridge/attestationKeys from");
  const escrow = pinned ?? (await fromNexus((path, params) => ctx.query!(path, params)));
  const mismatch = (e: EscrowMultisig, configured: string) =>
    new CosmosBridgeError(
      "COSMOS_ESCROW_MISMATCH",
      `bridge chain "${chain.name}": the escrow multisig of the keys is ${e.address} (${e.threshold} of ${e.members.length}), not the configured escrowAddress ${configured}: the key set changed (set escrowAddress to the new escrow: the old one, known from escrows.json or previousEscrows, then hands its funds over), or fix escrowAddress`,
      false,
      { built: e.address, configured },
    );
  if (o.escrowAddress !== undefined && o.escrowAddress !== escrow.address) throw mismatch(escrow, o.escrowAddress);

  const rpc = new CosmosRpc({ chain: chain.name, rpcUrl: o.rpcUrl, chainId: s.chainId, logger, multisigKeys: escrow.members.length, ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}) });
  const sets = new EscrowSets({
    prefix: s.prefix,
    ...(ctx.dataDir ? { file: join(ctx.dataDir, "escrows.json") } : {}),
    initial: (o.previousEscrows ?? []).map((p) => escrowMultisig(p.publicKeys, s.prefix, p.threshold)),
  });
  const escrows = new Escrows({
    sets,
    current: escrow,
    denom: s.denom,
    balance: (address, denom) => rpc.balance(address, denom),
    onChange: (from, to) =>
      logger.warn({ from: from.address, to: to.address, threshold: to.threshold, members: to.members.length }, "NexusOS's cosmos key set changed: a new escrow multisig; releases go on through the old one until its members hand the funds over"),
  });
  const confirmations = o.confirmations ?? s.confirmations;
  const fee = { amount: [{ denom: o.fee.denom, amount: o.fee.amount }], gas: BigInt(o.gas ?? DEFAULT_GAS), ...(o.fee.granter ? { granter: o.fee.granter } : {}) };
  const releases = new Releases({ chain: chain.name, rpc, escrows, settings: s, fee });
  const source = new CosmosSourceWatcher({ chain: chain.name, rpc, escrows: () => escrows.addresses(), denom: s.denom, confirmations, logger });
  const submitter = new CosmosDestinationSubmitter({ chain: chain.name, rpc, releases, confirmations, logger, maxUnorderedTimeoutSeconds: o.maxUnorderedTimeoutSeconds ?? DEFAULT_MAX_UNORDERED_TIMEOUT_SECONDS });
  let signer: CosmosDestinationSigner | undefined;
  let key: CosmosKey | undefined;
  if (o.validatorKey !== undefined) {
    const src = keySourceOf(o.validatorKey as string | KeySource);
    key = loadCosmosKey(src, `bridge chain "${chain.name}" validatorKey`, { logger, ...(ctx.env ? { env: ctx.env } : {}) });
    signer = new CosmosDestinationSigner({ chain: chain.name, key, releases });
    if (!signer.isMember) logger.warn({ key: signer.key, escrow: escrow.address }, "this validator's cosmos key is not a member of the escrow multisig: its signatures cannot count (register it, or the escrow predates it)");
    logger.info({ key: signer.key }, "Cosmos signer enabled");
  }
  const upkeep = new HandoverUpkeep({
    chain: chain.name,
    rpc,
    escrows,
    chainId: s.chainId,
    prefix: s.prefix,
    denom: s.denom,
    fee,
    ...(key ? { key } : {}),
    current: pinned
      ? async () => pinned
      : async (u: FamilyUpkeep) => {
          const e = await fromNexus((path, params) => u.query(path, params));
          if (o.escrowAddress !== undefined && e.address !== o.escrowAddress) throw mismatch(e, o.escrowAddress);
          return e;
        },
    logger,
  });
  const older = sets.all().filter((e) => e.address !== escrow.address);
  if (older.length) logger.info({ escrows: older.map((e) => e.address) }, "older escrow multisigs known: deposits to them are read, their funds handed over to the current escrow");
  logger.info({ escrow: escrow.address, threshold: escrow.threshold, members: escrow.members.length, chainId: s.chainId, denom: s.denom, confirmations, role: ctx.role }, "Cosmos family ready");
  return { source, submitter, ...(signer ? { signer } : {}), escrow, escrows, upkeep, rpc, close: async () => rpc.close() };
}
