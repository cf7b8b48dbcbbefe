import { expect } from "chai";
import { ConsensusCore, type CoreOptions, type ValidatorSet } from "../../runtime/consensus/index.ts";
import { describeTwinsScenario, generateTwinsScenario, LOCK_SPLIT_SHARE, PARTITIONS, ROUND_CHOICES, runTwinsScenario, type Injection } from "./twins.ts";

/**
 * Twins scenarios (test/sim/twins.ts): the correct core keeps every safety property, and the
 * checker catches a core with a known locking or quorum bug within the seeds CI runs. The bad
 * cores are injected here, through the test-only DriverOptions.createCore and a validator set
 * whose quorum rule is broken; nothing in the production code paths changes behaviour.
 * TWINS_SIM_SEED / TWINS_SIM_SCENARIOS override the run.
 */
const FIRST = Number(process.env.TWINS_SIM_SEED ?? 1);
const BUDGET = Number(process.env.TWINS_SIM_SCENARIOS ?? 1000);
const SAFETY = /^(agreement|validity|certificate|honest validator|evidence)/;

class IgnoresLockAtLine22 extends ConsensusCore {
  protected override mayPrevoteFresh(): boolean {
    return true;
  }
}
class IgnoresLockAtLine28 extends ConsensusCore {
  protected override mayPrevoteWithPol(): boolean {
    return true;
  }
}
class NeverLocks extends ConsensusCore {
  protected override lock(): void {}
}
/** More than half the power counts as a quorum (instead of more than two thirds). */
function majorityQuorum(_h: number, set: ValidatorSet): ValidatorSet {
  const broken = Object.create(set) as ValidatorSet;
  broken.hasQuorum = (p: bigint) => 2n * p > set.totalPower;
  return broken;
}

/** The first seed of the CI budget whose scenario fails with this injection, and how. */
function firstCaught(inject: Injection): { seed: number; failure: string } | undefined {
  for (let seed = FIRST; seed < FIRST + BUDGET; seed++) {
    const r = runTwinsScenario(generateTwinsScenario(seed), inject);
    if (!r.ok) return { seed, failure: r.failure! };
  }
  return undefined;
}

describe("Twins: scenarios built round by round (leader, partition, twin behaviour, loss and delay)", () => {
  it("enumerates 16 two-part partitions of the five instances and draws each round from leader × partition × twin acts × loss × delay", () => {
    expect(PARTITIONS).to.have.length(16);
    expect(PARTITIONS[0]).to.deep.equal([0, 0, 0, 0, 0]);
    expect(new Set(PARTITIONS.map((p) => p.join(""))).size).to.equal(16);
    expect(ROUND_CHOICES).to.equal(4 * 16 * 16 * 3 * 2);
  });

  it(`${BUDGET} scenarios with the correct core: agreement, validity, verifying certificates and no honest double-sign`, function () {
    this.timeout(300_000);
    const seen = { terminated: 0, evidence: 0, laterRounds: 0, partitioned: 0, twinLed: 0, lockSplit: 0 };
    for (let seed = FIRST; seed < FIRST + BUDGET; seed++) {
      const s = generateTwinsScenario(seed);
      const r = runTwinsScenario(s);
      if (!r.ok) expect.fail(`seed ${seed}: ${r.failure}\n${describeTwinsScenario(s)}`);
      if (r.terminated) seen.terminated++;
      if (r.maxRound > 0) seen.laterRounds++;
      seen.evidence += r.evidence;
      if (s.rounds.some((x) => x.partition !== 0)) seen.partitioned++;
      if (s.rounds.some((x) => x.leader === s.twin)) seen.twinLed++;
      if (s.strategy?.name === "lock-split") seen.lockSplit++;
    }
    // The scenarios did exercise twins, partitions, later rounds and equivocation.
    expect(seen.partitioned).to.be.greaterThan(BUDGET / 2);
    expect(seen.twinLed).to.be.greaterThan(BUDGET / 2);
    expect(seen.laterRounds).to.be.greaterThan(BUDGET / 10);
    expect(seen.evidence).to.be.greaterThan(BUDGET);
    expect(seen.terminated).to.be.greaterThan(BUDGET / 2);
    // About LOCK_SPLIT_SHARE of them played the lock split.
    expect(seen.lockSplit).to.be.within(BUDGET * LOCK_SPLIT_SHARE * 0.6, BUDGET * LOCK_SPLIT_SHARE * 1.4);
  });

  it("the lock split gives each twin instance its own audience per message kind, over three rounds led by the twin, then B, then C", () => {
    const s = Array.from({ length: 200 }, (_, i) => generateTwinsScenario(i + 1)).find((x) => x.strategy)!;
    const { from, roles } = s.strategy!;
    const [a, b, c, x, y] = roles as [number, number, number, number, number];
    expect(new Set([a, b, c, s.twin])).to.have.property("size", 4);
    expect([x, y].sort()).to.deep.equal([0, 1]);
    const r = s.rounds;
    expect([r[from]!.leader, r[from + 1]!.leader, r[from + 2]!.leader]).to.deep.equal([s.twin, b, c]);
    expect(r[from]!.routes![x]).to.deep.equal({ proposal: [b, c], prevote: [a, c], precommit: [] });
    expect(r[from + 1]!.routes![y]).to.deep.equal({ proposal: [], prevote: [a, b], precommit: [b] });
    expect(r[from + 2]!.routes![x]).to.deep.equal({ proposal: [a, c], prevote: [a, c], precommit: [a, c] });
    expect(r[from]!.routes![y]).to.deep.equal({ proposal: [], prevote: [], precommit: [] });
    expect(describeTwinsScenario(s)).to.contain(`lock-split from r${from}`);
  });

  const variants: [string, Injection][] = [
    ["a core that ignores its lock for a fresh proposal (Algorithm 1 line 22)", { createCore: (o: CoreOptions) => new IgnoresLockAtLine22(o) }],
    ["a core that ignores its lock for a proposal whose polka is older than the lock (line 28)", { createCore: (o: CoreOptions) => new IgnoresLockAtLine28(o) }],
    ["a core that never locks (line 36)", { createCore: (o: CoreOptions) => new NeverLocks(o) }],
    ["a core that counts more than half the power as a quorum", { coreSet: majorityQuorum }],
  ];
  for (const [name, inject] of variants) {
    it(`catches ${name} within the CI seed budget, as a safety failure`, function () {
      this.timeout(300_000);
      const caught = firstCaught(inject);
      expect(caught, `not caught in seeds ${FIRST}..${FIRST + BUDGET - 1}`).to.not.equal(undefined);
      expect(caught!.failure).to.match(SAFETY);
    });
  }
});
