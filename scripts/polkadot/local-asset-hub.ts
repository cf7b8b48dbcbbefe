/**
 * A local Asset Hub: the REAL Asset Hub runtime (asset-hub-rococo, statemine spec 900, from the
 * raw genesis pinned in @substrate/connect-known-chains 1.10.3) executed offline by chopsticks
 * (@acala-network/chopsticks, smoldot's executor running the runtime's own wasm), in-process,
 * behind a WebSocket JSON-RPC. Blocks are built when transactions arrive (BuildBlockMode) and are
 * final at once. For development and tests: `npm run node:polkadot` (scripts/polkadot/node.ts) and
 * test/fixtures/asset-hub.ts.
 *
 * The raw genesis funds no account anyone holds a key for: `fund` sets native balances through
 * chopsticks' dev_setStorage (a development convenience, as Hardhat funds its accounts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiPromise, WsProvider } from "@polkadot/api";

export interface LocalAssetHub {
  /** ws://host:port */
  readonly wsUrl: string;
  readonly label: string;
  /** A client of the caller's own. */
  readonly api: ApiPromise;
  readonly ss58Prefix: number;
  /** Sets the free native balance of accounts (0x + 64 hex or SS58), in plancks (12 decimals). */
  fund(accounts: readonly string[], plancks: bigint): Promise<void>;
  /** Builds n empty blocks. */
  blocks(n: number): Promise<void>;
  close(): Promise<void>;
}

/** 1 ROC in plancks (12 decimals). */
export const ROC = 10n ** 12n;

let running = 0;

/**
 * "Instant": a block per transaction, as soon as it arrives (tests: each step is its own block);
 * "Batch": one block for what arrived within a short wait (load: approvals share blocks).
 */
export type BuildBlockMode = "Instant" | "Batch";

export async function startLocalAssetHub(o: { host?: string; port?: number; logLevel?: string; buildBlockMode?: BuildBlockMode } = {}): Promise<LocalAssetHub> {
  // chopsticks logs every block at info; its logger reads LOG_LEVEL when first loaded
  const prevLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = o.logLevel ?? prevLevel ?? "warn";
  const { setupWithServer, destroyWorker } = await import("@acala-network/chopsticks");
  const known = (await import("@substrate/connect-known-chains/rococo_v2_2_asset_hub")) as { chainSpec: string };
  const dir = mkdtempSync(join(tmpdir(), "nexus-assethub-"));
  const spec = join(dir, "rococo_v2_2_asset_hub.json");
  writeFileSync(spec, known.chainSpec);
  let ctx;
  try {
    ctx = await setupWithServer({ genesis: spec, port: o.port ?? 0, host: o.host ?? "127.0.0.1", "build-block-mode": o.buildBlockMode ?? "Instant" } as unknown as Parameters<typeof setupWithServer>[0]);
  } finally {
    if (prevLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = prevLevel;
  }
  running++;
  const wsUrl = `ws://${ctx.addr}`;
  const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true });
  const ss58Prefix = api.registry.chainSS58 ?? 42;
  return {
    wsUrl,
    label: `Asset Hub runtime (${api.runtimeVersion.specName.toString()} ${api.runtimeVersion.specVersion.toNumber()}) in chopsticks at ${wsUrl}`,
    api,
    ss58Prefix,
    async fund(accounts, plancks) {
      await api.rpc("dev_setStorage", { System: { Account: accounts.map((a) => [[a], { providers: 1, data: { free: plancks.toString() } }]) } });
    },
    async blocks(n) {
      await api.rpc("dev_newBlock", { count: n });
    },
    async close() {
      await api.disconnect().catch(() => undefined);
      await ctx.close();
      if (--running === 0) await destroyWorker();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
