/**
 * NXT over the bridge, NexusOS → Asset Hub → NexusOS, end to end, each piece its own process on
 * 127.0.0.1. The Asset Hub side is the REAL Asset Hub runtime (asset-hub-rococo, statemine spec
 * 900) executed offline by chopsticks (scripts/polkadot/node.ts), which builds a block from the
 * transactions that arrive together ("Batch") and finalizes it at once: no relay chain, no
 * 6-12 s slots. So the figures are those of NexusOS, the watchers and the runtime's execution, not
 * of Asset Hub's block times (on the live chain add its slot time and finality to each way).
 *
 *   - four BFT validators (`nexus start` on a devnet, block time --block-time) whose genesis
 *     bridges "assethub" (family substrate: ss58Prefix 2, assetId 1984, confirmations 0,
 *     outboundTtlSeconds 600);
 *   - the runtime in chopsticks, where the validators' accounts (their registered sr25519 keys)
 *     and the bridge multisig get native balance for fees and deposits (dev_setStorage);
 *   - four `nexus watcher` processes (one per validator: its operator key, its substrate key, its
 *     own node's RPC). No relayer: each watcher approves releases with its own extrinsics
 *     (pallet-multisig), the third approval executes the mint. The watchers' first passes approve
 *     the setup (asset + receipt collection, owned by the multisig).
 *
 * Phases (bench/lib/bridge-bench.ts): throughput — --transfers MsgBridgeOut submitted at once,
 * timed until every one is minted on Asset Hub, then every recipient sends its 1 NXT back
 * (batch_all[assets.transfer to the multisig, system.remark(nxs1…)]: the whole balance, so not transfer_keep_alive) at once, timed
 * until NexusOS credits every one; latency — --rate transfers/s for --seconds, each sent back as
 * soon as the bench sees it minted; exactly once — every transfer minted once and credited once,
 * the bridge's totals, NexusOS's escrow = the asset's supply outside the multisig: exit 1
 * otherwise.
 *
 * What bounds the figures: a watcher approves the open transfers one after another, each
 * approval waiting for its block; three approvals per transfer.
 *
 * Run: npx tsx bench/bridge-polkadot.ts [--transfers 50] [--rate 0.25 --seconds 80] … (--help)
 * Prints a table and writes bench/results/bridge-polkadot.json.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ApiPromise, WsProvider } from "@polkadot/api";
import { u8aToHex } from "@polkadot/util";
import { cryptoWaitReady, encodeAddress } from "@polkadot/util-crypto";
import pino from "pino";
import "../bridges/polkadot/register.ts";
import type { AttestationKeys } from "../bridges/core/attestation-keys.ts";
import { SubstrateChain } from "../bridges/polkadot/chain.ts";
import { SubstrateKey } from "../bridges/polkadot/keys.ts";
import { multisigFromAttestationKeys } from "../bridges/polkadot/multisig.ts";
import { assetBalance, assetSupply, substrateValidatorKey, substrateValidatorSeed } from "../bridges/polkadot/testing.ts";
import { NXT, type ChainSettings } from "../modules/bridge/params.ts";
import { SUBSTRATE_CHAIN } from "../modules/bridge/testing.ts";
import { sha256, toHex, utf8 } from "../runtime/crypto/hash.ts";
import { REPO, freePort } from "../test/helpers/spawn-node.ts";
import { waitForLog } from "./lib/devnet-procs.ts";
import { AMOUNT, BridgeBench, VALIDATORS, bridgeHelp, bridgeOptions, bridgeSettings, log, r1, type BenchDestination } from "./lib/bridge-bench.ts";

const CHAIN = "assethub";
const ASSET = "1984";
const ROC = 10n ** 12n;

const DEFAULTS = { transfers: "50", senders: "8", rate: "0.25", seconds: "80" };
const { values: args } = parseArgs({ options: { ...bridgeOptions(DEFAULTS) } });

if (args.help) {
  process.stdout.write(
    bridgeHelp({
      title: `bench/bridge-polkadot.ts: NexusOS → Asset Hub → NexusOS transfers/s and latency, four validator processes,
their watchers (no relayer: the validators' multisig approvals execute releases) and the real Asset Hub
runtime offline in chopsticks, in its own process (see the header of this file).`,
      d: DEFAULTS,
      own: "",
      sentBack: "a transfer back on Asset Hub",
      file: "bridge-polkadot.json",
    }),
  );
  process.exit(0);
}
const S = bridgeSettings(args);

async function main(): Promise<number> {
  await cryptoWaitReady();
  const bench = new BridgeBench("bridge-polkadot", S);
  try {
    // ---- the Asset Hub runtime in chopsticks, in its own process -------------------------------
    const port = await freePort();
    const hubProc = bench.spawn("asset-hub", ["--import", "tsx", join(REPO, "scripts/polkadot/node.ts"), "--port", String(port), "--log-level", "warn", "--build-block-mode", "Batch"]);
    const label = /(Asset Hub runtime .* in chopsticks at \S+)/.exec(await waitForLog(hubProc.logFile, "in chopsticks at", hubProc.proc))![1]!;
    const wsUrl = `ws://127.0.0.1:${port}`;
    const api = await ApiPromise.create({ provider: new WsProvider(wsUrl), noInitWarn: true });
    bench.onClose(() => api.disconnect());
    const ss58Prefix = api.registry.chainSS58 ?? 42;
    const client = await SubstrateChain.connect({ chain: CHAIN, wsUrl, ss58Prefix, logger: pino({ level: "silent" }) });
    bench.onClose(() => client.close());
    const fund = (accounts: readonly string[], plancks: bigint) => api.rpc("dev_setStorage", { System: { Account: accounts.map((a) => [[a], { providers: 1, data: { free: plancks.toString() } }]) } });

    // ---- the NexusOS devnet, bridging it -------------------------------------------------------
    const settings: ChainSettings = {
      ...SUBSTRATE_CHAIN,
      name: CHAIN,
      confirmations: 0,
      outboundTtlSeconds: 600,
      rateLimit: { capacity: (1_000_000n * NXT).toString(), refillPerSecond: (10_000n * NXT).toString() },
      substrate: { ss58Prefix, assetId: ASSET },
    };
    await bench.startDevnet(settings);
    log(`devnet up (${VALIDATORS} validators, ${S.blockTimeMs} ms blocks), ${label} after ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- substrate keys registered on NexusOS; their accounts and the multisig funded ----------
    const keys = await Promise.all(bench.layout.nodes.map((_, i) => substrateValidatorKey(i)));
    const ak = await bench.registerKeys<AttestationKeys>(
      "substrate",
      keys.map((k) => k.publicKeyHex),
    );
    const ms = multisigFromAttestationKeys(ak, ss58Prefix);
    await fund([...keys.map((k) => u8aToHex(k.pair.publicKey)), ms.account], 100_000n * ROC);

    // ---- the watchers (no relayer); their first passes set the asset up -------------------------
    await bench.startServices({
      common: { logFormat: "json", logLevel: "info", ...(S.watcherPollMs ? { pollIntervalMs: S.watcherPollMs } : {}) },
      watcherChain: (i) => ({ name: CHAIN, family: "substrate", wsUrl, multisigAddress: ms.address, validatorKey: { file: bench.keyFile(`watcher-${i}-substrate`, toHex(substrateValidatorSeed(i))) } }),
    });
    for (let i = 0; !(await api.query.assets.asset(ASSET)).isSome; i++) {
      if (i > 300) throw new Error("the watchers did not set the asset up within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`bridge multisig ${ms.address} (${ms.threshold} of ${ms.members.length} validators' substrate keys) holds asset ${ASSET}; 4 watchers started; setup took ${r1((Date.now() - bench.t0) / 1000)} s`);

    // ---- the Asset Hub side: mints seen in blocks, transfers back, the supply ----------------
    let scanned = (await client.bestNumber()) - 1n;
    const balance = (account: string) => assetBalance(api, ASSET, account);
    const hub: BenchDestination<SubstrateKey> = {
      name: "Asset Hub",
      chain: CHAIN,
      arrived: "minted",
      arrivals: "assets.Issued events",
      backOne: "transfer back",
      backMany: "transfers back (batch_all[assets.transfer of the whole 1 NXT to the multisig, remark nxs1…])",
      backKey: "transfersBack",
      recipient: (phase, i) => {
        const key = new SubstrateKey(sha256(utf8(`bench-bridge-${phase}-substrate-${i}`)));
        return { key, address: encodeAddress(key.pair.publicKey, ss58Prefix) };
      },
      /** Native balance for the fee of one transfer back each (and the existential deposit). */
      fund: async (ts) => void (await fund(ts.map((t) => u8aToHex(t.key.pair.publicKey)), 10n * ROC)),
      sendBack: async (t) => {
        await new Promise<void>((resolve, reject) => {
          api.tx.utility
            .batchAll([api.tx.assets.transfer(ASSET, ms.account, AMOUNT), api.tx.system.remark(t.back)])
            .signAndSend(t.key.pair, (r) => {
              if (r.status.isReady || r.status.isInBlock) resolve();
              if (r.isError) reject(new Error(`transfer back from ${t.dest}: ${r.status.type}`));
            })
            .catch(reject);
        });
      },
      /** assets.Issued of the asset in the blocks since the last call. */
      poll: async () => {
        const best = await client.bestNumber();
        const got: { to: string; amount: bigint }[] = [];
        for (let n = scanned + 1n; n <= best; n++) {
          const b = await client.block(n);
          for (const { event } of b.events) {
            if (event.section !== "assets" || event.method !== "Issued") continue;
            const [asset, owner, amount] = event.data as unknown as [{ toString(): string }, Uint8Array, { toBigInt(): bigint }];
            if (asset.toString() === ASSET) got.push({ to: encodeAddress(owner, ss58Prefix), amount: amount.toBigInt() });
          }
        }
        scanned = best;
        return got;
      },
      checks: async (all, nexusEscrow) => {
        const supply = await assetSupply(api, ASSET);
        const held = await balance(ms.account);
        const out = supply - held;
        const left = await Promise.all(all.map((t) => balance(u8aToHex(t.key.pair.publicKey))));
        const holding = left.filter((x) => x !== 0n).length;
        return {
          checks: [
            [`sent back once: the ${all.length} recipients on Asset Hub hold 0 of asset ${ASSET} (holding some: ${holding})`, holding === 0],
            [
              `NexusOS escrow ${BigInt(nexusEscrow.balance)} = owed ${nexusEscrow.owed} = asset ${ASSET} outside the multisig ${out} (supply ${supply} − held ${held}; base units)`,
              BigInt(nexusEscrow.balance) === BigInt(nexusEscrow.owed) && BigInt(nexusEscrow.balance) === out,
            ],
          ],
          results: { assetSupply: supply.toString(), multisigHeld: held.toString(), recipientsHolding: holding },
        };
      },
    };

    return await bench.run(hub, {
      file: "bridge-polkadot.json",
      results: {
        setup:
          `separate processes on one machine: 4 BFT validators (nexus devnet, ${S.blockTimeMs} ms blocks), 4 nexus watcher (one per validator, its own node; no relayer), ` +
          `the ${label.replace(/ at \S+$/, "")} in its own process (scripts/polkadot/node.ts, blocks built from what arrives together, final at once), the bench; ` +
          `confirmations 0, outboundTtlSeconds 600 (chain settings); the ${ms.threshold}-of-${ms.members.length} pallet-multisig of the validators' substrate keys; ` +
          `watcher config: defaults (docs/bridges.md)${S.watcherPollMs ? ` but pollIntervalMs ${S.watcherPollMs}` : " (pollIntervalMs 5000)"}`,
        validators: VALIDATORS,
        nexusBlockTimeMs: S.blockTimeMs,
        assetHub: { runtime: label.replace(/ at \S+$/, ""), buildBlockMode: "Batch" },
        multisig: { threshold: ms.threshold, members: ms.members.length },
        bridgeConfig: { pollIntervalMs: S.watcherPollMs ?? 5000 },
        amountNxt: Number(AMOUNT / NXT),
      },
    });
  } finally {
    await bench.close();
  }
}

process.exitCode = await main();
