// An application on the NexusOS EVM suite with plain viem: reads the deployment record, adds
// WNXT liquidity against a token of its own, and swaps WNXT for it through the router.
//
//   npm run dev:evm                               # another terminal: node + suite + test WNXT
//   npx tsx examples/evm-app/swap.ts [--rpc http://127.0.0.1:8545] [--deployment deployments/localhost-31337.json]
//
// The ABIs come from the deployment record; their TypeScript types from the artifacts Hardhat
// generates on `npx hardhat build` (artifacts/**/artifacts.d.ts), so every call is type-checked.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  formatUnits,
  getContract,
  http,
  parseUnits,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { NexusDEXRouter$Type } from "../../artifacts/contracts/dex/NexusDEXRouter.sol/artifacts.js";
import type { NexusDEXFactory$Type } from "../../artifacts/contracts/dex/NexusDEXFactory.sol/artifacts.js";
import type { WNXT$Type } from "../../artifacts/contracts/token/WNXT.sol/artifacts.js";
import type { TestToken$Type } from "../../artifacts/contracts/test/TestToken.sol/artifacts.js";

const { values } = parseArgs({
  options: {
    rpc: { type: "string", default: process.env.NEXUS_EVM_LOCAL_URL ?? "http://127.0.0.1:8545" },
    deployment: { type: "string", default: "deployments/localhost-31337.json" },
    // Hardhat's public test account #1 (dev:evm gives it test WNXT). Never a real key.
    key: { type: "string", default: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("Usage: npx tsx examples/evm-app/swap.ts [--rpc <url>] [--deployment <record.json>] [--key <0x…>]");
  process.exit(0);
}

interface Record {
  chainId: number;
  contracts: { [name: string]: { address: Address; abi: unknown } };
}
const record = JSON.parse(readFileSync(values.deployment, "utf8")) as Record;
const abi = {
  router: record.contracts.NexusDEXRouter!.abi as NexusDEXRouter$Type["abi"],
  factory: record.contracts.NexusDEXFactory!.abi as NexusDEXFactory$Type["abi"],
  wnxt: record.contracts.WNXT!.abi as WNXT$Type["abi"],
};

const chain = defineChain({
  id: record.chainId,
  name: "NexusOS local EVM",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [values.rpc] } },
});
const account = privateKeyToAccount(values.key as Hex);
const publicClient = createPublicClient({ chain, transport: http() });
const wallet = createWalletClient({ account, chain, transport: http() });
const client = { public: publicClient, wallet };

const router = getContract({ address: record.contracts.NexusDEXRouter!.address, abi: abi.router, client });
const factory = getContract({ address: record.contracts.NexusDEXFactory!.address, abi: abi.factory, client });
const wnxt = getContract({ address: record.contracts.WNXT!.address, abi: abi.wnxt, client });

async function send(hash: Promise<Hex>): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
}

// A token of our own to pair with WNXT (the project's test ERC-20; its artifact comes from `hardhat build`).
const tokenArtifact = JSON.parse(readFileSync("artifacts/contracts/test/TestToken.sol/TestToken.json", "utf8")) as TestToken$Type;
const decimals = 8; // WNXT has 8 decimals; the example token's amounts use 18
const deployHash = await wallet.deployContract({
  abi: tokenArtifact.abi,
  bytecode: tokenArtifact.bytecode,
  args: ["Example USD", parseUnits("1000000", 18)],
});
const tokenAddress = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
const token = getContract({ address: tokenAddress, abi: tokenArtifact.abi, client });
console.log(`account ${account.address}: ${formatUnits(await wnxt.read.balanceOf([account.address]), decimals)} WNXT; example token at ${tokenAddress}`);

const { timestamp } = await publicClient.getBlock();
const deadline = timestamp + 600n;
const wnxtIn = parseUnits("1000", decimals);
const tokenIn = parseUnits("2000", 18);
await send(wnxt.write.approve([router.address, 2n ** 256n - 1n]));
await send(token.write.approve([router.address, 2n ** 256n - 1n]));
await send(router.write.addLiquidity([wnxt.address, token.address, wnxtIn, tokenIn, 0n, 0n, account.address, deadline]));
const pair = await factory.read.getPair([wnxt.address, token.address]);
console.log(`added liquidity: 1000 WNXT + 2000 EXUSD in pair ${pair}`);

const amountIn = parseUnits("10", decimals);
const path = [wnxt.address, token.address] as const;
const [, quoted] = await router.read.getAmountsOut([amountIn, [...path]]);
const minOut = (quoted! * 995n) / 1000n; // 0.5 % slippage
const before = await token.read.balanceOf([account.address]);
await send(router.write.swapExactTokensForTokens([amountIn, minOut, [...path], account.address, deadline]));
const got = (await token.read.balanceOf([account.address])) - before;
console.log(`swapped 10 WNXT for ${formatUnits(got, 18)} EXUSD (quoted ${formatUnits(quoted!, 18)}, min ${formatUnits(minOut, 18)})`);
