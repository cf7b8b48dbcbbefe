import { expect } from "chai";
import { ValidatorSet, ConsensusError, type Validator } from "../../runtime/consensus/index.ts";
import { simKey } from "../sim/simulator.ts";
import { fixture } from "./helpers.ts";

function vals(powers: bigint[], bands?: number[]): Validator[] {
  return powers.map((power, i) => ({ address: simKey(i).address, publicKey: simKey(i).publicKey, power, band: bands?.[i] ?? 1 }));
}

describe("consensus validator set", () => {
  it("sorts by address and hashes the same whatever the input order", () => {
    const a = ValidatorSet.create(vals([1n, 2n, 3n, 4n]));
    const b = ValidatorSet.create(vals([1n, 2n, 3n, 4n]).reverse());
    const addrs = a.validators.map((v) => v.address);
    expect(addrs).to.deep.equal([...addrs].sort());
    expect(Buffer.from(a.hash()).equals(Buffer.from(b.hash()))).to.equal(true);
    expect(a.proposer.address).to.equal(b.proposer.address);
    const c = ValidatorSet.create(vals([1n, 2n, 3n, 5n]));
    expect(Buffer.from(a.hash()).equals(Buffer.from(c.hash()))).to.equal(false);
  });

  it("rejects empty sets, duplicate addresses or keys, zero power and bad bands with a typed error", () => {
    const v = vals([1n, 1n]);
    const cases: Validator[][] = [
      [],
      [v[0]!, { ...v[1]!, address: v[0]!.address }],
      [v[0]!, { ...v[1]!, publicKey: v[0]!.publicKey }],
      [{ ...v[0]!, power: 0n }],
      [{ ...v[0]!, band: 0 }],
      [{ ...v[0]!, band: 8 }],
      [{ ...v[0]!, publicKey: new Uint8Array(31) }],
    ];
    for (const c of cases) {
      expect(() => ValidatorSet.create(c)).to.throw(ConsensusError).with.property("code", "CONSENSUS_BAD_VALIDATOR_SET");
    }
  });

  it("proposes in proportion to power (CometBFT proposer priority)", () => {
    let set = ValidatorSet.create(vals([1n, 2n, 3n, 4n]));
    const counts = new Map<string, number>();
    for (let h = 0; h < 1000; h++) {
      counts.set(set.proposer.address, (counts.get(set.proposer.address) ?? 0) + 1);
      set = set.next();
    }
    set.validators.forEach((v) => expect(counts.get(v.address)).to.be.closeTo(Number(v.power) * 100, 2));
  });

  it("equal powers rotate round-robin, and round r's proposer is the height's next increment", () => {
    const set = ValidatorSet.create(vals([1n, 1n, 1n, 1n]));
    const seen = new Set([0, 1, 2, 3].map((r) => set.proposerForRound(r).address));
    expect(seen.size).to.equal(4);
    expect(set.proposerForRound(0).address).to.equal(set.proposer.address);
    expect(set.proposerForRound(1).address).to.equal(set.next().proposer.address);
    expect(set.proposerForRound(2).address).to.equal(set.next().next().proposer.address);
  });

  it("quorum is > 2/3 and f+1 is > 1/3 of total power", () => {
    const { set } = fixture([1n, 1n, 1n]);
    expect(set.hasQuorum(2n)).to.equal(false);
    expect(set.hasQuorum(3n)).to.equal(true);
    expect(set.hasOneThird(1n)).to.equal(false);
    expect(set.hasOneThird(2n)).to.equal(true);
  });

  it("requires min(5, populated bands) bands", () => {
    expect(fixture([1n, 1n, 1n, 1n], [1, 1, 2, 3]).set.requiredBands).to.equal(3);
    expect(fixture([1n, 1n, 1n, 1n, 1n, 1n, 1n], [1, 2, 3, 4, 5, 6, 7]).set.requiredBands).to.equal(5);
    expect(fixture([1n, 1n, 1n, 1n, 1n], [1, 2, 3, 4, 4]).set.requiredBands).to.equal(4);
  });

  it("applies changes: removal, new validators start behind, restore round-trips", () => {
    const set = ValidatorSet.create(vals([1n, 1n, 1n]));
    const k = simKey(9);
    const changed = set.withChanges([{ address: set.validators[0]!.address, power: 0n }, { address: k.address, power: 5n, publicKey: k.publicKey, band: 3 }]);
    expect(changed.size).to.equal(3);
    expect(changed.get(set.validators[0]!.address)).to.equal(undefined);
    expect(changed.get(k.address)!.power).to.equal(5n);
    // Newcomer priority is -1.125 × total, so it does not propose next despite the most power.
    expect(changed.next().proposer.address).to.not.equal(k.address);
    const r = ValidatorSet.restore(changed.validators, changed.priorities, changed.proposer.address);
    expect(r.next().proposer.address).to.equal(changed.next().proposer.address);
  });
});
