import { join } from "node:path";
import type { FromSchema } from "json-schema-to-ts";
import type { Logger } from "pino";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import type { AttestationKeys } from "../core/attestation-keys.ts";
import { SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import { loadSubstrateKey, type KeySource } from "./keys.ts";
import { KEY_SOURCE_SCHEMA, keySourceOf } from "../core/secret-key.ts";
import { bridgeMultisig, multisigFromAttestationKeys, type BridgeMultisig } from "./multisig.ts";
import type { BridgedAsset } from "./release.ts";
import { MultisigSets } from "./sets.ts";
import { SubstrateDestinationSigner } from "./signer.ts";
import { SubstrateSourceWatcher, accountHex } from "./source.ts";
import { SubstrateDestinationSubmitter } from "./submitter.ts";
import { MultisigUpkeep } from "./upkeep.ts";


/** Options of one Substrate chain in watcher.yaml (docs/bridges.md "Polkadot"). */
export const substrateFamilyOptionsSchema = {
  $id: "https://nexusos.dev/schemas/bridges.substrate.v1.Options.json",
  type: "object",
  properties: {
    wsUrl: { type: "string", pattern: "^wss?://", description: "the chain's WebSocket JSON-RPC (an Asset Hub node or a chopsticks fork)" },
    confirmations: { type: "integer", minimum: 0, maximum: 10_000, description: "blocks below the finalized head before a deposit is read (default: NexusOS's confirmations of the chain)" },
    multisig: {
      type: "object",
      description: "pins the bridge multisig (default: built from NexusOS's bridge/attestationKeys {family: substrate} at start)",
      properties: {
        publicKeys: { type: "array", items: { type: "string", pattern: "^(0x)?[0-9a-fA-F]{64}$" }, minItems: 2, maxItems: 100 },
        threshold: { type: "integer", minimum: 2, maximum: 100, description: "default: the smallest k with 3k > 2n" },
      },
      required: ["publicKeys"],
      additionalProperties: false,
    },
    previousMultisigs: {
      type: "array",
      description: "earlier bridge multisigs this watcher's data directory may not know (their signatories hand the asset over after a key-set change)",
      items: {
        type: "object",
        properties: { publicKeys: { type: "array", items: { type: "string", pattern: "^(0x)?[0-9a-fA-F]{64}$" }, minItems: 2, maxItems: 100 }, threshold: { type: "integer", minimum: 2, maximum: 100 } },
        required: ["publicKeys"],
        additionalProperties: false,
      },
      maxItems: 64,
    },
    multisigAddress: { type: "string", minLength: 1, description: "when given, the multisig's account (SS58 or 0x hex) must be this one (a rotated key set changes it)" },
    allowWeakKeyedSet: { type: "boolean", description: "accept substrate keys held by at most 2/3 of NexusOS's power (tests, devnets)" },
    validatorKey: { ...KEY_SOURCE_SCHEMA, description: "the validator's substrate attestation key (sr25519 seed): its account approves releases" },
    requestTimeoutMs: { type: "integer", minimum: 100, maximum: 600_000, description: "one RPC request (default 30 000)" },
    reapproveAfterMs: { type: "integer", minimum: 0, maximum: 86_400_000, description: "after a release executed with a failed call, wait this long before approving it again (default 600 000)" },
  },
  required: ["wsUrl"],
  additionalProperties: false,
} as const;

export type SubstrateFamilyOptions = FromSchema<typeof substrateFamilyOptionsSchema>;

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

export function parseSubstrateFamilyOptions(chain: string, options: unknown): SubstrateFamilyOptions {
  validate ??= createAjv().compile(substrateFamilyOptionsSchema);
  if (!validate(options)) throw new PolkadotError("POLKADOT_CONFIG_INVALID", `bridge chain "${chain}": ${describeAjvErrors(validate.errors, "options")}`, { chain });
  return options as SubstrateFamilyOptions;
}

/** NexusOS's settings of a substrate chain (bridge/chain). */
export interface SubstrateChainSettings {
  readonly ss58Prefix: number;
  readonly assetId: string;
  readonly receiptCollection?: string;
  readonly confirmations: number;
}

export interface SubstrateFamily {
  readonly client: SubstrateChain;
  /** The multisig of NexusOS's key set at start (the options' pin, or bridge/attestationKeys). */
  readonly multisig: BridgeMultisig;
  /** Every bridge multisig known: the current one and those it replaced. */
  readonly sets: MultisigSets;
  readonly asset: BridgedAsset;
  readonly source: SubstrateSourceWatcher;
  readonly submitter: SubstrateDestinationSubmitter;
  readonly signer?: SubstrateDestinationSigner;
  readonly upkeep?: MultisigUpkeep;
  close(): Promise<void>;
}

/**
 * The Substrate family for one configured chain (a watcher's: a relayer has nothing to carry to
 * a Substrate chain and is refused with how to fix its config). Options are validated, the key
 * loaded, the multisig built (from `multisig`, else NexusOS's substrate attestation keys) and
 * the chain connected and checked now, so a bad config fails at start.
 */
export async function createSubstrateFamily(
  chain: { name: string; options: unknown },
  ctx: {
    logger: Logger;
    settings: SubstrateChainSettings;
    role?: "watcher" | "relayer";
    env?: NodeJS.ProcessEnv;
    query?: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T>;
    /** Where the family keeps multisigs.json (the multisigs it has known); none: in memory only. */
    dataDir?: string;
  },
): Promise<SubstrateFamily> {
  const o = parseSubstrateFamilyOptions(chain.name, chain.options);
  const bad = (msg: string) => new PolkadotError("POLKADOT_CONFIG_INVALID", `bridge chain "${chain.name}": ${msg}`, { chain: chain.name });
  if (ctx.role === "relayer") {
    throw new PolkadotError(
      "POLKADOT_NO_RELAYER_ROLE",
      `bridge chain "${chain.name}" is a Substrate chain: releases there are executed by the validators' own multisig approvals (their watchers), so a relayer has nothing to carry; remove the chain from the relayer's config`,
      { chain: chain.name },
    );
  }
  const logger = ctx.logger.child({ family: "substrate", chain: chain.name });
  const s = ctx.settings;
  const pinned = o.multisig ? bridgeMultisig(o.multisig.publicKeys, s.ss58Prefix, o.multisig.threshold) : undefined;
  const fromNexus = async (query: <T>(path: string, params: Record<string, unknown>) => Promise<T>) =>
    multisigFromAttestationKeys(await query<AttestationKeys>("bridge/attestationKeys", { family: "substrate" }), s.ss58Prefix, { allowWeakKeyedSet: o.allowWeakKeyedSet ?? false });
  if (!pinned && !ctx.query) throw bad("no multisig in the options and no NexusOS to read bridge/attestationKeys from");
  const multisig = pinned ?? (await fromNexus((path, params) => ctx.query!(path, params)));
  const sets = new MultisigSets({
    ss58Prefix: s.ss58Prefix,
    ...(ctx.dataDir ? { file: join(ctx.dataDir, "multisigs.json") } : {}),
    initial: [...(o.previousMultisigs ?? []).map((p) => bridgeMultisig(p.publicKeys, s.ss58Prefix, p.threshold)), multisig],
  });
  if (o.multisigAddress !== undefined) {
    let want: string;
    try {
      want = accountHex(o.multisigAddress);
    } catch {
      throw bad(`multisigAddress "${o.multisigAddress}" is neither SS58 nor 0x and 64 hex digits`);
    }
    if (want !== multisig.account) {
      throw new PolkadotError(
        "POLKADOT_MULTISIG_MISMATCH",
        `bridge chain "${chain.name}": the multisig of the keys is ${multisig.address} (${multisig.threshold} of ${multisig.members.length}), not the configured multisigAddress ${o.multisigAddress}: the key set changed (pin the old keys with options.multisig until the asset is handed over), or fix multisigAddress`,
        { built: multisig.address, configured: o.multisigAddress },
      );
    }
  }
  const key = o.validatorKey === undefined ? undefined : await loadSubstrateKey(keySourceOf(o.validatorKey as string | KeySource), `bridge chain "${chain.name}" validatorKey`, { logger, ...(ctx.env ? { env: ctx.env } : {}) });
  const client = await SubstrateChain.connect({ chain: chain.name, wsUrl: o.wsUrl, ss58Prefix: s.ss58Prefix, logger, ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}) });
  try {
    const asset: BridgedAsset = { assetId: s.assetId, receiptCollection: s.receiptCollection ?? s.assetId };
    const confirmations = o.confirmations ?? s.confirmations;
    const source = new SubstrateSourceWatcher({ chain: chain.name, client, assetId: s.assetId, isBridgeAccount: (a) => sets.has(a), confirmations, logger });
    const submitter = new SubstrateDestinationSubmitter({ client, asset });
    let signer: SubstrateDestinationSigner | undefined;
    let upkeep: MultisigUpkeep | undefined;
    if (key) {
      signer = new SubstrateDestinationSigner({ client, asset, key });
      upkeep = new MultisigUpkeep({
        client,
        asset,
        pair: key.pair,
        sets,
        current: pinned ? async () => pinned : (u) => fromNexus((path, params) => u.query(path, params)),
        logger,
        ...(o.reapproveAfterMs !== undefined ? { reapproveAfterMs: o.reapproveAfterMs } : {}),
      });
      logger.info({ key: key.publicKeyHex, account: key.pair.address }, "Substrate signatory enabled");
      if (!multisig.members.includes(key.publicKeyHex)) logger.warn({ key: key.publicKeyHex, multisig: multisig.address }, "this validator's key is not a signatory of the current bridge multisig: it approves only for an older multisig it belongs to (handover), if any");
    }
    logger.info({ multisig: multisig.address, threshold: multisig.threshold, members: multisig.members.length, assetId: asset.assetId, receiptCollection: asset.receiptCollection, confirmations }, "Substrate family ready");
    return { client, multisig, sets, asset, source, submitter, ...(signer ? { signer } : {}), ...(upkeep ? { upkeep } : {}), close: () => client.close() };
  } catch (e) {
    await client.close();
    throw e;
  }
}

