// Deploys the NexusOS EVM contracts to the network given by --network and
// writes deployments/<network>.json. Safe to re-run: recorded contracts that
// still have code on the chain are reused.
//
//   npx hardhat run scripts/deploy-contracts.ts                     # in-process chain
//   npx hardhat run scripts/deploy-contracts.ts --network localhost # `npx hardhat node`
//   NEXUS_EVM_RPC_URL=… NEXUS_EVM_PRIVATE_KEY=… NEXUS_BRIDGE_VALIDATORS=0x…:40,0x…:30,0x…:30 \
//     npx hardhat run scripts/deploy-contracts.ts --network rpc
//
// Settings (environment): NEXUS_BRIDGE_VALIDATORS (address:power entries),
// NEXUS_WNXT_RATE_LIMIT_NXT, NEXUS_WNXT_RATE_PERIOD, NEXUS_DEX_FEE_TO,
// NEXUS_DEX_FEE_TO_SETTER, NEXUS_DEPLOYMENTS_DIR. See docs/contracts.md.
import type {} from "@nomicfoundation/hardhat-viem"; // brings the `viem` field of network connections into the types
import path from "node:path";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";
import { configFromEnv, deploySuite } from "./deploy-contracts-lib.ts";

const connection = await network.create();
const { viem, networkName, networkConfig } = connection;

// On development chains, default the validator set to the first three funded
// accounts with power 1 each (their keys are Hardhat's well-known test keys).
// Real networks must name the validators' registered attestation keys and
// their NexusOS powers.
let devValidators: Address[] = [];
const isDevChain = networkConfig.type === "edr-simulated" || networkName === "localhost";
if (isDevChain) {
  devValidators = (await viem.getWalletClients()).slice(0, 3).map((w) => getAddress(w.account.address));
}
const deploymentsDir = process.env.NEXUS_DEPLOYMENTS_DIR ?? path.resolve(import.meta.dirname, "../deployments");

let result: Awaited<ReturnType<typeof deploySuite>>;
try {
  const config = configFromEnv(process.env, devValidators);
  console.log(`Deploying the NexusOS EVM suite to "${networkName}"`);
  result = await deploySuite(connection, config, { deploymentsDir, log: (l) => console.log(`  ${l}`) });
} catch (e) {
  console.error(`Deployment failed: ${(e as Error).message}`);
  await connection.close();
  process.exit(1);
}
console.log(
  result.deployed.length === 0 && result.settings.length === 0
    ? `Nothing to do: everything in ${path.relative(process.cwd(), result.file)} is live`
    : `Deployed: ${result.deployed.join(", ") || "none"}; settings: ${result.settings.join(", ") || "none"}`,
);
for (const [name, c] of Object.entries(result.record.contracts)) console.log(`  ${name.padEnd(16)} ${c.address}`);
console.log(`Wrote ${path.relative(process.cwd(), result.file)}`);
if (networkConfig.type === "edr-simulated") {
  console.log("(in-process chain: it ends with this process; use --network localhost to keep the contracts)");
}
await connection.close();
