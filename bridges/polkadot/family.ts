import type { FromSchema } from "json-schema-to-ts";
import type { Logger } from "pino";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import type { AttestationKeys } from "../core/attestation-keys.ts";
import { MultisigApprover } from "./approvals.ts";
import { SubstrateChain } from "./chain.ts";
import { PolkadotError } from "./errors.ts";
import { loadSubstrateKey, type KeySource } from "./keys.ts";
import { KEY_SOURCE_SCHEMA, keySourceOf } from "../core/secret-key.ts";
import { bridgeMultisig, multisigFromAttestationKeys, type BridgeMultisig } from "./multisig.ts";
import type { BridgedAsset } from "./release.ts";
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
  readonly multisig: BridgeMultisig;
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
  ctx: { logger: Logger; settings: SubstrateChainSettings; role?: "watcher" | "relayer"; env?: NodeJS.ProcessEnv; query?: <T = unknown>(path: string, params?: Record<string, unknown>) => Promise<T> },
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
  let multisig: BridgeMultisig;
  if (o.multisig) multisig = bridgeMultisig(o.multisig.publicKeys, s.ss58Prefix, o.multisig.threshold);
  else {
    if (!ctx.query) throw bad("no multisig in the options and no NexusOS to read bridge/attestationKeys from");
    const ak = await ctx.query<AttestationKeys>("bridge/attestationKeys", { family: "substrate" });
    multisig = multisigFromAttestationKeys(ak, s.ss58Prefix, { allowWeakKeyedSet: o.allowWeakKeyedSet ?? false });
  }
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
    const asset: BridgedAsset = { assetId: s.assetId, receiptCollection: s.receiptCollection ?? s.assetId, multisig };
    const confirmations = o.confirmations ?? s.confirmations;
    const source = new SubstrateSourceWatcher({ chain: chain.name, client, assetId: s.assetId, multisigAccount: multisig.account, confirmations, logger });
    const submitter = new SubstrateDestinationSubmitter({ client, asset });
    let signer: SubstrateDestinationSigner | undefined;
    let upkeep: MultisigUpkeep | undefined;
    if (key) {
      const approver = new MultisigApprover(client, multisig, key.pair, logger);
      signer = new SubstrateDestinationSigner({ client, asset, key });
      upkeep = new MultisigUpkeep({ client, asset, approver, logger, ...(o.reapproveAfterMs !== undefined ? { reapproveAfterMs: o.reapproveAfterMs } : {}) });
      logger.info({ key: key.publicKeyHex, account: key.pair.address }, "Substrate signatory enabled");
    }
    logger.info({ multisig: multisig.address, threshold: multisig.threshold, members: multisig.members.length, assetId: asset.assetId, receiptCollection: asset.receiptCollection, confirmations }, "Substrate family ready");
    return { client, multisig, asset, source, submitter, ...(signer ? { signer } : {}), ...(upkeep ? { upkeep } : {}), close: () => client.close() };
  } catch (e) {
    await client.close();
    throw e;
  }
}

