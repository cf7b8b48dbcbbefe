import { resolve } from "node:path";
import { registerFamily, type FamilyChain } from "../core/families.ts";
import { createEvmFamily } from "./family.ts";

/**
 * Plugs the EVM family into bridges/core: `import "bridges/evm/register.ts"` once (the nexus
 * binary does) and `family: evm` chains in watcher.yaml / relayer.yaml work. The chain id and
 * the bridge's address and the confirmations default to what NexusOS's bridge module says of the
 * chain (evm.chainId, evm.bridgeContract, confirmations), so a config only needs the RPC URL and the keys; a key file's relative
 * path is resolved against the config's directory.
 */
registerFamily("evm", (options, ctx): FamilyChain => {
  const fromChain = { confirmations: ctx.settings.confirmations, ...(ctx.settings.evm ? { chainId: ctx.settings.evm.chainId, bridgeAddress: ctx.settings.evm.bridgeContract } : {}) };
  const withFiles = { ...fromChain, ...options } as Record<string, unknown>;
  for (const k of ["relayerKey", "validatorKey"]) {
    const src = withFiles[k] as { file?: string } | undefined;
    if (src?.file) withFiles[k] = { ...src, file: resolve(ctx.configDir, src.file) };
  }
  const f = createEvmFamily({ name: ctx.chain, options: withFiles }, { logger: ctx.log, role: ctx.role });
  return { watcher: f.source, submitter: f.submitter, signer: f.signer, ...(f.upkeep ? { upkeep: f.upkeep } : {}) };
});
