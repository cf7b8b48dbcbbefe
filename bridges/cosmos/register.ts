import { resolve } from "node:path";
import { registerFamily, type FamilyChain } from "../core/families.ts";
import { createCosmosFamily } from "./family.ts";

/**
 * Plugs the Cosmos family into bridges/core: `import "bridges/cosmos/register.ts"` once (the
 * nexus binary does) and `family: cosmos` chains in watcher.yaml / relayer.yaml work. The chain
 * id, bech32 prefix, denom and confirmations come from NexusOS's settings of the chain
 * (cosmos {chainId, prefix, denom}, confirmations), and the escrow multisig from NexusOS's
 * cosmos attestation keys, so a config needs the RPC URL, the fee and (watcher) the key; a key
 * file's relative path is resolved against the config's directory.
 */
registerFamily("cosmos", async (options, ctx): Promise<FamilyChain> => {
  if (!ctx.settings.cosmos) throw new Error(`NexusOS's settings of chain "${ctx.chain}" carry no cosmos {chainId, prefix, denom}: is it a cosmos chain?`);
  const withFiles = { ...options } as Record<string, unknown>;
  const src = withFiles.validatorKey as { file?: string } | undefined;
  if (src?.file) withFiles.validatorKey = { ...src, file: resolve(ctx.configDir, src.file) };
  const f = await createCosmosFamily(
    { name: ctx.chain, options: withFiles },
    { logger: ctx.log, role: ctx.role, dataDir: ctx.dataDir, settings: { ...ctx.settings.cosmos, confirmations: ctx.settings.confirmations }, ...(ctx.query ? { query: ctx.query } : {}) },
  );
  return { watcher: f.source, submitter: f.submitter, ...(f.signer ? { signer: f.signer } : {}), upkeep: (u) => f.upkeep.run(u), close: f.close };
});
