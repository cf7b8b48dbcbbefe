/**
 * Economy end block with an epoch transition: time and state operations per transition with
 * 1 000 and with 1 000 000 accounts holding NXT in state. The transition reads three balances
 * and the citizen count and makes at most 13 transfers; fee routing reads one balance, burns,
 * asks staking for one allocation and makes one transfer. Nothing walks the accounts, so the
 * two figures should match (only the store's lookup cost grows with its size).
 *
 *   npx node --import tsx bench/epoch-transition.ts [--small 1000] [--big 1000000] [--runs 300]
 *
 * State is an in-memory store (MemoryKV) populated directly with bank balance keys (the bank's
 * own key layout) for speed; each measured end block runs on a fresh Branch over it (discarded,
 * so every run sees the same state: fees in fee_collector and a transition due), through a
 * counting layer that records what the modules ask of the store. Figures are printed and
 * written to bench/results/epoch-transition.json; nothing is asserted.
 */
import { CountingStore as Counting } from "./lib/state-helpers.ts";
import { GENESIS_PREV_HASH } from "../runtime/modules/types.ts";
import { performance } from "node:perf_hooks";
import { MemoryKV } from "../runtime/state/memory-kv.ts";
import { Branch } from "../runtime/state/branch.ts";
import { ExecContext } from "../runtime/modules/context.ts";
import { namespacePrefix } from "../runtime/modules/prefixed-store.ts";
import { moduleAddress } from "../runtime/crypto/address.ts";
import { concatBytes } from "../runtime/crypto/hash.ts";
import { uintValue } from "../runtime/state/collections/index.ts";
import { BankKeeper, bankConfig, defaultModuleAccountPermissions } from "../modules/bank/index.ts";
import { Balances } from "../modules/bank/keys.ts";
import { StakingKeeper } from "../modules/staking/index.ts";
import { EconomyKeeper, ECONOMY_MODULE_ACCOUNT_PERMISSIONS, defaultEconomyParams, FEE_COLLECTOR, TRANSITION_RESERVE, BHLS_FLOOR_RESERVE, TREASURY } from "../modules/economy/index.ts";
import { RuntimeEnergyPrice } from "../modules/economy/keeper/energy-price.ts";
import { economyConfig } from "../modules/economy/params.ts";
import { writeResults, rssMiB, progress } from "./lib/results.ts";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const SMALL = arg("small", 1_000);
const BIG = arg("big", 1_000_000);
const RUNS = arg("runs", 300);
const NXT = 100_000_000n;
const GENESIS = 1_767_225_600_000;


function keepers(): { bank: BankKeeper; economy: EconomyKeeper } {
  const bank = new BankKeeper(bankConfig({ permissions: { ...defaultModuleAccountPermissions(), ...ECONOMY_MODULE_ACCOUNT_PERMISSIONS } }));
  const staking = new StakingKeeper(bank);
  const economy = new EconomyKeeper(bank, staking, { citizenCount: () => 1_000n }, new RuntimeEnergyPrice(), economyConfig());
  return { bank, economy };
}

/** `accounts` keyed balances written straight into the bank's layout, plus the module accounts. */
function populate(accounts: number): { base: MemoryKV; seconds: number } {
  const t0 = performance.now();
  const base = new MemoryKV();
  const ns = namespacePrefix("bank");
  const template = Balances.rawKey([moduleAddress("template"), "nxt"]); // 0x01 | address(32) | "nxt"
  const value = uintValue.encode(1_000n * NXT);
  const key = concatBytes(ns, template);
  const at = ns.length + 1;
  for (let i = 0; i < accounts; i++) {
    // Address bytes from the index, spread over the key space (byte order ≠ insertion order).
    let x = (i + 1) * 2654435761;
    for (let b = 0; b < 32; b++) {
      key[at + b] = (x >>> ((b % 4) * 8)) & 0xff;
      if (b % 4 === 3) x = Math.imul(x ^ (x >>> 15), 2246822519) >>> 0;
    }
    base.set(key, value);
    if (i % 100_000 === 99_999) progress(`populate ${accounts}`, i + 1, accounts);
  }
  const { bank, economy } = keepers();
  const g = new ExecContext({ chainId: "bench", height: 0, time: GENESIS, proposer: "", prevHash: GENESIS_PREV_HASH }, "genesis", base);
  for (const [m, amount] of [
    [FEE_COLLECTOR, 123_456_789n],
    [TRANSITION_RESERVE, 100_000_000n * NXT + 999n],
    [BHLS_FLOOR_RESERVE, 200_000_000n * NXT],
    [TREASURY, 400_000_000n * NXT],
  ] as const) {
    bank.genesisCredit(g, moduleAddress(m), { denom: "nxt", amount });
  }
  economy.setParams(g, { ...defaultEconomyParams(), epochDurationMs: 60_000 });
  economy.store.setEpoch(g, { epoch: 1, startMs: GENESIS, treasuryDrawn: "0" });
  // Sort MemoryKV's key cache once, as a store's index would be: iteration below then costs what it would.
  for (const _ of base.iterate(new Uint8Array([0]), undefined, { limit: 1 })) void _;
  return { base, seconds: (performance.now() - t0) / 1000 };
}

interface Figures {
  accounts: number;
  stateKeys: number;
  populateSeconds: number;
  runs: number;
  usPerEndBlock: { mean: number; p50: number; p99: number };
  perEndBlock: { gets: number; sets: number; deletes: number; iterations: number; entriesIterated: number };
  transfersInTransition: number;
  rssMiB: number;
}

function measure(accounts: number): Figures {
  const { base, seconds } = populate(accounts);
  const { economy } = keepers();
  const times: number[] = [];
  let counts = { gets: 0, sets: 0, deletes: 0, iterations: 0, entriesIterated: 0 };
  let transfers = 0;
  for (let i = -20; i < RUNS; i++) {
    const top = new Counting(new Branch(base));
    const ctx = new ExecContext({ chainId: "bench", height: 1000 + i, time: GENESIS + 60_000 + 1000, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", top);
    const t0 = performance.now();
    const r = economy.endBlock(ctx);
    const dt = performance.now() - t0;
    if (!r.transition) throw new Error("no transition happened");
    if (i < 0) continue; // warm-up
    times.push(dt * 1000);
    counts = { gets: top.gets, sets: top.sets, deletes: top.deletes, iterations: top.iterations, entriesIterated: top.iterated };
    transfers = ctx.events.filter((e) => e.type === "bank.transfer").length;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const f: Figures = {
    accounts,
    stateKeys: base.size,
    populateSeconds: Math.round(seconds * 10) / 10,
    runs: RUNS,
    usPerEndBlock: { mean: Math.round(mean), p50: Math.round(times[Math.floor(times.length / 2)]!), p99: Math.round(times[Math.floor(times.length * 0.99)]!) },
    perEndBlock: counts,
    transfersInTransition: transfers,
    rssMiB: rssMiB(),
  };
  return f;
}

const results: Figures[] = [];
for (const n of [SMALL, BIG]) {
  const f = measure(n);
  results.push(f);
  console.log(
    `${String(f.accounts).padStart(9)} accounts (${f.stateKeys} keys, populated in ${f.populateSeconds}s): ` +
      `end block with fee routing + epoch transition ${f.usPerEndBlock.mean} µs mean (p50 ${f.usPerEndBlock.p50}, p99 ${f.usPerEndBlock.p99}); ` +
      `store ops ${f.perEndBlock.gets} gets, ${f.perEndBlock.sets} sets, ${f.perEndBlock.deletes} deletes, ${f.perEndBlock.iterations} range scans over ${f.perEndBlock.entriesIterated} entries; ` +
      `${f.transfersInTransition} bank transfers; RSS ${f.rssMiB} MiB`,
  );
  global.gc?.();
}
const same = JSON.stringify(results[0]!.perEndBlock) === JSON.stringify(results[1]!.perEndBlock);
console.log(same ? "store operations are identical at both sizes: the end block does not walk accounts" : "store operations DIFFER between sizes");
const path = writeResults("epoch-transition.json", "endBlock", { runs: RUNS, results, sameStoreOpsAtBothSizes: same });
console.log(`results: ${path}`);
