/**
 * Rewrites the README's benchmark table from bench/results/*.json, so the README quotes only
 * figures a bench script measured. Run after the benches: `npx tsx bench/report.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const load = (f: string): any => (existsSync(root + "bench/results/" + f) ? JSON.parse(readFileSync(root + "bench/results/" + f, "utf8")) : undefined);
const rows: [string, string, string, string][] = [];
const row = (what: string, value: string | undefined, target: string, ok?: boolean): void => {
  if (value !== undefined) rows.push([what, value, target, ok === undefined ? "" : ok ? "✔ met" : "✘ not met"]);
};
const n = (x: number): string => x.toLocaleString("en-US").replace(/,/g, " ");
const date = (s?: string): string => (s ? s.slice(0, 10) : "");

const nt = load("node-transfers.json");
if (nt?.throughput) row(`signed Ed25519 transfers through one node, sustained (bench/node-transfers.ts, ${date(nt.throughput.measuredAt)})`, `${n(nt.throughput.sustainedTxPerSecond)} tx/s`, "≥ 5 000 tx/s", nt.throughput.sustainedTxPerSecond >= 5000);
if (nt?.latency) {
  row(`submit → committed at ${n(nt.latency.offeredTxPerSecond)} tx/s offered, p50`, `${n(nt.latency.p50ms)} ms`, "≤ 1 500 ms", nt.latency.p50ms <= 1500);
  row(`… p99`, `${n(nt.latency.p99ms)} ms`, "");
}
if (nt?.scale) {
  row(`block of ${n(nt.scale.blockTransfers)} transfers: ${n(nt.scale.accountsSmall)} vs ${n(nt.scale.accountsBig)} accounts (execute + root + commit, p50)`, `${n(nt.scale.blockMsSmallP50)} ms vs ${n(nt.scale.blockMsBigP50)} ms (×${nt.scale.ratio})`, "within ×2", nt.scale.ratio <= 2);
  const split = nt.scale.rssAnonMiBBig !== undefined ? ` (${n(nt.scale.rssAnonMiBBig)} anonymous + ${n(nt.scale.rssFileMiBBig)} file-backed: lmdb's mapped pages and the Node binary; a separate node process, launched with the node's heap flags, opened on the 1M-account state, after 5 blocks)` : "";
  row(`node RSS with ${n(nt.scale.accountsBig)} accounts`, `${n(nt.scale.rssMiBBig)} MiB${split}`, "< 1 024 MiB", nt.scale.rssMiBBig < 1024);
}
for (const [key, label, target] of [["throughput-hybrid-ed25519-ml-dsa-65", "hybrid Ed25519+ML-DSA-65", 2500], ["throughput-ml-dsa-65", "ML-DSA-65", undefined]] as const) {
  const r = nt?.[key];
  if (r) row(`signed ${label} transfers through one node, sustained`, `${n(r.sustainedTxPerSecond)} tx/s`, target ? `≥ ${n(target)} tx/s` : "", target ? r.sustainedTxPerSecond >= target : undefined);
}

const cr = load("crypto.json");
const op = (backend: string, scheme: string, o: string): any => cr?.results?.find((r: any) => r.backend === backend && r.scheme === scheme && r.op === o);
for (const [scheme, target] of [["ml-dsa-65", 5000], ["hybrid-ed25519-ml-dsa-65", 3000], ["ed25519", undefined]] as const) {
  const r = op("node", scheme, "verify");
  // Results written since the libsodium fast path say which Ed25519 verify they measured.
  const how = scheme === "ed25519" && cr?.ed25519VerifyBackend === "libsodium+openssl" ? " (libsodium fast path, node:crypto fallback)" : "";
  if (r) row(`${scheme} verify${how}, native backend, one core (bench/crypto.ts; best / median)`, `${n(r.opsPerSec)} / ${n(r.medianOpsPerSec)} per s`, target ? `≥ ${n(target)} per s` : "", target ? r.opsPerSec >= target : undefined);
}
const edOpenssl = op("node", "ed25519", "verify-openssl");
if (edOpenssl) row("… ed25519 verify by node:crypto alone, without the libsodium fast path (best / median)", `${n(edOpenssl.opsPerSec)} / ${n(edOpenssl.medianOpsPerSec)} per s`, "");

const gas = load("contracts-gas.json");
for (const r of gas?.results ?? []) {
  if (/swap \(pair|router.swap|add liquidity \(router.addLiquidity, existing|remove liquidity|bridge mint/.test(r.name)) {
    row(`gas: ${r.name}`, n(r.gas), r.target ? `≤ ${n(r.target)}` : "", r.target ? r.gas <= r.target : undefined);
  }
}

const st = load("state-store.json");
for (const s of st?.scenarios ?? []) {
  const b = s.mixedBlocks;
  if (b?.commitP50Ms === undefined) continue;
  row(
    `state store, ${s.shape ?? ""} block of ${n(s.changedKeysPerBlock ?? st.changedKeysPerBlock ?? 0)} changed keys at ${n(s.stateKeys)} keys (bench/state-store.ts): commit / stage / background apply, p50`,
    `${n(Math.round(b.commitP50Ms))} / ${n(Math.round(b.stageP50Ms))} / ${n(Math.round(b.applyP50Ms ?? 0))} ms`,
    "",
  );
}
if (st?.peakRssMiB !== undefined) row("state store alone with 1M keys: peak RSS (bench/state-store.ts)", `${n(Math.round(typeof st.peakRssMiB === "number" ? st.peakRssMiB : Math.max(...Object.values(st.peakRssMiB as Record<string, number>))))} MiB`, "");

const codecRun = load("codec.json")?.decode;
const codec = codecRun?.rows;
const txAlloc = codecRun?.alloc?.["decodeTx (transfer, 358 B)"];
if (codec?.["decodeTx (transfer, 358 B)"]) {
  const us = `${codec["decodeTx (transfer, 358 B)"].bestUs} µs`;
  if (txAlloc) row("decodeTx of a transfer: strict decode + canonical check (bench/codec.ts; best; bytes allocated)", `${us}; ${(txAlloc.heapBytes / 1000).toFixed(1)} KB`, "");
  else row("decodeTx of a transfer: strict decode + canonical check (bench/codec.ts; best)", us, "");
}

const dn = load("devnet.json")?.fourValidators;
if (dn) {
  const loads: any[] = dn.load ?? [];
  const cpu = (l: any): string => (l.validatorCpuPerCommittedTxUs ? `; ${n(l.validatorCpuPerCommittedTxUs)} µs of CPU per committed tx per validator` : "");
  const runs = (dn.runs ?? []).length;
  if (runs > 0) {
    // Median of the runs: the rate the chain kept up with while the load ran (after a 2 s ramp), finality on validator 0.
    const ok = loads.filter((l) => l.finalityMs?.p50 <= 2000 && Number.isFinite(l.steadyCommittedPerSecond));
    const best = ok.sort((a, b) => b.steadyCommittedPerSecond - a.steadyCommittedPerSecond)[0];
    const range = (l: any): string => (l.steadyRange ? ` (range ${n(l.steadyRange[0])}–${n(l.steadyRange[1])})` : "");
    if (best) {
      row(
        `four BFT validator processes (bench/devnet.ts, ${date(dn.measuredAt)}): transfers committed per second while the load ran, median of ${runs} runs on fresh devnets, best offered rate whose median p50 finality (submit → in a block seen by validator 0) is ≤ 2 s`,
        `${n(best.steadyCommittedPerSecond)} tx/s${range(best)} at ${n(best.offeredPerSecond)} offered (finality p50 ${n(best.finalityMs.p50)} ms, p99 ${n(best.finalityMs.p99)} ms${cpu(best)})`,
        "≥ 2 000 tx/s, p50 ≤ 2 s",
        best.steadyCommittedPerSecond >= 2000,
      );
    }
    for (const l of loads) {
      if (l === best) continue;
      row(`… at ${n(l.offeredPerSecond)} tx/s offered (median of ${runs})`, `${n(l.steadyCommittedPerSecond)} tx/s while the load ran${range(l)}, finality p50 ${n(l.finalityMs.p50)} ms / p99 ${n(l.finalityMs.p99)} ms${cpu(l)}`, "");
    }
    for (const l of loads) row(`… secondary: at ${n(l.offeredPerSecond)} tx/s offered, committed over the phase and its drain (median)`, `${n(l.committedPerSecond)} tx/s`, "");
  } else {
    const best = loads.filter((l) => l.finalityMs?.p50 <= 2000).sort((a, b) => b.committedPerSecond - a.committedPerSecond)[0];
    const steady = (l: { steadyCommittedPerSecond?: number }): string => (l.steadyCommittedPerSecond ? `; ${n(l.steadyCommittedPerSecond)} tx/s while the load ran` : "");
    if (best) row(`four BFT validator processes (bench/devnet.ts, ${date(dn.measuredAt)}): best sustained transfers with p50 finality ≤ 2 s (committed over the phase and its drain)`, `${n(best.committedPerSecond)} tx/s at ${n(best.offeredPerSecond)} offered (p50 ${n(best.finalityMs.p50)} ms, p99 ${n(best.finalityMs.p99)} ms${steady(best)}${cpu(best)})`, "≥ 2 000 tx/s, p50 ≤ 2 s", best.committedPerSecond >= 2000);
    for (const l of loads) if (l !== best) row(`… at ${n(l.offeredPerSecond)} tx/s offered`, `${n(l.committedPerSecond)} tx/s committed, finality p50 ${n(l.finalityMs.p50)} ms / p99 ${n(l.finalityMs.p99)} ms${steady(l)}${cpu(l)}`, "");
  }
  if (dn.emptyBlockIntervalMs) row("empty-block interval, four validators", `${n(dn.emptyBlockIntervalMs.mean)} ms mean (max ${n(dn.emptyBlockIntervalMs.max)})`, "≤ 1 000 ms", dn.emptyBlockIntervalMs.mean <= 1000);
  const e = dn.lateNodeEmptyChain;
  if (e?.blocksPerSecond) row("late node joining the devnet (validators at 500 ms blocks): sync of an empty-block chain (fetch, verify commit, execute, commit)", `${n(e.blocksPerSecond)} blocks/s`, "≥ 200 blocks/s", e.blocksPerSecond >= 200);
  if (dn.lateNode?.blocksPerSecond) {
    const tx = dn.lateNode.txsPerSecond ? ` (~${n(dn.lateNode.txsPerSecond)} tx/s, ${n(Math.round(dn.lateNode.txs / dn.lateNode.blocks))} tx/block)` : "";
    row(`late node: sync of the load phases' tx-heavy chain`, `${n(dn.lateNode.blocksPerSecond)} blocks/s${tx}`, e ? "" : "≥ 200 blocks/s", e ? undefined : dn.lateNode.blocksPerSecond >= 200);
  }
}
const sync = load("p2p-sync.json")?.sync;
for (const r of sync?.runs ?? []) {
  if (String(r.scenario).startsWith("verified")) row(`block sync over libp2p, ${r.scenario} (bench/p2p-sync.ts; no execution)`, `${n(r.blocksPerSecond)} blocks/s`, "");
}

/** A bridge bench's rows (bench/lib/bridge-bench.ts): throughput each way and round trip, latency, exactly once. */
const bridgeRows = (bx: any, o: { what: string; bench: string; arrived: string; where: string; sentBack: string; backFirst: string; escrow: string }): void => {
  if (bx?.throughput) {
    const t = bx.throughput;
    row(
      `${o.what} (${o.bench}, ${date(bx.measuredAt)}; ${n(t.transfers)} transfers submitted at once): out (all ${o.arrived}) / back (all credited) / round trip`,
      `${t.out.transfersPerSecond} / ${t.back.transfersPerSecond} / ${t.roundTrip.transfersPerSecond} transfers/s${t.back.firstCreditAfterSeconds !== undefined ? ` (back: ${o.backFirst}, first credit after ${t.back.firstCreditAfterSeconds} s, then ${t.back.creditsPerSecondFromFirst} credits/s)` : ""}`,
      "",
    );
  }
  if (bx?.latency) {
    const l = bx.latency;
    const s = (x: { p50: number; p99: number }): string => `${(x.p50 / 1000).toFixed(1)} / ${(x.p99 / 1000).toFixed(1)} s`;
    row(`… at ${l.offeredPerSecond} transfers/s offered: NexusOS submit → ${o.arrived} on ${o.where}; ${o.sentBack} → credited on NexusOS; round trip (p50 / p99)`, `${s(l.outMs)}; ${s(l.backMs)}; ${s(l.roundTripMs)}`, "");
  }
  const e = bx?.exactlyOnce;
  if (e) row(`… transfers ${o.arrived} exactly once / credited exactly once; ${o.escrow}`, `${n(e[`${o.arrived}Once`])} / ${n(e.creditedOnce)} of ${n(e.transfers)}`, "every one, once", e.ok);
};
const BRIDGE_BENCHES = [
  {
    file: "bridge-evm",
    what: (b: any): string => `NexusOS → EVM → NexusOS: four validator processes, their four watchers, a relayer, a Hardhat node mining a block every ${n(b.evmMining.intervalMs)} ms, ${b.confirmations} confirmations`,
    arrived: "minted", where: "EVM", sentBack: "EVM bridgeOut", escrow: "escrow = WNXT supply",
    backFirst: "the watchers first attest the outbound results",
  },
  {
    file: "bridge-polkadot",
    what: (b: any): string => `NexusOS → Asset Hub → NexusOS: four validator processes and their four watchers (no relayer: the validators' multisig approvals execute releases), and the real ${b.assetHub.runtime}, offline, in its own process (blocks built from what arrives together, final at once: no relay chain, no slot time)`,
    arrived: "minted", where: "Asset Hub", sentBack: "Asset Hub transfer back", escrow: "NexusOS escrow = the asset outside the bridge multisig",
    backFirst: "a transfer back is read by the watchers' next pass",
  },
  {
    file: "bridge-cosmos",
    what: (b: any): string => `NexusOS → Cosmos → NexusOS: four validator processes, their four watchers, a relayer, and for the Cosmos side a local CometBFT-0.38-RPC-compatible test chain, not a Cosmos node (test/fixtures/cosmos-chain, its own process, a block every ${n(b.cosmosChain.blockIntervalMs)} ms), ${b.confirmations} confirmation${b.confirmations === 1 ? "" : "s"}, outboundTtlSeconds ${b.outboundTtlSeconds}`,
    arrived: "released", where: "Cosmos", sentBack: "Cosmos deposit", escrow: "NexusOS escrow = the denom out of the Cosmos escrow multisig",
    backFirst: "a deposit is final a block after its own, then seen by the watchers' next timed pass (pollIntervalMs)",
  },
];
for (const o of BRIDGE_BENCHES) {
  const bx = load(`${o.file}.json`)?.roundTrips;
  if (bx) bridgeRows(bx, { ...o, what: `NXT over the bridge ${o.what(bx)}`, bench: `bench/${o.file}.ts` });
  const cx = load(`${o.file}.json`)?.chaos;
  const ce = cx?.exactlyOnce;
  if (ce && cx.chaos) {
    row(
      `… exactly once under chaos (bench/${o.file}.ts --chaos, ${date(cx.measuredAt)}): ${cx.chaos.racingRelayer ? "the relayer process" : "a watcher process drawn at random"} SIGKILLed and restarted ${n(cx.chaos.kills ?? cx.chaos.relayerKills)} times at random moments${cx.chaos.racingRelayer ? ", a second relayer racing it" : ""}, ${n(ce.transfers)} transfers each way: ${o.arrived} once / credited once`,
      `${n(ce[`${o.arrived}Once`])} / ${n(ce.creditedOnce)} of ${n(ce.transfers)}`,
      "every one, once",
      ce.ok,
    );
  }
  const rot = load(`${o.file}.json`)?.rotation;
  if (rot) {
    row(
      `… validator-set rotation under the running processes (bench/${o.file}.ts --rotate, ${date(rot.measuredAt)}): ${rot.change}; NexusOS's set changed / the destination held it (set ${rot.setIdBefore} → ${rot.setIdAfter}) / a transfer made after it ${o.arrived}`,
      `${rot.secondsToNexusSet ?? "—"} s / ${rot.secondsToContractSet ?? "—"} s after the delegation / ${rot.secondsToMintAfterRotation ?? "—"} s`,
      "the set follows; transfers go on",
      rot.ok,
    );
  }
}

const dx = load("dex-swaps.json")?.swaps;
if (dx) {
  row(`signed DEX swaps through one node, sustained (bench/dex-swaps.ts, ${date(dx.measuredAt)})`, `${n(dx.native.sustainedSwapsPerSecond)} swaps/s (${n(dx.native.failedReceipts)} failed receipts)`, "≥ 5 000 swaps/s", dx.native.sustainedSwapsPerSecond >= 5000);
  row(`… the same swaps through NexusDEX on Hardhat's in-process EVM (one swap per block)`, `${n(dx.evm.swapsPerSecond)} swaps/s (${n(dx.evm.gasPerSwap)} gas each); native ×${dx.ratio}`, "");
}
const et = load("epoch-transition.json")?.endBlock;
if (et?.results?.length === 2) {
  const [small, big] = et.results;
  const ops = (r: any): string => `${r.perEndBlock.gets} reads / ${r.perEndBlock.sets} writes`;
  row(`economy end block with an epoch transition: ${n(small.accounts)} vs ${n(big.accounts)} accounts (bench/epoch-transition.ts; p50; store operations)`, `${n(small.usPerEndBlock.p50)} µs vs ${n(big.usPerEndBlock.p50)} µs; ${ops(small)} vs ${ops(big)}`, "equal: walks no accounts", ops(small) === ops(big));
}

const rlAll = load("rpc-load.json");
const rl = rlAll?.load;
if (rl) {
  row(`WebSocket clients held by one node, each subscribed to blocks and its own account (bench/rpc-load.ts, ${date(rl.measuredAt)})`, `${n(rl.connectionsHeld)} of ${n(rl.clients)} (${n(rl.refused)} refused); node RSS peak ${n(rl.nodeRssMiBPeak)} MiB`, "10 000", rl.connectionsHeld >= 10000);
  row(`… block-notification lag while committing ${n(rl.transfersCommitted)} transfers to the watched accounts (p50 / p99)`, `${n(rl.lagP50ms)} / ${n(rl.lagP99ms)} ms`, `p99 < ${n(rl.blockIntervalMs)} ms (one block)`, rl.lagP99ms < rl.blockIntervalMs);
  row(`… notifications missed by clients that keep up; outside nexus_status p50 / p99`, `${n(rl.missedByClients)}; ${n(rl.statusP50ms)} / ${n(rl.statusP99ms)} ms`, "0 missed", rl.missedByClients === 0);
}
const rs = rlAll?.loadShared;
if (rs) {
  row(`… worst case, all ${n(rs.clients)} clients watching the one account every transfer pays (\`--watch shared\`, ${date(rs.measuredAt)}): lag p50 / p99; account notifications; node RSS peak`, `${n(rs.lagP50ms)} / ${n(rs.lagP99ms)} ms; ${n(rs.eventNotifications)} in ${n(rs.blocksDuringHold)} blocks; ${n(rs.nodeRssMiBPeak)} MiB`, "", undefined);
}

const ss = load("state-sync.json")?.["accounts-1000000"];
if (ss) {
  row(`joining a network whose state holds ${n(ss.accounts)} accounts (${n(ss.stateKeys)} keys): by state sync vs by block sync from genesis, to the validator's height (bench/state-sync.ts, ${date(ss.measuredAt)}; one validator and the joiner in one process, libp2p on 127.0.0.1)`, `${ss.stateSyncSeconds} s vs ${ss.blockSyncSeconds} s (×${ss.speedup})`, "faster than replaying", ss.stateSyncSeconds < ss.blockSyncSeconds);
  row(`… the snapshot it restored (height ${ss.snapshot.height}): size / time to write it while blocks went on`, `${ss.snapshot.mib} MiB / ${ss.snapshot.writeSeconds} s`, "");
}
const bh = load("bhls-claims.json")?.claims;
const big = bh?.results?.["1000000"];
const smallB = bh?.results?.["1000"];
if (big?.claims) {
  // The target holds only if every run on the file holds it: a node runs on a file it has written for a while.
  const reruns = (big.claimReruns ?? []) as { sustainedPerSecond: number }[];
  const worst = Math.min(big.claims.sustainedPerSecond, ...reruns.map((r) => r.sustainedPerSecond));
  const again = reruns.length ? `; the same file again: ${reruns.map((r) => n(r.sustainedPerSecond)).join(" / ")} claims/s` : "";
  row(`signed BHLS claims through one node with ${n(big.citizens)} citizens (bench/bhls-claims.ts, ${date(bh.measuredAt)}; ${n(big.claims.txs)} claims, each by its own citizen and naming its epoch (nonce-free), in a fresh process on the freshly filled data directory, then ${reruns.length} more runs on that file in later epochs)`, `${n(big.claims.sustainedPerSecond)} claims/s${again}; registrations ${n(big.registrations.sustainedPerSecond)}/s`, "≥ 5 000 claims/s", worst >= 5000);
  if (big.claims.cpuUsPerTx) row(`… CPU per claim in the first run, by thread: main / workers (signature checks, state applier) / V8's (GC)`, `${big.claims.cpuUsPerTx.main} / ${big.claims.cpuUsPerTx.worker} / ${big.claims.cpuUsPerTx.v8} µs (${big.claims.cpuUsPerTx.total} in all)`, "");
  if (smallB?.rollover) row(`… epoch rollover block / first claim of an epoch: ${n(smallB.citizens)} vs ${n(big.citizens)} citizens (median)`, `${smallB.rollover.rolloverBlockMs} / ${smallB.rollover.firstClaimBlockMs} ms vs ${big.rollover.rolloverBlockMs} / ${big.rollover.firstClaimBlockMs} ms`, "equal: walks no citizens");
}

const gt = load("governance-tally.json")?.tally;
if (gt?.one) {
  const q = gt.parameters;
  const s = gt.one.sectionsP50Ms;
  row(
    `governance end block ending one proposal: ${n(q.voters)} voters over ${n(q.delegations)} delegations, ${n(q.validators)} validators, on lmdb (bench/governance-tally.ts, ${date(gt.measuredAt)}; p50 / max of ${gt.one.samplesMs.length})`,
    `${n(Math.round(gt.one.endBlockMs.p50))} / ${n(Math.round(gt.one.endBlockMs.max))} ms`,
    `≤ ${n(gt.one.targetMs)} ms`,
    gt.one.endBlockMs.p50 <= gt.one.targetMs,
  );
  if (s.currentTally !== undefined && gt.one.voteUs) {
    row(`… of which the running tally (one aggregate per validator) / a vote's keeper work, which keeps it (p50)`, `${s.currentTally} ms / ${n(Math.round(gt.one.voteUs.p50))} µs`, "");
    row(`… for comparison, a tally from scratch (Cosmos's way): reading the voters' delegations / the pure tally (p50)`, `${n(Math.round(s.fromScratchReadDelegations))} / ${n(Math.round(s.fromScratchPureTally))} ms`, "");
  }
  if (gt.many) row(`… end block ending ${n(gt.many.proposals)} proposals of ${n(gt.many.votersEach)} voters each (maxEndingPerBlock ${n(gt.many.maxEndingPerBlock)}; p50)`, `${n(Math.round(gt.many.endBlockMs.p50))} ms (${gt.many.msPerProposal} ms per proposal)`, "");
}
const ar = load("arbitration-rulings.json")?.rulings;
if (ar) {
  row(
    `arbitration MsgSubmitRuling through the message router on lmdb, panels of ${ar.parameters.panelSize} from ${n(ar.parameters.arbiters)} arbiters (bench/arbitration-rulings.ts, ${date(ar.measuredAt)}; handlers / with each block's commit)`,
    `${n(ar.rulingsPerSecondHandlers)} / ${n(ar.rulingsPerSecondWithCommit)} rulings/s`,
    "",
  );
  row(`… the panel's last ruling, which decides the round: stands / escalates to governance (p50; decision's cost over a 1st/2nd ruling)`, `${n(ar.perRulingUs.lastDecidesStands.p50)} / ${n(ar.perRulingUs.lastDecidesEscalates.p50)} µs (+${n(ar.decisionCostUs.stands)} / +${n(ar.decisionCostUs.escalates)} µs)`, "");
}

const table = ["| figure | measured | target | |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const readme = readFileSync(root + "README.md", "utf8");
const out = readme.replace(/<!-- bench-figures:start -->[\s\S]*<!-- bench-figures:end -->/, `<!-- bench-figures:start -->\n${table}\n<!-- bench-figures:end -->`);
writeFileSync(root + "README.md", out);
console.log(table);
