/**
 * `npm run test:mutation [-- <group> ...]`: StrykerJS over the safety-critical files, one run
 * per group of files with the unit tests that cover them (stryker.config.mjs says why), then a
 * score per file. Reports: reports/mutation/<group>.json; the summary: reports/mutation/summary.md.
 * `--list` prints the groups. Not part of `npm test`: the full run takes hours on 2 cores.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";

interface Group {
  mutate: string[];
  specs: string[];
}

// npx: the project's Node 24 (node_modules/.bin/node), not the system's. --bail: a mutant is
// killed by its first failing test; the rest of the group's tests need not run.
const MOCHA = "npx mocha --no-config --node-option import=tsx --timeout 30000 --bail";

/** New modules join here as they land (dex, bhls, governance, arbitration, bridge). */
export const GROUPS: Record<string, Group> = {
  "sign-guard": { mutate: ["runtime/consensus/sign-guard.ts"], specs: ["test/consensus/sign-guard.test.ts", "test/consensus/wal.test.ts"] },
  "consensus-core": {
    mutate: ["runtime/consensus/core/state-machine.ts", "runtime/consensus/core/vote-set.ts"],
    specs: ["test/consensus/core.test.ts", "test/consensus/core-rules.test.ts", "test/consensus/messages.test.ts"],
  },
  "validator-set": {
    mutate: ["runtime/consensus/validator-set.ts", "runtime/consensus/commit.ts", "runtime/consensus/evidence.ts"],
    specs: ["test/consensus/validator-set.test.ts", "test/consensus/commit-evidence.test.ts", "test/consensus/messages.test.ts", "test/consensus/core.test.ts"],
  },
  // Split in two so that the fee schedule (fast tests) does not wait behind the application.
  "tx-execution": {
    mutate: ["runtime/app/ante.ts", "runtime/app/application.ts"],
    specs: ["test/app/bad-input.test.ts", "test/app/block-replay.test.ts", "test/app/determinism.test.ts", "test/app/ante-rules.test.ts", "test/app/execution-rules.test.ts", "test/app/application-rules.test.ts", "test/tx/*.test.ts", "modules/bhls/nonce-free.test.ts"],
  },
  // Sender queues, the nonce-free lane (one-time messages), eviction.
  mempool: { mutate: ["runtime/node/mempool.ts"], specs: ["runtime/node/mempool-one-time.test.ts", "test/node/mempool.test.ts", "modules/bhls/nonce-free.test.ts"] },
  fees: { mutate: ["runtime/tx/fees.ts"], specs: ["test/tx/*.test.ts", "test/app/bad-input.test.ts"] },
  bank: { mutate: ["modules/bank/keeper/bank-keeper.ts", "modules/bank/invariants.ts"], specs: ["modules/bank/*.test.ts"] },
  "proof-verify": { mutate: ["runtime/state/proof-verify.ts"], specs: ["test/state/proof.test.ts"] },
  hybrid: { mutate: ["plugins/quantum/schemes/hybrid.ts"], specs: ["test/quantum/schemes.test.ts", "test/quantum/hybrid-layout.test.ts"] },
  // The modules that came after: their rules and the keeper code that moves coins.
  dex: {
    mutate: ["modules/dex/amm.ts", "modules/dex/keeper/pair.ts", "modules/dex/keeper/router.ts", "modules/dex/keeper/oracle.ts"],
    specs: [
      "modules/dex/amm.test.ts",
      "modules/dex/amm-edges.test.ts",
      "modules/dex/pair-rules.test.ts",
      "modules/dex/router-oracle-rules.test.ts",
      "modules/dex/msgs.test.ts",
      "modules/dex/oracle.test.ts",
      "modules/dex/genesis.test.ts",
      "modules/dex/properties.test.ts",
      "modules/dex/attacks.test.ts",
    ],
  },
  economy: {
    mutate: ["modules/economy/routing.ts", "modules/economy/transition.ts", "modules/economy/stability.ts", "modules/economy/keeper/fees.ts", "modules/economy/keeper/epochs.ts", "modules/economy/keeper/postage.ts"],
    specs: ["modules/economy/*.test.ts"],
  },
  bhls: {
    mutate: ["modules/bhls/attestation.ts", "modules/bhls/categories.ts", "modules/bhls/keeper/claims.ts", "modules/bhls/keeper/citizens.ts"],
    specs: ["modules/bhls/*.test.ts"],
  },
  gov: {
    mutate: ["modules/governance/tally.ts", "modules/governance/constitution/rules.ts", "modules/governance/endorsement.ts", "modules/governance/keeper/proposal-checks.ts"],
    specs: ["modules/governance/*.test.ts", "modules/governance/constitution/*.test.ts", "modules/governance/keeper/*.test.ts"],
  },
  arbitration: {
    mutate: ["modules/ai-arbitration/panel.ts", "modules/ai-arbitration/tally.ts", "modules/ai-arbitration/keeper/outcomes.ts"],
    specs: ["modules/ai-arbitration/*.test.ts", "modules/ai-arbitration/keeper/*.test.ts"],
  },
  // What credits, locks, refunds and checks signatures: a surviving mutant there mints or loses NXT.
  // The pure rules (fast unit tests) apart from the keepers (each test runs a node).
  "bridge-rules": {
    mutate: ["modules/bridge/rules.ts", "modules/bridge/eip712.ts", "modules/bridge/families.ts"],
    specs: ["modules/bridge/rules.test.ts", "modules/bridge/eip712.test.ts", "modules/bridge/eip712-rules.test.ts", "modules/bridge/families.test.ts", "modules/bridge/families-rules.test.ts", "modules/bridge/keys.test.ts"],
  },
  bridge: {
    mutate: ["modules/bridge/keeper/outbound.ts", "modules/bridge/keeper/inbound.ts", "modules/bridge/keeper/bhls-delivery.ts", "modules/bridge/keeper/set-updates.ts"],
    // The keepers' own tests first (direct calls on a state branch, about a second): most mutants die there.
    specs: ["modules/bridge/keeper-refusals.test.ts", "modules/bridge/keeper-flows.test.ts", "modules/bridge/*.test.ts", "chains/nexus/bhls-bridge.test.ts"],
  },
  achievements: {
    mutate: ["modules/achievements/rules.ts", "modules/achievements/badges.ts", "modules/achievements/keeper/achievements-keeper.ts"],
    specs: ["modules/achievements/keeper/*.test.ts", "modules/achievements/*.test.ts", "chains/nexus/achievements.test.ts"],
  },
  /** Damaged data is found, not served: record checksums, the tree walk, lmdb meta pages. */
  "data-integrity": {
    mutate: ["runtime/state/record-seal.ts", "runtime/state/tree-check.ts", "runtime/node/lmdb-file-check.ts"],
    specs: ["test/state/sealed-records.test.ts", "test/state/tree-check.test.ts", "test/node/lmdb-file-check.test.ts", "test/node/data-damage.test.ts"],
  },
  /** What a state-syncing node believes: the snapshot format's checks and the trust rules. */
  "state-sync": {
    mutate: ["runtime/state/snapshot/format.ts", "runtime/state/snapshot/chunk.ts", "runtime/node/state-sync/trust.ts", "runtime/node/state-sync/descriptor.ts"],
    specs: ["test/state/snapshot.test.ts", "test/state/snapshot-errors.test.ts", "test/state/snapshot-import.test.ts", "test/node/state-sync-trust.test.ts"],
  },
};

const program = new Command("mutation")
  .description("StrykerJS mutation testing of the safety-critical files, one group at a time")
  .argument("[groups...]", `groups to run (default: all): ${Object.keys(GROUPS).join(", ")}`)
  .option("--list", "print the groups, their files and tests, and exit")
  .option("--concurrency <n>", "Stryker test-runner processes", "2")
  .parse();

const opts = program.opts<{ list?: boolean; concurrency: string }>();
if (opts.list) {
  for (const [name, g] of Object.entries(GROUPS)) console.log(`${name}\n  mutate: ${g.mutate.join(" ")}\n  tests:  ${g.specs.join(" ")}`);
  process.exit(0);
}
const names = program.args.length > 0 ? program.args : Object.keys(GROUPS);
for (const n of names) if (!GROUPS[n]) program.error(`unknown group "${n}"; known: ${Object.keys(GROUPS).join(", ")}`);

const outDir = "reports/mutation";
mkdirSync(outDir, { recursive: true });

interface FileScore {
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  compileErrors: number;
  score: number;
  survivors: string[];
}

function scoreOf(reportPath: string): FileScore[] {
  const r = JSON.parse(readFileSync(reportPath, "utf8")) as {
    files: Record<string, { mutants: { status: string; mutatorName: string; replacement?: string; location: { start: { line: number } } }[] }>;
  };
  return Object.entries(r.files).map(([file, f]) => {
    const count = (s: string): number => f.mutants.filter((m) => m.status === s).length;
    const killed = count("Killed") + count("Timeout");
    const survived = count("Survived");
    const noCoverage = count("NoCoverage");
    const detected = killed;
    const valid = killed + survived + noCoverage;
    return {
      file,
      killed: count("Killed"),
      survived,
      noCoverage,
      timeout: count("Timeout"),
      compileErrors: count("CompileError"),
      score: valid === 0 ? 100 : Math.floor((detected * 1000) / valid) / 10,
      survivors: f.mutants.filter((m) => m.status === "Survived").map((m) => `${path.relative(".", file)}:${m.location.start.line} ${m.mutatorName}${m.replacement ? ` → ${m.replacement.slice(0, 60).replace(/\s+/g, " ")}` : ""}`),
    };
  });
}

const all: FileScore[] = [];
for (const name of names) {
  const g = GROUPS[name]!;
  const report = path.join(outDir, `${name}.json`);
  const config = path.join(outDir, `.${name}.stryker.mjs`);
  writeFileSync(
    config,
    `import base from "../../stryker.config.mjs";\nexport default { ...base, mutate: ${JSON.stringify(g.mutate)}, commandRunner: { command: ${JSON.stringify(`${MOCHA} ${g.specs.join(" ")}`)} }, jsonReporter: { fileName: ${JSON.stringify(report)} }, concurrency: ${Number(opts.concurrency)} };\n`,
  );
  console.log(`\n== ${name}: ${g.mutate.join(", ")}`);
  const started = Date.now();
  const r = spawnSync("npx", ["stryker", "run", config], { stdio: "inherit" });
  rmSync(config, { force: true });
  if (r.status !== 0 || !existsSync(report)) {
    console.error(`stryker failed for group ${name} (exit ${r.status}); see its output above`);
    process.exit(1);
  }
  console.log(`   ${name} took ${Math.round((Date.now() - started) / 1000)} s`);
  all.push(...scoreOf(report));
}

const lines = ["| file | score | killed | timeout | survived | no coverage |", "|---|---|---|---|---|---|"];
for (const s of all) lines.push(`| ${path.relative(".", s.file)} | ${s.score}% | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} |`);
const survivors = all.flatMap((s) => s.survivors);
const md = `${lines.join("\n")}\n\nSurvivors:\n\n${survivors.map((s) => `- ${s}`).join("\n")}\n`;
writeFileSync(path.join(outDir, "summary.md"), md);
console.log(`\n${md}`);
