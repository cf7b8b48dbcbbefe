// The project's Hardhat tasks (`npx hardhat nexus --help`), defined here and registered in
// hardhat.config.ts; each action is imported only when its task runs.
import { emptyTask } from "hardhat/config";
import type { TaskDefinition } from "hardhat/types/tasks";

export const nexusTasks: TaskDefinition[] = [
  emptyTask("nexus", "NexusOS EVM suite: deploy, check, verify, and a local developer chain").build(),
];
