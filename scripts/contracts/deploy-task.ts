// `npx hardhat nexus deploy [--network <name>]`: deploys the NexusOS EVM suite with Ignition,
// checks it against the chain, and writes deployments/<deployment id>.json. See docs/contracts.md.
import type {} from "@nomicfoundation/hardhat-viem";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isNexusError } from "../../runtime/errors.ts";
import { DeployError } from "./deploy/errors.ts";
import { defaultParametersFile, readParametersFile } from "./deploy/parameters.ts";
import { checkAccounts, connectTo, identifyChain, rpcHost } from "./deploy/preflight.ts";
import { deployNexusSuite, type DeployResult } from "./deploy/suite.ts";

export interface DeployTaskArgs {
  parameters: string;
  deploymentId: string;
  applySettings: boolean;
  reset: boolean;
  skipFundsCheck: boolean;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The default deployment id: the network's name and chain id; for the catch-all `rpc` network
 * also the genesis hash, so two chains sharing a chain id never share a deployment. */
export function defaultDeploymentId(networkName: string, chainId: number, genesisHash: string): string {
  return networkName === "rpc" ? `rpc-${chainId}-${genesisHash.slice(2, 10)}` : `${networkName}-${chainId}`;
}

export function printResult(result: DeployResult, log: (line: string) => void): void {
  const { record } = result;
  log(
    result.executed.length === 0 && result.settings.length === 0
      ? "Nothing to do: the deployment is complete and live"
      : `Done: ${result.executed.length} Ignition step(s) run${result.settings.length ? `; settings sent: ${result.settings.join(", ")}` : ""}`,
  );
  for (const [name, c] of Object.entries(record.contracts)) log(`  ${name.padEnd(16)} ${c.address}`);
  if (result.drift.length > 0) {
    log(`Settings that differ from the parameters (the chain's value is kept and recorded):`);
    for (const d of result.drift) {
      log(`  ${d.setting}: chain ${d.onChain}, parameters ${d.wanted}`);
      log(`    ${d.howToChange === "apply" ? "run again with --apply-settings to send the change" : `changes by ${d.howToChange}`}`);
    }
  }
  log(`Record: ${path.relative(process.cwd(), result.recordFile)}; Ignition journal: ${path.relative(process.cwd(), result.deploymentDir)}`);
}

export default async function deployTask(args: DeployTaskArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const networkName = hre.globalOptions.network ?? "default";
  const networkConfig = hre.config.networks[networkName];
  if (networkConfig === undefined) {
    console.error(`No network "${networkName}" in hardhat.config.ts (known: ${Object.keys(hre.config.networks).join(", ")})`);
    process.exitCode = 1;
    return;
  }
  const inProcess = networkConfig.type === "edr-simulated";
  let connection: Awaited<ReturnType<typeof connectTo>> | undefined;
  try {
    // Compile first, as `ignition deploy` does: a fresh clone has no artifacts yet.
    await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    await checkAccounts(hre, networkName);
    const parametersFile = args.parameters || (await defaultParametersFile(ROOT, networkName, inProcess));
    if (parametersFile === undefined) {
      throw new DeployError(
        "DEPLOY_PARAMETERS_MISSING",
        `no parameters for network "${networkName}": copy ignition/parameters/example.json5 to ignition/parameters/${networkName}.json5 ` +
          `and fill in the validators (or pass --parameters <file>)`,
        { network: networkName },
      );
    }
    connection = await connectTo(hre, networkName);
    const chain = await identifyChain(connection, await rpcHost(hre, networkName));
    const deploymentId = args.deploymentId || defaultDeploymentId(networkName, chain.chainId, chain.genesisHash);
    // The in-process chain ends with this process: so do its journal and record.
    const scratch = inProcess ? await mkdtemp(path.join(tmpdir(), "nexus-inprocess-deploy-")) : undefined;
    console.log(`Deploying the NexusOS EVM suite to "${networkName}" (chain ${chain.chainId}) as ${deploymentId}, parameters ${path.relative(process.cwd(), parametersFile)}`);
    const result = await deployNexusSuite(hre, connection, {
      parameters: await readParametersFile(parametersFile),
      parametersSource: path.relative(process.cwd(), parametersFile),
      deploymentId,
      ignitionDeploymentsDir: scratch ?? path.join(ROOT, "ignition/deployments"),
      recordsDir: scratch ?? path.join(ROOT, "deployments"),
      root: ROOT,
      applySettings: args.applySettings,
      reset: args.reset,
      checkFunds: !args.skipFundsCheck,
      log: (l) => console.log(`  ${l}`),
    });
    printResult(result, console.log);
    if (inProcess) console.log("(in-process chain: it ends with this process; use --network localhost to keep the contracts)");
  } catch (e) {
    console.error(`Deployment failed: ${isNexusError(e) ? `${e.message} [${e.code}]` : (e as Error).message}`);
    process.exitCode = 1;
  } finally {
    await connection?.close();
  }
}
