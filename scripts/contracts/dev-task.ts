// `npm run dev:evm` (`npx hardhat nexus dev`): a local EVM chain ready for application work.
// Starts a Hardhat node, deploys the whole suite to it with the local parameters, mints test WNXT
// to the first dev accounts through validator-signed mints, prints what an application needs,
// and keeps the node running until Ctrl-C.
import type {} from "@nomicfoundation/hardhat-viem";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import path from "node:path";
import { isNexusError } from "../../runtime/errors.ts";
import { DeployError } from "./deploy/errors.ts";
import { readParametersFile } from "./deploy/parameters.ts";
import { deployNexusSuite } from "./deploy/suite.ts";
import { printResult } from "./deploy-task.ts";
import { mintTestWnxt, NXT, testAccounts } from "./dev-mint.ts";

export interface DevTaskArgs {
  port: number;
  deploymentId: string;
  accounts: number;
  mint: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result?: unknown }).result;
}

async function waitForNode(url: string, node: Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  let failed: unknown;
  void node.catch((e) => (failed = e));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (failed !== undefined) throw failed;
    try {
      if ((await rpc(url, "eth_chainId")) !== undefined) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new DeployError("DEPLOY_RPC_UNREACHABLE", `the Hardhat node did not answer at ${url} within ${timeoutMs / 1000} s`, { url });
}

export default async function devTask(args: DevTaskArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const url = `http://127.0.0.1:${args.port}`;
  if (!/^[0-9]+$/.test(args.mint)) {
    console.error(`--mint must be a whole number of WNXT, got "${args.mint}"`);
    process.exitCode = 1;
    return;
  }
  // Compile first, as `ignition deploy` does: a fresh clone has no artifacts yet.
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const node = hre.tasks.getTask("node").run({ port: args.port, hostname: "127.0.0.1" });
  try {
    await waitForNode(url, node);
    // The node logs every call; quiet while setting up, so the summary stays readable.
    await rpc(url, "hardhat_setLoggingEnabled", [false]);
    const connection = await hre.network.create({ network: "localhost", override: { url } });
    const parametersFile = path.join(ROOT, "ignition/parameters/localhost.json5");
    const deploymentId = args.deploymentId || "localhost-31337";
    console.log(`\nDeploying the NexusOS EVM suite to ${url} as ${deploymentId}`);
    // The node is new: whatever an earlier session journaled under this id is gone with its chain.
    const result = await deployNexusSuite(hre, connection, {
      parameters: await readParametersFile(parametersFile),
      parametersSource: path.relative(process.cwd(), parametersFile),
      deploymentId,
      ignitionDeploymentsDir: path.join(ROOT, "ignition/deployments"),
      recordsDir: path.join(ROOT, "deployments"),
      root: ROOT,
      reset: true,
      log: (l) => console.log(`  ${l}`),
    });
    printResult(result, console.log);

    const amount = BigInt(args.mint) * NXT;
    const recipients = testAccounts(args.accounts).map((a) => a.address);
    console.log(`\nMinting ${args.mint} test WNXT to accounts #0-#${args.accounts - 1} (Mint attestations signed by the local validators, accounts #0-#2)`);
    const mints = await mintTestWnxt(connection, result.record.contracts.NexusBridge.address, recipients, amount);
    const wnxt = await connection.viem.getContractAt("WNXT", result.record.contracts.WNXT.address);
    for (const [i, m] of mints.entries()) {
      console.log(`  #${i} ${m.recipient}  ${(await wnxt.read.balanceOf([m.recipient])) / NXT} WNXT`);
    }
    console.log(`
Ready: a local EVM chain at ${url} (chain id 31337) with the NexusOS suite.
  Deployment record (addresses, ABIs, constructor arguments): ${path.relative(process.cwd(), result.recordFile)}
  Accounts: Hardhat's test mnemonic "test test … junk"; keys are printed above by the node.
  Try the example:  npx tsx examples/evm-app/swap.ts --rpc ${url} --deployment ${path.relative(process.cwd(), result.recordFile)}
  More test WNXT:   NEXUS_EVM_LOCAL_URL=${url} npx hardhat nexus mint-test-wnxt --network localhost --deployment-id ${deploymentId} --to <address> --amount <NXT>
Ctrl-C stops the node. Its call log follows.`);
    await rpc(url, "hardhat_setLoggingEnabled", [true]);
    await node;
  } catch (e) {
    console.error(`nexus dev failed: ${isNexusError(e) ? `${e.message} [${e.code}]` : (e as Error).message}`);
    process.exit(1);
  }
}
