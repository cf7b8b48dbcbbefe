// `npx hardhat nexus mint-test-wnxt --network localhost --to <address> --amount <NXT>`: test WNXT on
// a local chain, through a validator-signed mint (scripts/contracts/dev-mint.ts).
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isAddress, type Address } from "viem";
import { isNexusError } from "../../runtime/errors.ts";
import type { DeploymentRecord } from "./deploy/record.ts";
import { connectTo, identifyChain, rpcHost } from "./deploy/preflight.ts";
import { defaultDeploymentId } from "./deploy-task.ts";
import { mintTestWnxt, NXT } from "./dev-mint.ts";

export interface MintTaskArgs {
  to: string;
  amount: string;
  deploymentId: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export default async function mintTask(args: MintTaskArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const networkName = hre.globalOptions.network ?? "default";
  try {
    if (!isAddress(args.to)) throw new Error(`--to must be an address, got "${args.to}"`);
    if (!/^[0-9]+$/.test(args.amount) || BigInt(args.amount) === 0n) throw new Error(`--amount must be a positive whole number of WNXT, got "${args.amount}"`);
    const connection = await connectTo(hre, networkName);
    const chain = await identifyChain(connection, await rpcHost(hre, networkName));
    const id = args.deploymentId || defaultDeploymentId(networkName, chain.chainId, chain.genesisHash);
    const file = path.join(ROOT, "deployments", `${id}.json`);
    const record = JSON.parse(await readFile(file, "utf8").catch(() => {
      throw new Error(`no deployment record ${path.relative(process.cwd(), file)}: deploy first (npm run deploy:local), or name it with --deployment-id`);
    })) as DeploymentRecord;
    const [m] = await mintTestWnxt(connection, record.contracts.NexusBridge.address, [args.to as Address], BigInt(args.amount) * NXT);
    console.log(`Minted ${args.amount} WNXT to ${m!.recipient} (transfer ${m!.transferId}, tx ${m!.transactionHash})`);
    await connection.close();
  } catch (e) {
    console.error(`mint-test-wnxt failed: ${isNexusError(e) ? `${e.message} [${e.code}]` : (e as Error).message}`);
    process.exitCode = 1;
  }
}
