import type { FromSchema } from "json-schema-to-ts";
import type { Logger } from "pino";
import { createPublicClient, createWalletClient, getAddress, http, type Account, type Address, type Chain, type Transport, type WalletClient } from "viem";
import { createAjv, describeAjvErrors } from "../../runtime/modules/schemas.ts";
import type { FamilyUpkeep } from "../core/families.ts";
import type { DestinationSigner, DestinationSubmitter, SourceWatcher } from "../core/types.ts";
import { checkBridge, evmChain, once, type CheckedBridge } from "./client.ts";
import { EvmBridgeError } from "./errors.ts";
import { loadEvmAccount, type KeySource } from "./keys.ts";
import { KEY_SOURCE_SCHEMA, keySourceOf } from "../core/secret-key.ts";
import { EvmDestinationSigner } from "./signer.ts";
import { EvmSourceWatcher } from "./source.ts";
import { EvmDestinationSubmitter } from "./submitter.ts";
import { validatorSetUpkeep } from "./set-sync.ts";

const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;

/** Options of one EVM chain in the bridge processes' config (docs/bridges.md "EVM"). */
export const evmFamilyOptionsSchema = {
  $id: "https://nexusos.dev/schemas/bridges.evm.v1.Options.json",
  type: "object",
  properties: {
    rpcUrl: { type: "string", pattern: "^https?://", description: "JSON-RPC endpoint (http or https)" },
    chainId: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "checked against eth_chainId and the bridge's EIP-712 domain" },
    bridgeAddress: { ...address, description: "NexusBridge v2" },
    wnxtAddress: { ...address, description: "optional: checked against the bridge's wnxt()" },
    confirmations: {
      type: "integer",
      minimum: 0,
      maximum: 10_000,
      description: "blocks on top before a block is read: default 2 on Hardhat/dev chains (31337, 1337), 12 elsewhere; 12+ on mainnets (64 for Ethereum's finality)",
    },
    maxBlockRange: { type: "integer", minimum: 1, maximum: 1_000_000, description: "largest eth_getLogs range (default 1000; halved automatically when the RPC refuses)" },
    relayerKey: { ...KEY_SOURCE_SCHEMA, description: "the relayer's account (pays gas for mints): enables the submitter" },
    validatorKey: { ...KEY_SOURCE_SCHEMA, description: "the validator's EVM attestation key: enables the signer" },
    gasMultiplierPercent: { type: "integer", minimum: 100, maximum: 500, description: "gas limit = estimate × this / 100 (default 120)" },
    receiptTimeoutMs: { type: "integer", minimum: 1000, maximum: 3_600_000, description: "wait for a mint's receipt this long (default 120 000)" },
    pollingIntervalMs: { type: "integer", minimum: 10, maximum: 60_000, description: "receipt polling (default 4000)" },
    requestTimeoutMs: { type: "integer", minimum: 100, maximum: 600_000, description: "one JSON-RPC request (default 30 000)" },
    followValidatorSet: {
      type: "boolean",
      description: "keep NexusBridge's validator set equal to NexusOS's: a watcher signs each update, a relayer sends it (default true)",
    },
    awaitReceipts: {
      type: "boolean",
      description: "relayer: wait for each transaction's receipt before sending the next (default false: send a batch back to back and check status after)",
    },
    mintLookbackBlocks: { type: "integer", minimum: 0, maximum: 10_000_000, description: "how far back to find a mint another relayer made (default 10 000)" },
  },
  required: ["rpcUrl", "chainId", "bridgeAddress"],
  additionalProperties: false,
} as const;

export type EvmFamilyOptions = FromSchema<typeof evmFamilyOptionsSchema>;

/** Chain ids of local development chains (Hardhat, Ganache/anvil's 1337) that get 2 confirmations by default. */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];
export const DEFAULT_CONFIRMATIONS_DEV = 2;
export const DEFAULT_CONFIRMATIONS = 12;
export const DEFAULT_MAX_BLOCK_RANGE = 1000;

let validate: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/** Validates `options` against evmFamilyOptionsSchema (EVM_CONFIG_INVALID on failure). */
export function parseEvmFamilyOptions(chain: string, options: unknown): EvmFamilyOptions {
  validate ??= createAjv().compile(evmFamilyOptionsSchema);
  if (!validate(options)) throw new EvmBridgeError("EVM_CONFIG_INVALID", `bridge chain "${chain}": ${describeAjvErrors(validate.errors, "options")}`, false);
  return options as EvmFamilyOptions;
}

export interface EvmFamily {
  source?: SourceWatcher;
  submitter?: DestinationSubmitter;
  signer?: DestinationSigner;
  /** Keeps NexusBridge's validator set equal to NexusOS's (set-sync.ts). */
  upkeep?: (u: FamilyUpkeep) => Promise<void>;
}

/**
 * The EVM family for bridges/core: for one configured chain, a source watcher (always), a
 * submitter (when `relayerKey` is set) and a signer (when `validatorKey` is set). Options are
 * validated and keys loaded now (a bad config fails at start); the chain itself — chain id,
 * code at bridgeAddress, EIP-712 domain "NexusBridge" version "2", WNXT — is checked once on
 * first use by any of the three (checkEvmFamily does it eagerly), and every call fails with
 * that clear error until the config is fixed.
 */
export function createEvmFamily(
  chain: { name: string; options: unknown },
  ctx: { logger: Logger; env?: NodeJS.ProcessEnv; role?: "watcher" | "relayer" },
): EvmFamily {
  const o = parseEvmFamilyOptions(chain.name, chain.options);
  const logger = ctx.logger.child({ family: "evm", chain: chain.name });
  const viemChain = evmChain(chain.name, o.chainId, o.rpcUrl);
  const transport = http(o.rpcUrl, { timeout: o.requestTimeoutMs ?? 30_000, retryCount: 2 });
  const pollingInterval = o.pollingIntervalMs ?? 4000;
  const client = createPublicClient({ chain: viemChain, transport, pollingInterval });
  const bridgeAddress: Address = getAddress(o.bridgeAddress);
  const confirmations = o.confirmations ?? (DEV_CHAIN_IDS.includes(o.chainId) ? DEFAULT_CONFIRMATIONS_DEV : DEFAULT_CONFIRMATIONS);
  const maxBlockRange = o.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  const bridge: () => Promise<CheckedBridge> = once(async () => {
    try {
      const b = await checkBridge(client, { chainId: o.chainId, bridgeAddress, wnxtAddress: o.wnxtAddress === undefined ? undefined : getAddress(o.wnxtAddress) });
      logger.info({ bridge: b.bridgeAddress, wnxt: b.wnxtAddress, chainId: b.chainId, confirmations }, "EVM bridge checked");
      return b;
    } catch (e) {
      const err = e as EvmBridgeError;
      logger.error({ code: err.code, retryable: err.retryable }, err.message);
      throw e;
    }
  });

  const out: EvmFamily = {
    source: new EvmSourceWatcher({ chain: chain.name, client, bridge, confirmations, maxBlockRange, logger }),
  };
  const keyOpts = { logger, ...(ctx.env === undefined ? {} : { env: ctx.env }) };
  let wallet: WalletClient<Transport, Chain, Account> | undefined;
  if (o.relayerKey !== undefined) {
    const account = loadEvmAccount(keySourceOf(o.relayerKey as string | KeySource), `bridge chain "${chain.name}" relayerKey`, keyOpts);
    wallet = createWalletClient({ account, chain: viemChain, transport, pollingInterval });
    out.submitter = new EvmDestinationSubmitter({
      chain: chain.name,
      client,
      wallet,
      bridge,
      confirmations,
      maxBlockRange,
      logger,
      ...(o.gasMultiplierPercent === undefined ? {} : { gasMultiplierPercent: o.gasMultiplierPercent }),
      ...(o.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: o.receiptTimeoutMs }),
      ...(o.mintLookbackBlocks === undefined ? {} : { mintLookbackBlocks: o.mintLookbackBlocks }),
      ...(o.awaitReceipts === undefined ? {} : { awaitReceipts: o.awaitReceipts }),
    });
    logger.info({ relayer: account.address }, "EVM submitter enabled");
  } else if (ctx.role === "watcher") {
    // A watcher attests outbound results (MsgAttestOutboundResult) from the destination's
    // status(): it needs the submitter's reads, not a relayer key. submit() refuses.
    out.submitter = new EvmDestinationSubmitter({ chain: chain.name, client, bridge, confirmations, maxBlockRange, logger });
  }
  if (o.validatorKey !== undefined) {
    const account = loadEvmAccount(keySourceOf(o.validatorKey as string | KeySource), `bridge chain "${chain.name}" validatorKey`, keyOpts);
    out.signer = new EvmDestinationSigner({ chain: chain.name, chainId: o.chainId, bridgeAddress, account, ready: bridge });
    logger.info({ key: out.signer.key }, "EVM signer enabled");
  }
  // The bridge's validator set follows NexusOS's: watchers sign updates, relayers send them.
  if (o.followValidatorSet ?? true) {
    const signer = out.signer as EvmDestinationSigner | undefined;
    if ((ctx.role === "watcher" && signer) || (ctx.role !== "watcher" && wallet)) {
      out.upkeep = validatorSetUpkeep({ chain: chain.name, client, bridge, logger, ...(ctx.role === "watcher" ? { signer } : { wallet }), ...(o.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: o.receiptTimeoutMs }) });
    }
  }
  return out;
}

/** Checks a chain's options against the chain now (what createEvmFamily does lazily): for a config check command. */
export async function checkEvmFamily(chain: { name: string; options: unknown }): Promise<CheckedBridge> {
  const o = parseEvmFamilyOptions(chain.name, chain.options);
  const client = createPublicClient({ chain: evmChain(chain.name, o.chainId, o.rpcUrl), transport: http(o.rpcUrl, { timeout: o.requestTimeoutMs ?? 30_000, retryCount: 0 }) });
  return checkBridge(client, { chainId: o.chainId, bridgeAddress: getAddress(o.bridgeAddress), wnxtAddress: o.wnxtAddress === undefined ? undefined : getAddress(o.wnxtAddress) });
}
