// The project's Hardhat tasks (`npx hardhat nexus --help`), defined here and registered in
// hardhat.config.ts; each action is imported only when its task runs.
import { emptyTask, task } from "hardhat/config";
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
];
