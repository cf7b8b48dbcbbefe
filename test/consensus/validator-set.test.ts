import { expect } from "chai";
import { encodeCanonical } from "../../runtime/codec/canonical.ts";
import { sha256, toHex, utf8 } from "../../runtime/crypto/hash.ts";
import { ValidatorSet, ConsensusError, MAX_TOTAL_POWER, MAX_VALIDATORS, type Validator } from "../../runtime/consensus/index.ts";
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

// ---------------------------------------------------------------------------------------------
// The rules of validator-set.ts pinned one by one (mutation testing: scripts/mutation.ts, group
// validator-set). Addresses are short readable strings so the canonical order is obvious.
// ---------------------------------------------------------------------------------------------

/** Validators with the given addresses (any order) and powers; keys are distinct 32-byte keys. */
function named(spec: readonly (readonly [string, bigint, number?])[]): Validator[] {
  return spec.map(([address, power, band], i) => ({ address, publicKey: simKey(i).publicKey, power, band: band ?? 1 }));
}

/** The error `fn` throws: a ConsensusError with `code` whose message includes `text`. */
function refuses(fn: () => unknown, text: string, code = "CONSENSUS_BAD_VALIDATOR_SET"): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected a ConsensusError containing "${text}"`).to.be.instanceOf(ConsensusError);
  expect((err as ConsensusError).code).to.equal(code);
  expect((err as ConsensusError).message).to.include(text);
}

const addressesOf = (s: ValidatorSet): string[] => s.validators.map((v) => v.address);

/**
 * CometBFT's IncrementProposerPriority(1) (types/validator_set.go), written from the Go source
 * with Go's arithmetic: int64 `/` truncates toward zero (rescaling), big.Int.Div is Euclidean
 * (the average, floor for n > 0). Validators are in address order, so on a priority tie the
 * lower index is the smaller address, which CometBFT's CompareProposerPriority prefers.
 */
function cometIncrement(prio: readonly bigint[], powers: readonly bigint[]): { prio: bigint[]; proposer: number } {
  const total = powers.reduce((s, x) => s + x, 0n);
  const diffMax = 2n * total;
  let p = [...prio];
  const hi = p.reduce((m, x) => (x > m ? x : m));
  const lo = p.reduce((m, x) => (x < m ? x : m));
  if (hi - lo > diffMax) {
    const ratio = (hi - lo + diffMax - 1n) / diffMax; // ceil(diff / diffMax)
    p = p.map((x) => x / ratio); // BigInt division truncates toward zero, as Go's int64 does
  }
  const n = BigInt(p.length);
  const sum = p.reduce((s, x) => s + x, 0n);
  const rem = ((sum % n) + n) % n;
  const avg = (sum - rem) / n; // Euclidean: floor for n > 0
  p = p.map((x, i) => x - avg + powers[i]!);
  let best = 0;
  p.forEach((x, i) => {
    if (x > p[best]!) best = i;
  });
  p[best] = p[best]! - total;
  return { prio: p, proposer: best };
}

describe("validator set: construction rules", () => {
  it("an empty set is refused", () => {
    refuses(() => ValidatorSet.create([]), "a validator set needs at least one validator");
  });

  it("at most MAX_VALIDATORS (1000) validators: 1000 are accepted, 1001 are refused", () => {
    const many = (n: number): Validator[] =>
      Array.from({ length: n }, (_, i) => ({ address: `v${String(i).padStart(4, "0")}`, publicKey: sha256(utf8(`key ${i}`)), power: 1n, band: 1 }));
    expect(MAX_VALIDATORS).to.equal(1000);
    expect(ValidatorSet.create(many(1000)).size).to.equal(1000);
    refuses(() => ValidatorSet.create(many(1001)), "at most 1000 validators, got 1001");
  });

  it("addresses: 1..128 characters, a string, unique", () => {
    const [a, b] = named([["val-a", 1n], ["val-b", 1n]]);
    expect(ValidatorSet.create([{ ...a!, address: "x".repeat(128) }]).validators[0]!.address).to.equal("x".repeat(128));
    expect(ValidatorSet.create([{ ...a!, address: "x" }]).size).to.equal(1);
    refuses(() => ValidatorSet.create([{ ...a!, address: "x".repeat(129) }]), `bad validator address ${"x".repeat(129)}`);
    refuses(() => ValidatorSet.create([{ ...a!, address: "" }]), "bad validator address");
    refuses(() => ValidatorSet.create([{ ...a!, address: 42 as unknown as string }]), "bad validator address 42");
    refuses(() => ValidatorSet.create([a!, { ...b!, address: "val-a" }]), "duplicate validator address val-a");
  });

  it("consensus keys: 32 bytes, one validator per key", () => {
    const [a, b] = named([["val-a", 1n], ["val-b", 1n]]);
    refuses(() => ValidatorSet.create([{ ...a!, publicKey: new Uint8Array(31) }]), "validator val-a: consensus key must be 32 bytes");
    refuses(() => ValidatorSet.create([{ ...a!, publicKey: new Uint8Array(33) }]), "validator val-a: consensus key must be 32 bytes");
    refuses(() => ValidatorSet.create([{ ...a!, publicKey: Array.from(a!.publicKey) as unknown as Uint8Array }]), "validator val-a: consensus key must be 32 bytes");
    refuses(() => ValidatorSet.create([a!, { ...b!, publicKey: Uint8Array.from(a!.publicKey) }]), "validator val-b: consensus key is used by another validator");
  });

  it("power: a positive bigint", () => {
    const [a] = named([["val-a", 1n]]);
    for (const power of [0n, -1n, 1 as unknown as bigint, "5" as unknown as bigint]) {
      refuses(() => ValidatorSet.create([{ ...a!, power }]), "validator val-a: power must be a positive bigint");
    }
    expect(ValidatorSet.create([{ ...a!, power: 1n }]).totalPower).to.equal(1n);
  });

  it("band: an integer 1..7", () => {
    const [a] = named([["val-a", 1n]]);
    refuses(() => ValidatorSet.create([{ ...a!, band: 0 }]), "validator val-a: band must be 1..7, got 0");
    refuses(() => ValidatorSet.create([{ ...a!, band: 8 }]), "validator val-a: band must be 1..7, got 8");
    refuses(() => ValidatorSet.create([{ ...a!, band: 1.5 }]), "validator val-a: band must be 1..7, got 1.5");
    expect(ValidatorSet.create([{ ...a!, band: 1 }]).populatedBands).to.equal(1);
    expect(ValidatorSet.create([{ ...a!, band: 7 }]).populatedBands).to.equal(1);
  });

  it("total power may reach MAX_TOTAL_POWER (2^60) but not exceed it", () => {
    expect(MAX_TOTAL_POWER).to.equal(2n ** 60n);
    const half = 2n ** 59n;
    expect(ValidatorSet.create(named([["val-a", half], ["val-b", half]])).totalPower).to.equal(2n ** 60n);
    expect(ValidatorSet.create(named([["val-a", 2n ** 60n]])).totalPower).to.equal(2n ** 60n);
    refuses(() => ValidatorSet.create(named([["val-a", half], ["val-b", half + 1n]])), `total power ${2n ** 60n + 1n} exceeds ${2n ** 60n}`);
    refuses(() => ValidatorSet.create(named([["val-a", 2n ** 60n + 1n]])), `total power ${2n ** 60n + 1n} exceeds ${2n ** 60n}`);
    // Every validator's power counts toward the bound, not only the largest.
    refuses(() => ValidatorSet.create(named([["val-a", half], ["val-b", half], ["val-c", 1n]])), "exceeds");
  });

  it("validators are held in address (code-unit) order, whatever the input order; lookups follow it", () => {
    const input = named([["val-d", 4n], ["val-b", 2n], ["val-e", 5n], ["val-a", 1n], ["val-c", 3n], ["Val-z", 9n], ["val-aa", 6n]]);
    const sorted = ["Val-z", "val-a", "val-aa", "val-b", "val-c", "val-d", "val-e"];
    for (const order of [input, [...input].reverse(), [input[3]!, input[0]!, input[6]!, input[1]!, input[5]!, input[2]!, input[4]!]]) {
      const s = ValidatorSet.create(order);
      expect(addressesOf(s)).to.deep.equal(sorted);
      sorted.forEach((a, i) => {
        expect(s.indexOf(a)).to.equal(i);
        expect(s.get(a)!.address).to.equal(a);
      });
      expect(s.get("val-x")).to.equal(undefined);
      expect(s.indexOf("val-x")).to.equal(-1);
      expect(s.totalPower).to.equal(30n);
    }
  });

  it("the hash is sha256 of the canonical encoding of [domain, [[address, key, power, band]...]] in address order", () => {
    const input = named([["val-b", 2n, 3], ["val-a", 1n, 5]]);
    const s = ValidatorSet.create(input);
    const expected = sha256(encodeCanonical(["nexus/consensus/validator-set/v1", s.validators.map((v) => [v.address, v.publicKey, v.power, v.band])]));
    expect(toHex(s.hash())).to.equal(toHex(expected));
    // Priorities and the proposer are not part of it.
    expect(toHex(s.next().hash())).to.equal(toHex(s.hash()));
    expect(toHex(ValidatorSet.restore(input, [7n, -7n], "val-a").hash())).to.equal(toHex(s.hash()));
    // Band, key and power are.
    expect(toHex(ValidatorSet.create([input[0]!, { ...input[1]!, band: 4 }]).hash())).to.not.equal(toHex(s.hash()));
    expect(toHex(ValidatorSet.create([input[0]!, { ...input[1]!, power: 3n }]).hash())).to.not.equal(toHex(s.hash()));
    expect(toHex(ValidatorSet.create([input[0]!, { ...input[1]!, publicKey: simKey(7).publicKey }]).hash())).to.not.equal(toHex(s.hash()));
  });
});

describe("validator set: restore", () => {
  const input = named([["val-c", 3n], ["val-a", 1n], ["val-b", 2n]]);

  it("maps each priority to its validator by address and keeps the named proposer", () => {
    const s = ValidatorSet.restore(input, [30n, 10n, 20n], "val-b");
    expect(addressesOf(s)).to.deep.equal(["val-a", "val-b", "val-c"]);
    expect(s.priorities).to.deep.equal([10n, 20n, 30n]);
    expect(s.proposer.address).to.equal("val-b");
    expect(s.proposerForRound(0).address).to.equal("val-b");
    expect(ValidatorSet.restore(input, [30n, 10n, 20n], "val-c").proposer.address).to.equal("val-c");
    expect(ValidatorSet.restore(input, [30n, 10n, 20n], "val-a").proposer.address).to.equal("val-a");
  });

  it("refuses a priority list of the wrong length and a proposer outside the set", () => {
    refuses(() => ValidatorSet.restore(input, [1n, 2n], "val-a"), "one priority per validator is required");
    refuses(() => ValidatorSet.restore(input, [1n, 2n, 3n, 4n], "val-a"), "one priority per validator is required");
    refuses(() => ValidatorSet.restore(input, [1n, 2n, 3n], "val-z"), "proposer val-z is not in the set");
    refuses(() => ValidatorSet.restore([], [], "val-a"), "a validator set needs at least one validator");
  });

  it("round-trips: a restored set goes on exactly as the original", () => {
    let s = ValidatorSet.create(named([["val-a", 1n], ["val-b", 2n], ["val-c", 3n], ["val-d", 4n]]));
    for (let h = 0; h < 7; h++) s = s.next();
    const r = ValidatorSet.restore(s.validators, s.priorities, s.proposer.address);
    expect(r.priorities).to.deep.equal(s.priorities);
    for (let i = 0; i < 25; i++) {
      expect(r.proposerForRound(i).address).to.equal(s.proposerForRound(i).address);
    }
    expect(r.next().priorities).to.deep.equal(s.next().priorities);
  });
});

describe("validator set: quorum arithmetic", () => {
  it("quorum is strictly more than 2/3 of the total: total 3 needs 3, total 4 needs 3, total 100 needs 67", () => {
    const cases: [bigint[], bigint][] = [
      [[1n, 1n, 1n], 3n],
      [[1n, 1n, 1n, 1n], 3n],
      [[34n, 33n, 33n], 67n],
      [[50n, 25n, 24n, 1n], 67n],
      [[7n], 5n], // 2/3 of 7 is 4.67
      [[3n, 3n], 5n], // exactly 2/3 (4) is not enough
    ];
    for (const [powers, needed] of cases) {
      const { set } = fixture(powers);
      expect(set.hasQuorum(needed), `total ${set.totalPower}: ${needed}`).to.equal(true);
      expect(set.hasQuorum(needed - 1n), `total ${set.totalPower}: ${needed - 1n}`).to.equal(false);
      expect(set.hasQuorum(set.totalPower)).to.equal(true);
      expect(set.hasQuorum(0n)).to.equal(false);
    }
  });

  it("one third (f+1) is strictly more than 1/3: total 3 needs 2, total 100 needs 34, total 6 needs 3", () => {
    const cases: [bigint[], bigint][] = [
      [[1n, 1n, 1n], 2n],
      [[34n, 33n, 33n], 34n],
      [[2n, 2n, 2n], 3n],
      [[1n], 1n],
    ];
    for (const [powers, needed] of cases) {
      const { set } = fixture(powers);
      expect(set.hasOneThird(needed), `total ${set.totalPower}: ${needed}`).to.equal(true);
      expect(set.hasOneThird(needed - 1n), `total ${set.totalPower}: ${needed - 1n}`).to.equal(false);
    }
  });
});

describe("validator set: CometBFT proposer priority", () => {
  // Each row: [proposer, priorities after the increment], computed by hand from CometBFT's rules
  // (rescale to 2·total, centre on the floored average, add power, the max proposes with the
  // smaller address winning a tie, the proposer pays back the total).
  const expectSequence = (start: ValidatorSet, rows: readonly (readonly [string, readonly bigint[]])[]): void => {
    let s = start;
    rows.forEach(([proposer, prio], i) => {
      expect(s.proposer.address, `height +${i}`).to.equal(proposer);
      expect(s.priorities, `height +${i}`).to.deep.equal(prio);
      s = s.next();
    });
  };

  it("3 validators of power 1, 2, 3 (total 6): c b a c b c, then again; the a/c tie goes to a", () => {
    expectSequence(ValidatorSet.create(named([["val-c", 3n], ["val-a", 1n], ["val-b", 2n]])), [
      ["val-c", [1n, 2n, -3n]],
      ["val-b", [2n, -2n, 0n]],
      ["val-a", [-3n, 0n, 3n]], // a and c both at 3: the smaller address proposes
      ["val-c", [-2n, 2n, 0n]],
      ["val-b", [-1n, -2n, 3n]],
      ["val-c", [0n, 0n, 0n]],
      ["val-c", [1n, 2n, -3n]],
    ]);
  });

  it("2 validators of power 1 and 3: b a b b, the a/b tie at height 2 goes to a", () => {
    expectSequence(ValidatorSet.create(named([["val-b", 3n], ["val-a", 1n]])), [
      ["val-b", [1n, -1n]],
      ["val-a", [-2n, 2n]],
      ["val-b", [-1n, 1n]],
      ["val-b", [0n, 0n]],
      ["val-b", [1n, -1n]],
    ]);
  });

  it("4 validators of power 1, 2, 3, 4 (total 10): a full period of 10 heights", () => {
    expectSequence(ValidatorSet.create(named([["val-a", 1n], ["val-b", 2n], ["val-c", 3n], ["val-d", 4n]])), [
      ["val-d", [1n, 2n, 3n, -6n]],
      ["val-c", [2n, 4n, -4n, -2n]],
      ["val-b", [3n, -4n, -1n, 2n]],
      ["val-d", [4n, -2n, 2n, -4n]],
      ["val-a", [-5n, 0n, 5n, 0n]], // a and c tie at 5
      ["val-c", [-4n, 2n, -2n, 4n]],
      ["val-d", [-3n, 4n, 1n, -2n]],
      ["val-b", [-2n, -4n, 4n, 2n]],
      ["val-c", [-1n, -2n, -3n, 6n]],
      ["val-d", [0n, 0n, 0n, 0n]],
      ["val-d", [1n, 2n, 3n, -6n]],
    ]);
  });

  it("equal powers rotate in address order (ties go to the smaller address)", () => {
    const s = ValidatorSet.create(named([["val-c", 1n], ["val-b", 1n], ["val-a", 1n]]));
    expect([0, 1, 2, 3, 4, 5].map((r) => s.proposerForRound(r).address)).to.deep.equal(["val-a", "val-b", "val-c", "val-a", "val-b", "val-c"]);
    expect(s.priorities).to.deep.equal([-2n, 1n, 1n]);
  });

  it("centres on the average rounded down (floor) when the sum is negative: sum -5 over 3 → -2, sum -6 → -2", () => {
    const three = named([["val-a", 1n], ["val-b", 2n], ["val-c", 3n]]);
    // -5/3: floor -2 (truncation would give -1): [-2,-2,-1] → [0,0,1] → +power [1,2,4] → c pays 6.
    const a = ValidatorSet.restore(three, [-2n, -2n, -1n], "val-a").next();
    expect(a.proposer.address).to.equal("val-c");
    expect(a.priorities).to.deep.equal([1n, 2n, -2n]);
    // -6/3 = -2 exactly: [-3,-2,-1] → [-1,0,1] → [0,2,4] → c.
    const b = ValidatorSet.restore(three, [-3n, -2n, -1n], "val-a").next();
    expect(b.priorities).to.deep.equal([0n, 2n, -2n]);
    // A positive sum rounds down too: 4/3 → 1: [4,0,0] → [3,-1,-1] → [4,1,2] → a.
    const c = ValidatorSet.restore(three, [4n, 0n, 0n], "val-b").next();
    expect(c.proposer.address).to.equal("val-a");
    expect(c.priorities).to.deep.equal([-2n, 1n, 2n]);
    // 5/3 → 1: [4,-1,-1] → [5,1,2] → a. 6/3 → 2: [4,-2,-2] → [5,0,1] → a.
    expect(ValidatorSet.restore(three, [5n, 0n, 0n], "val-b").next().priorities).to.deep.equal([-1n, 1n, 2n]);
    expect(ValidatorSet.restore(three, [6n, 0n, 0n], "val-b").next().priorities).to.deep.equal([-1n, 0n, 1n]);
    // A zero sum is left alone.
    expect(ValidatorSet.restore(three, [2n, -1n, -1n], "val-b").next().priorities).to.deep.equal([-3n, 1n, 2n]);
  });

  it("rescales when max - min exceeds 2·total: divides by ceil(diff / 2·total), truncating toward zero", () => {
    const four = named([["val-a", 1n], ["val-b", 2n], ["val-c", 3n], ["val-d", 4n]]);
    // total 10, window 20; diff 40 → ratio 2: [5,15,-5,5] → average 5 → [0,10,-10,0] → +power → b.
    const s = ValidatorSet.restore(four, [10n, 30n, -10n, 10n], "val-a");
    expectSequence(s.next(), [
      ["val-b", [1n, 2n, -7n, 4n]],
      ["val-d", [2n, 4n, -4n, -2n]],
      ["val-b", [3n, -4n, -1n, 2n]],
      ["val-d", [4n, -2n, 2n, -4n]],
    ]);
    // Rounds of the restored height step through the same rescaled priorities.
    expect([0, 1, 2, 3, 4].map((r) => s.proposerForRound(r).address)).to.deep.equal(["val-a", "val-b", "val-d", "val-b", "val-d"]);
    // Truncation toward zero, as Go's int64 division: [7,-7] with window 4 → ratio 4 → [1,-1] (floor would give -2).
    const two = ValidatorSet.restore(named([["val-a", 1n], ["val-b", 1n]]), [7n, -7n], "val-b");
    expect(two.next().priorities).to.deep.equal([0n, 0n]);
    expect(two.next().proposer.address).to.equal("val-a");
    // Exactly 2·total apart is inside the window, not rescaled: two of power 5, [10,-10] → [15,-5] → a pays 10.
    const edge = ValidatorSet.restore(named([["val-a", 5n], ["val-b", 5n]]), [10n, -10n], "val-b").next();
    expect(edge.priorities).to.deep.equal([5n, -5n]);
  });

  it("a power cut can push the spread past the window: the next height rescales (100,100,100 → 1,1,1)", () => {
    const s = ValidatorSet.create(named([["val-a", 100n], ["val-b", 100n], ["val-c", 100n]]));
    expect(s.priorities).to.deep.equal([-200n, 100n, 100n]);
    const cut = s.withChanges([{ address: "val-a", power: 1n }, { address: "val-b", power: 1n }, { address: "val-c", power: 1n }]);
    expect(cut.priorities).to.deep.equal([-200n, 100n, 100n]); // changes keep priorities; nothing is incremented
    // diff 300 > 6 → ratio 50 → [-4,2,2] → +1 → [-3,3,3] → b (tie with c) pays 3.
    const n = cut.next();
    expect(n.proposer.address).to.equal("val-b");
    expect(n.priorities).to.deep.equal([-3n, 0n, 3n]);
    expect([0, 1, 2].map((r) => cut.proposerForRound(r).address)).to.deep.equal([s.proposer.address, "val-b", "val-c"]);
  });

  it("matches CometBFT's algorithm step by step over many heights and rounds, including rescaled and uncentred starts", () => {
    const configs: { powers: bigint[]; prio?: bigint[] }[] = [
      { powers: [1n, 2n] },
      { powers: [5n, 3n, 1n] },
      { powers: [7n, 1n, 1n, 10n] },
      { powers: [1000n, 1n, 13n] },
      { powers: [2n, 3n, 5n, 7n], prio: [100n, -3n, -250n, 41n] },
      { powers: [9n, 1n], prio: [-31n, 17n] },
      { powers: [4n, 4n, 1n], prio: [-13n, -13n, -14n] },
    ];
    for (const { powers, prio } of configs) {
      const vs = named(powers.map((p, i) => [`val-${String.fromCharCode(97 + i)}`, p] as const));
      let s = prio ? ValidatorSet.restore(vs, prio, "val-a") : ValidatorSet.create(vs);
      let ref: bigint[] = prio ? [...prio] : cometIncrement(powers.map(() => 0n), powers).prio;
      const start = s;
      const rounds: string[] = [];
      for (let h = 0; h < 120; h++) {
        const step = cometIncrement(ref, powers);
        ref = step.prio;
        s = s.next();
        rounds.push(vs[step.proposer]!.address);
        expect(s.priorities, `powers ${powers.join(",")} height +${h + 1}`).to.deep.equal(ref);
        expect(s.proposer.address).to.equal(vs[step.proposer]!.address);
      }
      // Round r of a height is its r-th increment: the same sequence.
      expect(rounds.slice(0, 60).map((_, r) => start.proposerForRound(r + 1).address)).to.deep.equal(rounds.slice(0, 60));
    }
  });

  it("proposerForRound refuses a negative, fractional or unsafe round", () => {
    const { set } = fixture([1n, 2n, 3n]);
    for (const r of [-1, 1.5, Number.NaN, 2 ** 53]) {
      refuses(() => set.proposerForRound(r), `round must be a non-negative integer, got ${r}`, "CONSENSUS_BAD_STATE");
    }
    expect(set.proposerForRound(0).address).to.equal(set.proposer.address);
  });
});

describe("validator set: changes (withChanges)", () => {
  const base = (): ValidatorSet => ValidatorSet.create(named([["val-a", 1n], ["val-b", 2n], ["val-c", 3n]]));
  const k = simKey(9);

  it("a power change keeps the validator's priority (and its key and band unless given)", () => {
    const s = base();
    expect(s.priorities).to.deep.equal([1n, 2n, -3n]);
    const c = s.withChanges([{ address: "val-b", power: 10n }]);
    expect(c.get("val-b")!.power).to.equal(10n);
    expect(c.get("val-b")!.band).to.equal(1);
    expect(toHex(c.get("val-b")!.publicKey)).to.equal(toHex(s.get("val-b")!.publicKey));
    expect(c.totalPower).to.equal(14n);
    expect(c.priorities).to.deep.equal([1n, 2n, -3n]);
    const d = s.withChanges([{ address: "val-b", power: 2n, band: 6, publicKey: k.publicKey }]);
    expect(d.get("val-b")!.band).to.equal(6);
    expect(toHex(d.get("val-b")!.publicKey)).to.equal(toHex(k.publicKey));
    expect(d.populatedBands).to.equal(2);
  });

  it("a new validator starts at -(total + total/8) of the new total, CometBFT's -1.125·total", () => {
    const s = base();
    // new total 16: -(16 + 2) = -18
    const a = s.withChanges([{ address: "val-d", power: 10n, publicKey: k.publicKey, band: 2 }]);
    expect(addressesOf(a)).to.deep.equal(["val-a", "val-b", "val-c", "val-d"]);
    expect(a.priorities).to.deep.equal([1n, 2n, -3n, -18n]);
    // new total 11: -(11 + 1) = -12 (11 >> 3 = 1)
    const b = s.withChanges([{ address: "val-0", power: 5n, publicKey: k.publicKey, band: 2 }]);
    expect(addressesOf(b)).to.deep.equal(["val-0", "val-a", "val-b", "val-c"]);
    expect(b.priorities).to.deep.equal([-12n, 1n, 2n, -3n]);
    // It does not propose next despite holding the most power.
    const n = a.next();
    expect(n.proposer.address).to.not.equal("val-d");
    expect(n.priorities).to.deep.equal(cometIncrement([1n, 2n, -3n, -18n], [1n, 2n, 3n, 10n]).prio);
  });

  it("power 0 removes; the remaining validators keep their priorities", () => {
    const s = base();
    const c = s.withChanges([{ address: "val-b", power: 0n }]);
    expect(addressesOf(c)).to.deep.equal(["val-a", "val-c"]);
    expect(c.priorities).to.deep.equal([1n, -3n]);
    expect(c.totalPower).to.equal(4n);
    expect(c.get("val-b")).to.equal(undefined);
    refuses(() => s.withChanges(["val-a", "val-b", "val-c"].map((address) => ({ address, power: 0n }))), "a validator set needs at least one validator");
  });

  it("does not increment: the round-0 proposer stays the one of the unchanged set", () => {
    // After genesis of (1,2,3) the proposer is val-c, not the first validator.
    const s = base();
    expect(s.proposer.address).to.equal("val-c");
    expect(s.withChanges([{ address: "val-a", power: 2n }]).proposer.address).to.equal("val-c");
    expect(s.withChanges([{ address: "val-0", power: 2n, publicKey: k.publicKey, band: 1 }]).proposer.address).to.equal("val-c");
    const t = s.next(); // val-b
    expect(t.proposer.address).to.equal("val-b");
    expect(t.withChanges([{ address: "val-c", power: 1n }]).proposer.address).to.equal("val-b");
  });

  it("refuses a duplicate change, a newcomer without key or band, and results that break the set's rules", () => {
    const s = base();
    refuses(() => s.withChanges([{ address: "val-a", power: 2n }, { address: "val-a", power: 3n }]), "duplicate change for val-a");
    refuses(() => s.withChanges([{ address: "val-z", power: 1n, publicKey: k.publicKey, band: 1 }, { address: "val-z", power: 0n }]), "duplicate change for val-z");
    refuses(() => s.withChanges([{ address: "val-z", power: 1n, band: 1 }]), "new validator val-z needs a public key and a band");
    refuses(() => s.withChanges([{ address: "val-z", power: 1n, publicKey: k.publicKey }]), "new validator val-z needs a public key and a band");
    refuses(() => s.withChanges([{ address: "val-a", power: 2n ** 60n }]), "exceeds");
    refuses(() => s.withChanges([{ address: "val-z", power: 1n, publicKey: s.get("val-a")!.publicKey, band: 1 }]), "consensus key is used by another validator");
    refuses(() => s.withChanges([{ address: "val-a", power: -1n }]), "validator val-a: power must be a positive bigint");
  });
});
