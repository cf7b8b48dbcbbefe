import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import { addressFor } from "../../runtime/crypto/address.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { signTx, type Signer } from "../../runtime/tx/sign.ts";
import type { DecodedTx } from "../../runtime/tx/envelope.ts";
import { Band } from "../../runtime/tx/bands.ts";
import { NexusNode } from "../../runtime/node/node.ts";
import { defaultNodeConfig, type NodeConfig } from "../../runtime/node/config.ts";
import { buildGenesis } from "../../runtime/node/genesis.ts";
import { ModuleManager } from "../../runtime/modules/manager.ts";
import { nexusModules } from "../../chains/nexus/chain.ts";
import { defaultBankGenesis } from "../../modules/bank/genesis.ts";
import { NXT } from "../../modules/bank/params.ts";
import { WorkerVerifyPool } from "../../runtime/node/verify-pool.ts";
import { buildSchemeRegistry } from "../../runtime/node/schemes.ts";
import { quantumSchemeProvider } from "../../plugins/quantum/index.ts";

export const BENCH_CHAIN = "nexus-bench-1";

/** The signature scheme of bench accounts: ed25519 unless NEXUS_BENCH_SCHEME names another. */
export const BENCH_SCHEME = process.env.NEXUS_BENCH_SCHEME ?? "ed25519";
const quantum = quantumSchemeProvider("node");
const schemes = buildSchemeRegistry([quantum]);
const signerMemo = new Map<number, Signer & { address: string }>();

/** Drop the memoized signers: a bench that has presigned its load frees their keys, so the client's memory does not weigh on the node sharing its heap. */
export function forgetBenchSigners(): void {
  signerMemo.clear();
}

export function benchSigner(i: number): Signer & { address: string } {
  let s = signerMemo.get(i);
  if (!s) {
    const scheme = BENCH_SCHEME === "ed25519" ? ed25519 : schemes.get(BENCH_SCHEME);
    const kp = scheme.generate(sha256(utf8(`bench-${i}`)));
    s = { scheme, secretKey: kp.secretKey, publicKey: kp.publicKey, address: addressFor(scheme.id, kp.publicKey) };
    signerMemo.set(i, s);
  }
  return s;
}

/** A signed 1-message NXT transfer (NANO band), on the bench chain unless `chainId` names another. */
export function transfer(from: Signer & { address: string }, to: string, amount: bigint, nonce: bigint, chainId = BENCH_CHAIN): DecodedTx {
  return signTx(
    {
      chainId,
      sender: from.address,
      nonce,
      band: Band.NANO,
      feeLimit: 1_000_000n,
      tip: 0n,
      timeoutHeight: 0,
      memo: "",
      msgs: [{ typeUrl: "/bank.v1.MsgSend", value: { from: from.address, to, amount: [{ denom: "nxt", amount: amount.toString() }] } }],
    },
    [from],
  );
}

export async function openBenchNode(opts: { senders: number; blockTimeMs?: number; config?: Partial<NodeConfig>; dir?: string; genesisTime?: number }): Promise<{ node: NexusNode; dir: string }> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "nexus-bench-"));
  const bank = defaultBankGenesis();
  for (let i = 0; i < opts.senders; i++) bank.balances.push({ address: benchSigner(i).address, coins: [{ denom: "nxt", amount: (1_000_000n * NXT).toString() }] });
  const genesis = buildGenesis(BENCH_CHAIN, opts.genesisTime ?? Date.now(), new ModuleManager(nexusModules("single")), { bank });
  const config = { ...defaultNodeConfig(), blockTimeMs: opts.blockTimeMs ?? 1000, ...opts.config };
  const node = await NexusNode.open({
    dataDir: join(dir, "data"),
    config,
    genesis,
    modules: nexusModules("single"),
    schemes: buildSchemeRegistry(BENCH_SCHEME === "ed25519" ? [] : [quantum]),
    proposer: benchSigner(1_000_000_000).address,
    logger: pino({ level: process.env.NEXUS_BENCH_LOG ?? "warn" }),
    verifier: new WorkerVerifyPool({ schemes: BENCH_SCHEME === "ed25519" ? [] : [quantum] }),
  });
  return { node, dir };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
