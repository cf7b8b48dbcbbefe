// The project's Hardhat tasks (`npx hardhat nexus --help`), defined here and registered in
// hardhat.config.ts; each action is imported only when its task runs.
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

export const nexusTasks: TaskDefinition[] = [
  emptyTask("nexus", "NexusOS EVM suite: deploy, check, verify, and a local developer chain").build(),
  task(["nexus", "deploy"], "Deploy the NexusOS EVM suite with Ignition (resumable), then check every setting against the chain")
    .addOption({
      name: "parameters",
      description: "Ignition parameters file (default: ignition/parameters/<network>.json5)",
      defaultValue: "",
    })
    .addOption({
      name: "deploymentId",
      description: "Ignition deployment id (default: <network>-<chain id>; rpc-<chain id>-<genesis> for the rpc network)",
      defaultValue: "",
    })
    .addFlag({ name: "applySettings", description: "Send the DEX settings (feeTo, feeToSetter) that differ from the parameters" })
    .addFlag({ name: "reset", description: "Forget this deployment's journal and record, and deploy afresh (after a dev node restart)" })
    .addFlag({ name: "skipFundsCheck", description: "Do not refuse to start when the deployer's balance looks too small" })
    .setAction(() => import("./deploy-task.ts"))
    .build(),
  task(["nexus", "verify"], "Verify every contract of a deployment (from deployments/<id>.json) on the chain's explorers")
    .addOption({ name: "deploymentId", description: "Deployment to verify (default: <network>-<chain id>, as nexus deploy)", defaultValue: "" })
    .setAction(() => import("./verify-task.ts"))
    .build(),
  task(["nexus", "dev"], "Start a local Hardhat node, deploy the suite to it and mint test WNXT to the dev accounts (npm run dev:evm)")
    .addOption({ name: "port", description: "Port of the node's JSON-RPC server", type: ArgumentType.INT, defaultValue: 8545 })
    .addOption({ name: "deploymentId", description: "Deployment id (default: localhost-31337, as npm run deploy:local)", defaultValue: "" })
    .addOption({ name: "accounts", description: "How many dev accounts (#0…) get test WNXT", type: ArgumentType.INT, defaultValue: 5 })
    .addOption({ name: "mint", description: "Test WNXT minted to each of them", defaultValue: "10000" })
    .setAction(() => import("./dev-task.ts"))
    .build(),
  task(["nexus", "mint-test-wnxt"], "Mint test WNXT on a local chain through a mint signed by the local validators (Hardhat accounts #0-#2)")
    .addOption({ name: "to", description: "Recipient address", defaultValue: "" })
    .addOption({ name: "amount", description: "Whole WNXT to mint", defaultValue: "1000" })
    .addOption({ name: "deploymentId", description: "Deployment whose bridge mints (default: <network>-<chain id>)", defaultValue: "" })
    .setAction(() => import("./mint-task.ts"))
    .build(),
];
