import { expect } from "chai";
import { ValidatorSet, type Validator } from "../../runtime/consensus/index.ts";
import { decodeValidatorSet, encodeValidatorSet, nextValidatorSet } from "../../runtime/consensus/engine/valset.ts";
import { assignBands } from "../../runtime/node/devnet.ts";
import { proposalHeaderProblem } from "../../runtime/consensus/engine/checks.ts";
import { sha256, utf8 } from "../../runtime/crypto/hash.ts";
import { ed25519 } from "../../runtime/crypto/ed25519.ts";
import type { BlockHeader } from "../../runtime/app/block.ts";

const val = (i: number, power = 10n, band = 1): Validator => ({
  address: `v${i}`,
  publicKey: ed25519.generate(sha256(utf8(`k${i}`))).publicKey,
  power,
  band,
});

describe("BFT node: validator sets across heights", () => {
  it("unchanged members: the next set is one priority increment (same as ValidatorSet.next)", () => {
    const s = ValidatorSet.create([val(0), val(1), val(2), val(3, 30n)]);
    const n = nextValidatorSet(s, s.validators);
    expect(n.priorities).to.deep.equal(s.next().priorities);
    expect(n.proposer.address).to.equal(s.next().proposer.address);
  });

  it("a removed member leaves, a new one joins behind the queue, a power change keeps priorities", () => {
    const s = ValidatorSet.create([val(0), val(1), val(2), val(3)]);
    const n = nextValidatorSet(s, [val(0), val(1, 20n), val(2), val(4)]);
    expect(n.validators.map((v) => v.address)).to.deep.equal(["v0", "v1", "v2", "v4"]);
    expect(n.get("v1")!.power).to.equal(20n);
    // The newcomer starts at -1.125 total before the increment: it does not propose next.
    expect(n.proposer.address).to.not.equal("v4");
  });

  it("persists what ValidatorSet.restore needs: the restored set proposes identically", () => {
    let s = ValidatorSet.create([val(0, 5n), val(1, 7n), val(2, 11n)]);
    for (let i = 0; i < 7; i++) s = s.next();
    const r = decodeValidatorSet(encodeValidatorSet(s));
    expect(r.hash()).to.deep.equal(s.hash());
    for (let round = 0; round < 10; round++) expect(r.proposerForRound(round).address).to.equal(s.proposerForRound(round).address);
    expect(r.next().proposer.address).to.equal(s.next().proposer.address);
  });

  it("assignBands: any N-1 of N validators still span min(5, populated bands)", () => {
    for (let n = 1; n <= 16; n++) {
      const bands = assignBands(n);
      const populated = new Set(bands).size;
      const required = Math.min(5, populated);
      for (let out = 0; out < n && n > 1; out++) {
        const left = new Set(bands.filter((_, i) => i !== out)).size;
        expect(left, `n=${n} without ${out}`).to.be.at.least(required);
      }
    }
    expect(assignBands(4)).to.deep.equal([1, 2, 1, 2]);
  });

  it("proposal headers: parent, time window, chain, height and proposer membership", () => {
    const set = ValidatorSet.create([val(0), val(1)]);
    const h: BlockHeader = { chainId: "c", height: 5, time: 1000, prevHash: new Uint8Array(32), txRoot: new Uint8Array(32), stateRoot: new Uint8Array(32), resultsRoot: new Uint8Array(32), proposer: "v0" };
    const x = { chainId: "c", height: 5, prevHash: new Uint8Array(32), prevTime: 999, latestAllowedTime: 2000, set, roundProposer: "v1" };
    expect(proposalHeaderProblem(h, x)).to.equal(undefined); // re-proposal: built by v0, proposed by v1
    expect(proposalHeaderProblem({ ...h, time: 999 }, x)).to.match(/not after/);
    expect(proposalHeaderProblem({ ...h, time: 2001 }, x)).to.match(/future/);
    expect(proposalHeaderProblem({ ...h, prevHash: new Uint8Array(32).fill(1) }, x)).to.match(/prevHash/);
    expect(proposalHeaderProblem({ ...h, height: 6 }, x)).to.match(/height/);
    expect(proposalHeaderProblem({ ...h, chainId: "d" }, x)).to.match(/chain/);
    expect(proposalHeaderProblem({ ...h, proposer: "v9" }, x)).to.match(/not a validator/);
  });
});
