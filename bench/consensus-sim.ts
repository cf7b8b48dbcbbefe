/**
 * Seeded consensus simulations on demand:
 *   npx tsx bench/consensus-sim.ts --scenarios 100000 --seed 1     run seeds 1..100000
 *   npx tsx bench/consensus-sim.ts --only 4242                      reproduce one seed, verbosely
 * Scenario i uses seed (seed + i); a failure prints the seed that reproduces it.
 */
import { describeScenario, generateScenario, runScenario } from "../test/sim/simulator.ts";

function arg(name: string, fallback: number | undefined): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`--${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
}

const only = arg("only", undefined);
if (only !== undefined) {
  const s = generateScenario(only);
  console.log(`scenario ${describeScenario(s)}`);
  const r = runScenario(s);
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.ok ? 0 : 1);
}

const scenarios = arg("scenarios", 1000)!;
const seed = arg("seed", 1)!;
const maxFailures = arg("max-failures", 10)!;
const started = performance.now();
let lastReport = started;
let failures = 0;
let terminated = 0;
let expected = 0;
let evidence = 0;
let events = 0;
let maxRound = 0;
const failedSeeds: number[] = [];
for (let i = 0; i < scenarios; i++) {
  const s = generateScenario(seed + i);
  const r = runScenario(s);
  events += r.events;
  evidence += r.evidence;
  maxRound = Math.max(maxRound, r.maxRound);
  if (r.expectTermination) expected++;
  if (r.terminated) terminated++;
  if (!r.ok) {
    failures++;
    failedSeeds.push(s.seed);
    console.log(`FAIL seed ${s.seed}: ${r.failure}\n  reproduce: npx tsx bench/consensus-sim.ts --only ${s.seed}`);
    if (failures >= maxFailures) break;
  }
  const t = performance.now();
  if (t - lastReport > 2000) {
    lastReport = t;
    const done = i + 1;
    process.stderr.write(`${done}/${scenarios} scenarios, ${failures} failures, ${Math.round(done / ((t - started) / 1000))} scenarios/s\n`);
  }
}
const secs = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    { scenarios, firstSeed: seed, failures, failedSeeds, terminated, expectedToTerminate: expected, evidenceEmitted: evidence, maxDecidedRound: maxRound, events, seconds: Number(secs.toFixed(1)) },
    null,
    2,
  ),
);
process.exit(failures === 0 ? 0 : 1);
