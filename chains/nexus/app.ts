import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChainApp } from "../../runtime/node/chain-app.ts";
import { bankCli } from "../../modules/bank/cli.ts";
import { stakingCli } from "../../modules/staking/cli.ts";
import { dexCli } from "../../modules/dex/cli.ts";
import { govCli } from "../../modules/governance/cli.ts";
import { attestorCli } from "../../services/attestor/cli.ts";
import { arbiterCli } from "../../services/arbiter/cli.ts";
import { watcherCli, relayerCli } from "../../bridges/core/cli.ts";
// The chain families the watcher and relayer can drive.
import "../../bridges/evm/register.ts";
import "../../bridges/cosmos/register.ts";
import "../../bridges/polkadot/register.ts";
import { nexusChain } from "./chain.ts";

/** The `nexus` binary's composition: the reference chain, its transport identity, its CLI extensions. */
export const nexusApp: ChainApp = {
  chain: nexusChain,
  entry: fileURLToPath(new URL("./main.ts", import.meta.url)),
  async p2pIdentity(home: string, host: string, port: number): Promise<string> {
    // Loaded on use: libp2p would double the start-up time of every other command.
    const { loadOrCreateNodeKey, NODE_KEY_FILE } = await import("../../plugins/transports/libp2p/index.ts");
    const { peerIdFromPrivateKey } = await import("@libp2p/peer-id");
    const key = await loadOrCreateNodeKey(join(home, NODE_KEY_FILE));
    return `/ip4/${host}/tcp/${port}/p2p/${peerIdFromPrivateKey(key).toString()}`;
  },
  moduleTemplate: {
    dir: fileURLToPath(new URL("../../examples/counter-module/", import.meta.url)),
    name: "counter",
    root: fileURLToPath(new URL("../../", import.meta.url)),
    chainFile: fileURLToPath(new URL("./chain.ts", import.meta.url)),
  },
  plugins: async () => (await import("../../plugins/index.ts")).bundledPlugins(),
  cli: [...bankCli, ...stakingCli, ...dexCli, ...govCli, attestorCli, arbiterCli, watcherCli, relayerCli],
};
