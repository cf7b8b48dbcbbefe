// `npx hardhat nexus verify --network <name>`: verifies every contract of a deployment (from its
// record, deployments/<deployment id>.json) on the chain's explorers. docs/contract-verification.md.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isNexusError } from "../../runtime/errors.ts";
import type { DeploymentRecord } from "./deploy/record.ts";
import { connectTo, identifyChain, rpcHost } from "./deploy/preflight.ts";
import { defaultDeploymentId } from "./deploy-task.ts";
import { verifySuite } from "./verify-suite.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

export default async function verifyTask(args: { deploymentId: string }, hre: HardhatRuntimeEnvironment): Promise<void> {
  const networkName = hre.globalOptions.network ?? "default";
  try {
    const connection = await connectTo(hre, networkName);
    const chain = await identifyChain(connection, await rpcHost(hre, networkName));
    const id = args.deploymentId || defaultDeploymentId(networkName, chain.chainId, chain.genesisHash);
    const file = path.join(ROOT, "deployments", `${id}.json`);
    const text = await readFile(file, "utf8").catch(() => {
      throw new Error(`no deployment record ${path.relative(process.cwd(), file)}: deploy first (npx hardhat nexus deploy --network ${networkName}), or name it with --deployment-id`);
    });
    const record = JSON.parse(text) as DeploymentRecord;
    if (record.genesisHash !== chain.genesisHash) {
      throw new Error(`${path.relative(process.cwd(), file)} records a deployment on another chain (genesis ${record.genesisHash.slice(0, 10)}…)`);
    }
    const results = await verifySuite(hre, connection, record.contracts, (l) => console.log(`  ${l}`));
    for (const r of results) console.log(`${r.name.padEnd(16)} ${r.address}  ${r.result}`);
    const failed = results.filter((r) => r.result !== "verified" && r.result !== "already verified");
    if (failed.length > 0) {
      console.error(`${failed.length} contract(s) not verified: ${failed.map((r) => r.name).join(", ")}`);
      process.exitCode = 1;
    }
    await connection.close();
  } catch (e) {
    console.error(`nexus verify failed: ${isNexusError(e) ? `${e.message} [${e.code}]` : (e as Error).message}`);
    process.exitCode = 1;
  }
}
