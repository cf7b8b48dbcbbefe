import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { NexusNode } from "../../runtime/node/node.ts";
import { defaultNodeConfig, type NodeConfig } from "../../runtime/node/config.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { nexusModules } from "../../chains/nexus/chain.ts";
import type { ChainModule } from "../../runtime/modules/types.ts";
import type { GenesisDoc } from "../../runtime/app/application.ts";
import { SchemeRegistry } from "../../runtime/crypto/signature-scheme.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import type { Signer } from "../../runtime/tx/sign.ts";
import type { SigVerifier } from "../../runtime/app/sig-verifier.ts";
import { NXT } from "../../modules/bank/params.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";

export const TEST_CHAIN_ID = "nexus-test-1";
export const GENESIS_TIME = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** Deterministic test key n (seed = sha256("test-key-n")). */
export function testSigner(n: number): Signer & { address: string } {
  const kp = ed25519.generate(sha256(utf8(`test-key-${n}`)));
  return { scheme: ed25519, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(ed25519.id, kp.publicKey) };
}

export function testGenesis(opts: { funded?: number; amount?: bigint; modules?: ChainModule[]; extra?: Record<string, unknown> } = {}): GenesisDoc {
  const modules = opts.modules ?? nexusModules("single");
  const bank = defaultBankGenesis();
  bank.balances = Array.from({ length: opts.funded ?? 4 }, (_, i) => ({
    address: testSigner(i).address,
    coins: [{ denom: "nxt", amount: (opts.amount ?? 1_000_000n * NXT).toString() }],
  }));
  return buildGenesis(TEST_CHAIN_ID, GENESIS_TIME, new ModuleManager(modules), { bank, ...opts.extra });
}

export function testSchemes(): SchemeRegistry {
  return new SchemeRegistry().register(ed25519);
}

export interface TestNode {
  node: NexusNode;
  dir: string;
  /** Advances one second per block, so block times are deterministic. */
  clock: { t: number };
  close(): Promise<void>;
  reopen(): Promise<TestNode>;
}

export async function openTestNode(
  opts: { dir?: string; genesis?: GenesisDoc; modules?: ChainModule[]; config?: Partial<NodeConfig>; verifier?: SigVerifier; schemes?: SchemeRegistry } = {},
): Promise<TestNode> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "nexus-test-"));
  const genesis = opts.genesis ?? testGenesis({ modules: opts.modules });
  const clock = { t: GENESIS_TIME };
  const schemes = opts.schemes ?? testSchemes();
  const node = await NexusNode.open({
    dataDir: join(dir, "data"),
    config: { ...defaultNodeConfig(), checkInvariants: true, ...opts.config },
    genesis,
    modules: opts.modules ?? nexusModules("single"),
    schemes,
    proposer: testSigner(99).address,
    logger: pino({ level: process.env.NEXUS_TEST_LOG ?? "silent" }),
    verifier: opts.verifier,
    now: () => (clock.t += 1000),
  });
  const t: TestNode = {
    node,
    dir,
    clock,
    close: async () => {
      await node.stop();
    },
    reopen: async () => {
      await node.stop();
      return openTestNode({ ...opts, dir, genesis });
    },
  };
  return t;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
