// Deploys the NexusOS EVM suite with Hardhat Ignition and checks the result against the chain.
//
//   before: keys (named errors), the RPC, the chain (the one the deployment belongs to), the code
//           at every address the journal already holds (refused if foreign or gone), and funds
//           for what is left;
//   deploy: Ignition, journaled in ignition/deployments/<id>: an interrupted run resumes where
//           it stopped and never deploys a contract twice; a re-run sends nothing;
//   after:  every setting read back from the chain and compared with the parameters; a
//           difference is reported, and sent only with applySettings (when the deployer may);
//           the record in deployments/<id>.json is written from what the chain says.
import type {} from "@nomicfoundation/hardhat-viem";
import { HardhatArtifactResolver, errorDeploymentResultToExceptionMessage } from "@nomicfoundation/hardhat-ignition/helpers";
import {
  deploy,
  DeploymentResultType,
  listTransactions,
  status,
  trackTransaction,
  wipe,
  type DeploymentParameters,
  type ExecutionEventListener,
  type ModuleParameters,
} from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatEther, getAddress, type Abi, type Address, type Hex } from "viem";
import NexusSuite from "../../../ignition/modules/NexusSuite.ts";
import { compareCode, type RuntimeArtifact } from "./code.ts";
import { DeployError, shortenHex } from "./errors.ts";
import { checkParameters, toIgnitionParameters, type SuiteParameters } from "./parameters.ts";
import { checkFunds, identifyChain } from "./preflight.ts";
import { findDrift, readOnChain, type SuiteAddresses } from "./readback.ts";
import { SUITE_CONTRACTS, type DeploymentRecord, type Drift, type RecordedContract, type SuiteContractName } from "./record.ts";

/** Ignition future id of each contract of the suite. */
export const FUTURE_IDS: Record<SuiteContractName, string> = {
  NexusBridge: "NexusBridge#NexusBridge",
  WNXT: "NexusBridge#WNXT",
  BHLSDistributor: "NexusBridge#BHLSDistributor",
  NexusDEXFactory: "NexusDEX#NexusDEXFactory",
  NexusDEXRouter: "NexusDEX#NexusDEXRouter",
};

export interface DeployOptions {
  /** The raw Ignition parameters (from the parameters file) and where they came from. */
  parameters: DeploymentParameters;
  parametersSource: string;
  /** Ignition's deployment id: the journal's folder name and the record's file name. */
  deploymentId: string;
  /** Where Ignition journals (…/<deploymentId>) and where the records go. */
  ignitionDeploymentsDir: string;
  recordsDir: string;
  /** Repository root: paths in the record are relative to it. */
  root: string;
  /** Send the setting changes the deployer may make (DEX feeTo, feeToSetter). */
  applySettings?: boolean;
  /** Forget this deployment (its journal and record) and deploy afresh. */
  reset?: boolean;
  /** Check the deployer's balance against an estimate before sending (default true). */
  checkFunds?: boolean;
  log?: (line: string) => void;
}

export interface DeployResult {
  record: DeploymentRecord;
  recordFile: string;
  deploymentDir: string;
  /** Ignition futures executed by this run (empty on a re-run with nothing to do). */
  executed: string[];
  /** Setting transactions sent by applySettings. */
  settings: string[];
  drift: Drift[];
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

async function hasJournal(dir: string): Promise<boolean> {
  return (await readJson<unknown>(path.join(dir, "deployed_addresses.json")).catch(() => undefined)) !== undefined ||
    (await readFile(path.join(dir, "journal.jsonl"), "utf8").then(() => true, () => false));
}

/** The arguments futures were journaled with, by transaction name ("NexusBridge", "NexusDEXFactory#setFeeTo"). */
async function journaledArguments(dir: string, resolver: HardhatArtifactResolver): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  for (const tx of await listTransactions(dir, resolver)) {
    if (tx.name !== undefined && tx.params !== undefined && !out.has(tx.name)) out.set(tx.name, tx.params as unknown[]);
  }
  return out;
}

/** The parameters for Ignition: the file's, except where a future already ran with other values
 * (Ignition would refuse the change; the difference is reported as drift after the run). */
function reconcileWithJournal(wanted: SuiteParameters, journal: Map<string, unknown[]>): DeploymentParameters {
  const p = toIgnitionParameters(wanted) as { NexusBridge: ModuleParameters; NexusDEX: ModuleParameters };
  const bridge = journal.get("NexusBridge");
  if (bridge !== undefined) {
    const [validators, powers, wc, wr, bc, br] = bridge as [string[], unknown[], unknown, unknown, unknown, unknown];
    Object.assign(p.NexusBridge, {
      validators: validators.map((v) => getAddress(v)),
      powers: powers.map((x) => BigInt(String(x))),
      wnxtCapacity: BigInt(String(wc)),
      wnxtRefillPerSecond: BigInt(String(wr)),
      bhlsCapacity: BigInt(String(bc)),
      bhlsRefillPerSecond: BigInt(String(br)),
    });
  }
  const feeTo = journal.get("NexusDEXFactory#setFeeTo");
  if (feeTo !== undefined) p.NexusDEX.feeTo = getAddress(String(feeTo[0]));
  const feeToSetter = journal.get("NexusDEXFactory#setFeeToSetter");
  if (feeToSetter !== undefined) p.NexusDEX.feeToSetter = getAddress(String(feeToSetter[0]));
  return p;
}

/**
 * A run interrupted between Ignition preparing a transaction (nonce journaled) and journaling its
 * hash (killed, RPC lost, or the node refused it for want of funds) leaves a step Ignition will not
 * resume by itself: it stops and asks for the hash (`ignition track-tx`). The chain knows which
 * case it is: if the sender's nonce never got past the journaled one, the transaction does not
 * exist and the step is cleared (`ignition wipe`) to be sent afresh; if it did, the transaction
 * with that nonce is found in the recent blocks and added to the journal (`ignition track-tx`).
 * Either way nothing is sent twice. Returns false when it cannot tell (then Ignition's message stands).
 */
async function recoverLostTransaction(
  e: unknown,
  connection: NetworkConnection,
  deploymentDir: string,
  resolver: HardhatArtifactResolver,
  log: (line: string) => void,
): Promise<boolean> {
  const m = /future (\S+)\.\s+Please use a block explorer to find the hash of the transaction with nonce (\d+) sent from account (0x[0-9a-fA-F]{40})/.exec(
    e instanceof Error ? e.message : "",
  );
  if (m === null) return false;
  const [, futureId, nonceText, sender] = m as unknown as [string, string, string, Address];
  const nonce = Number(nonceText);
  const client = await connection.viem.getPublicClient();
  const mined = await client.getTransactionCount({ address: sender, blockTag: "latest" });
  const pending = await client.getTransactionCount({ address: sender, blockTag: "pending" });
  if (pending <= nonce) {
    await wipe(deploymentDir, resolver, futureId);
    log(`${futureId}: its transaction (nonce ${nonce}) never reached the chain; cleared, to be sent again`);
    return true;
  }
  if (mined <= nonce) return false; // still pending: Ignition's advice (wait, or track it) stands
  const latest = await client.getBlockNumber();
  for (let n = latest; n >= 0n && latest - n < 1_000n; n--) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    const tx = block.transactions.find((t) => getAddress(t.from) === getAddress(sender) && t.nonce === nonce);
    if (tx !== undefined) {
      await trackTransaction(deploymentDir, tx.hash, connection.provider);
      log(`${futureId}: its transaction ${tx.hash} (nonce ${nonce}) was sent before the interruption; added to the journal`);
      return true;
    }
  }
  return false;
}

function translate(e: unknown, deploymentDir: string): DeployError {
  if (e instanceof DeployError) return e;
  const message = shortenHex(e instanceof Error ? e.message : String(e));
  if (/insufficient funds|enough funds|exceeds balance/i.test(message)) {
    return new DeployError(
      "DEPLOY_INSUFFICIENT_FUNDS",
      `the deployer ran out of funds: ${message.split("\n")[0]}. Everything sent so far is journaled in ${deploymentDir}: ` +
        "top the key up and run the same command again; nothing already deployed is deployed twice",
      { deploymentDir },
    );
  }
  return new DeployError("DEPLOY_FAILED", `the deployment failed: ${message}`, { deploymentDir }, { cause: e });
}

export async function deployNexusSuite(hre: HardhatRuntimeEnvironment, connection: NetworkConnection, options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? (() => {});
  const wanted = checkParameters(options.parameters, options.parametersSource);
  const deploymentDir = path.join(options.ignitionDeploymentsDir, options.deploymentId);
  const recordFile = path.join(options.recordsDir, `${options.deploymentId}.json`);
  const resolver = new HardhatArtifactResolver(hre.artifacts);
  const rel = (p: string) => path.relative(options.root, p) || ".";

  const where = connection.networkConfig.type === "http" ? `network "${connection.networkName}"` : "the in-process chain";
  const chain = await identifyChain(connection, where);
  const client = await connection.viem.getPublicClient();
  const [wallet] = await connection.viem.getWalletClients();
  if (wallet === undefined) {
    throw new DeployError("DEPLOY_KEY_MISSING", `network "${connection.networkName}" has no account to deploy from: add one to its accounts in hardhat.config.ts`);
  }
  const deployer = getAddress(wallet.account.address);

  if (options.reset) {
    await rm(deploymentDir, { recursive: true, force: true });
    await rm(recordFile, { force: true });
    log(`reset: forgot deployment ${options.deploymentId}`);
  }

  // What the journal already holds must be on this chain, and be ours.
  const fresh = !(await hasJournal(deploymentDir));
  let done = new Set<string>();
  let journal = new Map<string, unknown[]>();
  if (!fresh) {
    const previous = await readJson<DeploymentRecord>(recordFile);
    const st = await status(deploymentDir);
    if (st.chainId !== chain.chainId || (previous !== undefined && previous.genesisHash !== chain.genesisHash)) {
      throw new DeployError(
        "DEPLOY_OTHER_CHAIN",
        `deployment ${options.deploymentId} belongs to another chain (chain id ${st.chainId}${previous ? `, genesis ${previous.genesisHash.slice(0, 10)}…` : ""}) ` +
          `than ${where} (chain id ${chain.chainId}, genesis ${chain.genesisHash.slice(0, 10)}…). A restarted \`hardhat node\` is a new chain: ` +
          `run again with --reset to forget the old deployment (it deletes ${rel(deploymentDir)}); for a different network, pass --deployment-id <new id>`,
        { deploymentId: options.deploymentId },
      );
    }
    for (const [futureId, c] of Object.entries(st.contracts)) {
      const artifact = (await readJson<RuntimeArtifact>(path.join(deploymentDir, "artifacts", `${futureId}.json`)))!;
      const match = compareCode(await client.getCode({ address: c.address as Address }), artifact);
      if (match === "empty") {
        throw new DeployError(
          "DEPLOY_CODE_MISSING",
          `${c.contractName}: deployment ${options.deploymentId} recorded it at ${c.address}, but ${where} has no code there: ` +
            `the chain was reset (a restarted \`hardhat node\`?) or the RPC points at another chain. ` +
            `Run again with --reset to deploy afresh (it deletes ${rel(deploymentDir)} and ${rel(recordFile)})`,
          { contract: c.contractName, address: c.address },
        );
      }
      if (match === "different") {
        throw new DeployError(
          "DEPLOY_FOREIGN_CODE",
          `${c.contractName}: deployment ${options.deploymentId} recorded it at ${c.address}, but the code there is not ${c.contractName}: ` +
            `refusing to use it. If the chain was reset and other contracts took the address, run again with --reset; ` +
            `to keep the old deployment's files, use --deployment-id <new id> instead`,
          { contract: c.contractName, address: c.address },
        );
      }
    }
    done = new Set(st.successful);
    journal = await journaledArguments(deploymentDir, resolver);
    log(`deployment ${options.deploymentId} found: ${done.size} of its Ignition steps done, its contracts live`);
  }

  if (options.checkFunds !== false) {
    const work = {
      bridge: !done.has(FUTURE_IDS.NexusBridge),
      factory: !done.has(FUTURE_IDS.NexusDEXFactory),
      router: !done.has(FUTURE_IDS.NexusDEXRouter),
      calls: ["NexusDEX#setFeeTo", "NexusDEX#setFeeToSetter"].filter((f) => !done.has(f)).length,
    };
    const { gas, cost } = await checkFunds(connection, hre, deployer, wanted, work);
    if (gas > 0n) log(`deployer ${deployer}: about ${gas} gas (${formatEther(cost)} ETH at most) left to send; it has the funds`);
  }

  // Ignition.
  // Ignition calls one method per event; only completions are worth a line here.
  const onComplete = (e: { futureId: string; result: { type: string } }) => log(`${e.futureId}: ${e.result.type.toLowerCase().replace(/_/g, " ")}`);
  const listener = new Proxy({} as ExecutionEventListener, {
    get: (_t, prop) =>
      prop === "deploymentExecutionStateComplete" || prop === "callExecutionStateComplete" ? onComplete : () => {},
  });
  const accounts = (await connection.provider.request({ method: "eth_accounts" })) as string[];
  const runIgnition = () =>
    deploy({
      config: {},
      provider: connection.provider,
      deploymentDir,
      artifactResolver: resolver,
      ignitionModule: NexusSuite,
      deploymentParameters: reconcileWithJournal(wanted, journal),
      accounts,
      defaultSender: deployer,
      executionEventListener: listener,
    });
  let result: Awaited<ReturnType<typeof deploy>>;
  try {
    await mkdir(deploymentDir, { recursive: true });
    try {
      result = await runIgnition();
    } catch (e) {
      if (!(await recoverLostTransaction(e, connection, deploymentDir, resolver, log))) throw e;
      result = await runIgnition();
    }
  } catch (e) {
    throw translate(e, rel(deploymentDir));
  }
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw translate(new Error(errorDeploymentResultToExceptionMessage(result)), rel(deploymentDir));
  }
  const after = await status(deploymentDir);
  const executed = after.successful.filter((f) => !done.has(f));

  // Read everything back.
  const addresses = Object.fromEntries(
    SUITE_CONTRACTS.map((name) => [name, getAddress(result.contracts[FUTURE_IDS[name]]!.address)]),
  ) as unknown as SuiteAddresses;
  for (const name of SUITE_CONTRACTS) {
    const artifact = (await readJson<RuntimeArtifact>(path.join(deploymentDir, "artifacts", `${FUTURE_IDS[name]}.json`)))!;
    if (compareCode(await client.getCode({ address: addresses[name] }), artifact) !== "match") {
      throw new DeployError("DEPLOY_FOREIGN_CODE", `${name} at ${addresses[name]} is not the contract Ignition deployed`, { contract: name });
    }
  }
  let onChain = await readOnChain(connection, addresses);
  let drift = findDrift(onChain, wanted, deployer);
  const settings: string[] = [];
  if (options.applySettings) {
    const factory = await connection.viem.getContractAt("NexusDEXFactory", addresses.NexusDEXFactory);
    for (const d of drift.filter((x) => x.howToChange === "apply")) {
      const hash =
        d.setting === "dexFeeTo"
          ? await factory.write.setFeeTo([d.wanted as Address], { account: wallet.account })
          : await factory.write.setFeeToSetter([d.wanted as Address], { account: wallet.account });
      await client.waitForTransactionReceipt({ hash });
      settings.push(`${d.setting === "dexFeeTo" ? "setFeeTo" : "setFeeToSetter"}(${d.wanted})`);
      log(`NexusDEXFactory: ${d.setting} ${d.onChain} → ${d.wanted}`);
    }
    if (settings.length > 0) {
      onChain = await readOnChain(connection, addresses);
      drift = findDrift(onChain, wanted, deployer);
    }
  }

  const record = await buildRecord({ hre, connection, options, deploymentDir, resolver, addresses, chain, deployer, onChain, drift });
  await mkdir(options.recordsDir, { recursive: true });
  const tmp = `${recordFile}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, recordFile);
  return { record, recordFile, deploymentDir, executed, settings, drift };
}

async function buildRecord(a: {
  hre: HardhatRuntimeEnvironment;
  connection: NetworkConnection;
  options: DeployOptions;
  deploymentDir: string;
  resolver: HardhatArtifactResolver;
  addresses: SuiteAddresses;
  chain: { chainId: number; genesisHash: Hex };
  deployer: Address;
  onChain: DeploymentRecord["onChain"];
  drift: Drift[];
}): Promise<DeploymentRecord> {
  const client = await a.connection.viem.getPublicClient();
  const txs = await listTransactions(a.deploymentDir, a.resolver);
  const creation = async (name: string) => {
    const tx = txs.find((t) => t.type === "DEPLOYMENT_EXECUTION_STATE" && t.name === name);
    if (tx === undefined) return { params: [] as unknown[] };
    const receipt = await client.getTransactionReceipt({ hash: tx.txHash as Hex });
    return { transactionHash: tx.txHash as Hex, blockNumber: receipt.blockNumber.toString(), params: (tx.params ?? []) as unknown[] };
  };
  const str = (v: unknown): string | string[] => (Array.isArray(v) ? v.map((x) => String(x)) : String(v));
  const bridgeTx = await creation("NexusBridge");
  const contracts = {} as Record<SuiteContractName, RecordedContract>;
  for (const name of SUITE_CONTRACTS) {
    const artifactFile = path.join(a.deploymentDir, "artifacts", `${FUTURE_IDS[name]}.json`);
    const { abi } = (await readJson<{ abi: Abi }>(artifactFile))!;
    const byBridge = name === "WNXT" || name === "BHLSDistributor";
    const tx = byBridge ? bridgeTx : await creation(name);
    contracts[name] = {
      address: a.addresses[name],
      ...(tx.transactionHash !== undefined ? { transactionHash: tx.transactionHash, blockNumber: tx.blockNumber } : {}),
      createdBy: byBridge ? a.addresses.NexusBridge : a.deployer,
      constructorArgs: name === "WNXT" ? [] : name === "BHLSDistributor" ? [a.addresses.WNXT] : tx.params.map(str),
      artifact: path.relative(a.options.root, artifactFile),
      abi,
    };
  }
  return {
    format: 1,
    deploymentId: a.options.deploymentId,
    network: a.connection.networkName,
    chainId: a.chain.chainId,
    genesisHash: a.chain.genesisHash,
    deployer: a.deployer,
    ignitionDir: path.relative(a.options.root, a.deploymentDir),
    updatedAt: new Date().toISOString(),
    contracts,
    onChain: a.onChain,
    drift: a.drift,
  };
}
