/**
 * Seeded consensus simulations on demand:
 *   npx tsx bench/consensus-sim.ts --scenarios 100000 --seed 1     run seeds 1..100000
 *   npx tsx bench/consensus-sim.ts --only 4242                      reproduce one seed, verbosely
 *   add --twins for the round-by-round Twins scenarios (test/sim/twins.ts)
 * Scenario i uses seed (seed + i); a failure prints the seed that reproduces it.
 */
import { describeScenario, generateScenario, runScenario, type Scenario, type SimResult } from "../test/sim/simulator.ts";
import { describeTwinsScenario, generateTwinsScenario, runTwinsScenario, type TwinsScenario } from "../test/sim/twins.ts";

const twins = process.argv.includes("--twins");
const generate = (seed: number): Scenario => (twins ? generateTwinsScenario(seed) : generateScenario(seed));
const run = (s: Scenario): SimResult => (twins ? runTwinsScenario(s as TwinsScenario) : runScenario(s));
const describe = (s: Scenario): string => (twins ? describeTwinsScenario(s as TwinsScenario) : describeScenario(s));

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
  const s = generate(only);
  console.log(`scenario ${describe(s)}`);
  const r = run(s);
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
  const s = generate(seed + i);
  const r = run(s);
  events += r.events;
  evidence += r.evidence;
  maxRound = Math.max(maxRound, r.maxRound);
  if (r.expectTermination) expected++;
  if (r.terminated) terminated++;
  if (!r.ok) {
    failures++;
    failedSeeds.push(s.seed);
    console.log(`FAIL seed ${s.seed}: ${r.failure}\n  reproduce: npx tsx bench/consensus-sim.ts${twins ? " --twins" : ""} --only ${s.seed}`);
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
