import { expect } from "chai";
import { describeScenario, generateScenario, runScenario, type Scenario } from "./simulator.ts";

/**
 * Seeded simulations of 4 validators (plus a twin): agreement, validity and termination
 * after the network heals. CONSENSUS_SIM_SEED / CONSENSUS_SIM_SCENARIOS override the run;
 * `npx tsx bench/consensus-sim.ts --only <seed>` reproduces a failing seed.
 */
describe("consensus simulation (seeded, in-process network)", () => {
  it("1000 scenarios with loss, reordering, duplication, partitions, twins and crash-restarts keep agreement, validity and termination", function () {
    this.timeout(300_000);
    const first = Number(process.env.CONSENSUS_SIM_SEED ?? 1);
    const count = Number(process.env.CONSENSUS_SIM_SCENARIOS ?? 1000);
    const seen = { twins: 0, crashes: 0, partitions: 0, lossy: 0, evidence: 0, terminated: 0, laterRounds: 0 };
    for (let i = 0; i < count; i++) {
      const s = generateScenario(first + i);
      const r = runScenario(s);
      if (!r.ok) expect.fail(`seed ${s.seed}: ${r.failure}\nreproduce: npx tsx bench/consensus-sim.ts --only ${s.seed}\n${describeScenario(s)}`);
      if (s.twin !== undefined) seen.twins++;
      if (s.crash) seen.crashes++;
      if (s.groups) seen.partitions++;
      if (s.loss > 0) seen.lossy++;
      if (r.terminated) seen.terminated++;
      if (r.maxRound > 0) seen.laterRounds++;
      seen.evidence += r.evidence;
    }
    // The generator really exercised each fault.
    expect(seen.twins).to.be.greaterThan(count / 10);
    expect(seen.crashes).to.be.greaterThan(count / 10);
    expect(seen.partitions).to.be.greaterThan(count / 5);
    expect(seen.lossy).to.be.greaterThan(count / 5);
    expect(seen.evidence).to.be.greaterThan(0);
    expect(seen.laterRounds).to.be.greaterThan(0);
  });

  it("the checker is not vacuous: a twin holding more than 1/3 of the power breaks agreement in some seeds", function () {
    this.timeout(60_000);
    let broken = 0;
    for (let seed = 1; seed <= 300 && broken === 0; seed++) {
      const base = generateScenario(seed);
      const s: Scenario = { ...base, powers: [5n, 1n, 1n, 1n], bands: [1, 1, 1, 1], twin: 0, groups: [0, 0, 1, 1, 1], loss: 0, crash: undefined, healAt: 2000, maxTime: 4000 };
      const r = runScenario(s);
      if (!r.ok && r.failure?.startsWith("agreement")) broken++;
    }
    expect(broken).to.be.greaterThan(0);
  });
});
