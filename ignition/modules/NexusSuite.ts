// Ignition module: the whole NexusOS EVM suite (bridge with WNXT and BHLSDistributor, DEX factory
// and router). Deploy it with `npx hardhat nexus deploy --network <name>`, which adds checks
// before and after; plain `npx hardhat ignition deploy ignition/modules/NexusSuite.ts` works too.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import NexusBridge from "./NexusBridge.ts";
import NexusDEX from "./NexusDEX.ts";

export default buildModule("NexusSuite", (m) => {
  const { bridge, wnxt, bhlsDistributor } = m.useModule(NexusBridge);
  const { factory, router } = m.useModule(NexusDEX);
  return { bridge, wnxt, bhlsDistributor, factory, router };
});
