import { resolve } from "node:path";
import { registerFamily, type FamilyChain } from "../core/families.ts";

/**
 * Plugs the Substrate family (bridges/polkadot) into bridges/core: `import
 * "bridges/polkadot/register.ts"` once (the nexus binary does) and `family: substrate` chains in
 * watcher.yaml work. The SS58 prefix, asset id, receipt collection and confirmations come from
 * NexusOS's settings of the chain, the multisig from NexusOS's substrate attestation keys, so a
 * config needs the WebSocket URL and the validator's key; a key file's relative path is resolved
 * against the config's directory. @polkadot/api is loaded only when such a chain is configured
 * (it would add a second to every start of the nexus binary).
 */
registerFamily("substrate", async (options, ctx): Promise<FamilyChain> => {
  if (!ctx.settings.substrate) throw new Error(`NexusOS's settings of chain "${ctx.chain}" carry no substrate {ss58Prefix, assetId}: is it a substrate chain?`);
  const withFiles = { ...options } as Record<string, unknown>;
  const src = withFiles.validatorKey as { file?: string } | undefined;
  if (src?.file) withFiles.validatorKey = { ...src, file: resolve(ctx.configDir, src.file) };
  const { createSubstrateFamily } = await import("./family.ts");
  const f = await createSubstrateFamily(
    { name: ctx.chain, options: withFiles },
    { logger: ctx.log, role: ctx.role, dataDir: ctx.dataDir, settings: { ...ctx.settings.substrate, confirmations: ctx.settings.confirmations }, ...(ctx.query ? { query: ctx.query } : {}) },
  );
  return {
    watcher: f.source,
    submitter: f.submitter,
    ...(f.signer ? { signer: f.signer } : {}),
    ...(f.upkeep ? { upkeep: (u) => f.upkeep!.run(u) } : {}),
    close: f.close,
  };
});
