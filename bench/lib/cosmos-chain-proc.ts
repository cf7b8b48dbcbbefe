/**
 * The Cosmos side of bench/bridge-cosmos.ts in a process of its own: the test chain of
 * test/fixtures/cosmos-chain — A LOCAL COMETBFT-0.38-RPC-COMPATIBLE TEST CHAIN, NOT A COSMOS
 * NODE — serving its RPC on 127.0.0.1 and making a block every --block-ms (a timer: no
 * consensus). Its faucet is the fixture's (cosmosFixtureAt drives it from another process).
 *
 * Prints "cosmos test chain listening on <url> …" once it serves, and every --stats-ms a line
 * with its height, the transactions of the last blocks and the RPC requests served; stops on
 * SIGTERM / SIGINT.
 *
 * Run: npx tsx bench/lib/cosmos-chain-proc.ts [--block-ms 1000] [--port 0] [--chain-id nexus-cosmos-test-1] [--denom unxt]
 */
import { parseArgs } from "node:util";
import { cosmosTarget } from "../../test/fixtures/cosmos-chain/index.ts";

const { values: args } = parseArgs({
  options: {
    "block-ms": { type: "string", default: "1000" },
    port: { type: "string", default: "0" },
    "chain-id": { type: "string", default: "nexus-cosmos-test-1" },
    prefix: { type: "string", default: "cosmos" },
    denom: { type: "string", default: "unxt" },
    "stats-ms": { type: "string", default: "10000" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  process.stdout.write(`bench/lib/cosmos-chain-proc.ts: test/fixtures/cosmos-chain (a local CometBFT-0.38-RPC-compatible test chain,
not a Cosmos node) in its own process on 127.0.0.1.

  --block-ms MS     a block every MS (default 1000)
  --port P          RPC port (default 0: any free one; the URL is printed)
  --chain-id ID     chain id (default nexus-cosmos-test-1)
  --prefix P        bech32 prefix (default cosmos)
  --denom D         the bridged denom its faucet holds (default unxt; fees are paid in stake)
  --stats-ms MS     a stats line this often (default 10000; 0: none)
`);
  process.exit(0);
}

const blockMs = Number(args["block-ms"]);
if (!(blockMs > 0)) throw new Error("--block-ms must be positive");
// env {}: always the fixture, never the node NEXUS_COSMOS_RPC_URL may name.
const target = await cosmosTarget({ blockIntervalMs: blockMs, port: Number(args.port), chainId: args["chain-id"]!, prefix: args.prefix!, denom: args.denom! }, {});
const chain = target.chain!;
console.log(`cosmos test chain listening on ${target.rpcUrl} (chain ${target.chainId}, a block every ${blockMs} ms; ${target.label})`);

const statsMs = Number(args["stats-ms"]);
let seen = chain.height;
const stats =
  statsMs > 0
    ? setInterval(() => {
        const txs = chain.blocks.slice(seen).reduce((n, b) => n + b.txs.length, 0);
        seen = chain.height;
        const calls = [...target.server!.calls].map(([m, n]) => `${m} ${n}`).join(", ");
        console.log(`height ${chain.height}, ${txs} txs in the last ${statsMs / 1000} s, mempool ${chain.mempoolSize}; RPC requests so far: ${calls}`);
      }, statsMs)
    : undefined;

const stop = async (): Promise<void> => {
  if (stats) clearInterval(stats);
  await target.close();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
