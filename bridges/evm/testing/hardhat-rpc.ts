// Test support: Hardhat's in-process EDR chain behind a real HTTP JSON-RPC endpoint on
// 127.0.0.1, so the EVM family is tested through viem's http transport exactly as it runs
// against a node (`npx hardhat node` is the same EDR behind an HTTP server, in another
// process). Also deploys the bridge fixture the tests share.
import type {} from "@nomicfoundation/hardhat-viem"; // the `viem` field of network connections
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import hre, { network } from "hardhat";
import { erc20Abi, getContract, keccak256, parseAbi, toHex, type Address } from "viem";
import { NEXUS_BRIDGE_ABI } from "../abi.ts";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

type Connection = Awaited<ReturnType<typeof network.create>>;

export interface HardhatRpc {
  readonly url: string;
  readonly connection: Connection;
  /** When set, eth_getLogs over more blocks than this fails as providers do (chunking tests). */
  maxLogRange: number | undefined;
  /** Number of eth_getLogs requests served. */
  getLogsCalls: number;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Compiles the contracts if needed (cached), starts an in-process chain and serves it over HTTP. */
export async function startHardhatRpc(): Promise<HardhatRpc> {
  await hre.tasks.getTask("build").run({ quiet: true });
  const connection = await network.create();
  const provider = connection.provider;
  const rpc: HardhatRpc = {
    url: "",
    connection,
    maxLogRange: undefined,
    getLogsCalls: 0,
    close: async () => undefined,
  };
  const handle = async (r: RpcRequest): Promise<unknown> => {
    try {
      if (r.method === "eth_getLogs") {
        rpc.getLogsCalls++;
        const f = (r.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
        if (rpc.maxLogRange !== undefined && f.fromBlock?.startsWith("0x") && f.toBlock?.startsWith("0x")) {
          const span = BigInt(f.toBlock) - BigInt(f.fromBlock) + 1n;
          if (span > BigInt(rpc.maxLogRange)) return { jsonrpc: "2.0", id: r.id, error: { code: -32005, message: `query exceeds max block range ${rpc.maxLogRange}` } };
        }
      }
      const result = await provider.request({ method: r.method, params: r.params ?? [] });
      return { jsonrpc: "2.0", id: r.id, result: result ?? null };
    } catch (e) {
      const err = e as { code?: number; message?: string; data?: unknown };
      const data = typeof err.data === "string" ? err.data : (err.data as { data?: unknown } | undefined)?.data;
      return { jsonrpc: "2.0", id: r.id, error: { code: typeof err.code === "number" ? err.code : -32603, message: err.message ?? String(e), ...(data === undefined ? {} : { data }) } };
    }
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const parsed = JSON.parse(await body(req)) as RpcRequest | RpcRequest[];
      const out = Array.isArray(parsed) ? await Promise.all(parsed.map(handle)) : await handle(parsed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  (rpc as { url: string }).url = `http://127.0.0.1:${port}`;
  rpc.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await connection.close();
  };
  return rpc;
}

/** Deterministic validator keys, ascending by address. */
export function testKeys(label: string, count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, (_, i) => privateKeyToAccount(keccak256(toHex(`${label}-${i}`))))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

export const WNXT_LIMIT = 1_000_000n * 10n ** 8n;
export const WNXT_REFILL = WNXT_LIMIT / 86_400n;

/** NexusBridge's ABI with the calls only tests make (admin messages). */
export const TEST_BRIDGE_ABI = [
  ...NEXUS_BRIDGE_ABI,
  ...parseAbi([
    "function setRateLimit(address token, uint256 capacity, uint256 refillPerSecond, uint256 nonce, bytes signatures)",
    "function pause(uint256 pauseNonce, bytes signatures)",
    "function pauseNonce() view returns (uint256)",
  ]),
] as const;

export const TEST_TOKEN_ABI = [...erc20Abi, ...parseAbi(["function mint(address to, uint256 amount)"])] as const;

/**
 * A NexusBridge (with its WNXT) guarded by `validators` with `powers`, as typed viem contracts
 * (the artifacts' generated types are outside the TypeScript project, so the ABIs are ours).
 */
export async function deployBridge(
  rpc: Pick<HardhatRpc, "connection">,
  validators: readonly Address[],
  powers: readonly bigint[],
  limits: { capacity?: bigint; refill?: bigint } = {},
) {
  const { viem } = rpc.connection;
  const deployed = await viem.deployContract("NexusBridge", [[...validators], [...powers], limits.capacity ?? WNXT_LIMIT, limits.refill ?? WNXT_REFILL, WNXT_LIMIT, WNXT_REFILL]);
  const publicClient = await viem.getPublicClient();
  const [wallet] = await viem.getWalletClients();
  const client = { public: publicClient, wallet: wallet! };
  const bridge = getContract({ address: deployed.address, abi: TEST_BRIDGE_ABI, client });
  const wnxt = getContract({ address: await bridge.read.wnxt(), abi: TEST_TOKEN_ABI, client });
  return { bridge, wnxt };
}

/** Deploys contracts/test/TestToken (whole supply to the first wallet). */
export async function deployTestToken(rpc: HardhatRpc, name: string, supply: bigint) {
  const { viem } = rpc.connection;
  const deployed = await viem.deployContract("TestToken", [name, supply]);
  const publicClient = await viem.getPublicClient();
  const [wallet] = await viem.getWalletClients();
  return getContract({ address: deployed.address, abi: TEST_TOKEN_ABI, client: { public: publicClient, wallet: wallet! } });
}
