import { expect } from "chai";
import { tally } from "./tally.ts";
import type { Decision } from "./records.ts";

const R = { quorum: 2, minConfidence: 750 };
const r = (decision: Decision, confidence: number) => ({ decision, confidence });

describe("arbitration: ruling tally (pure)", () => {
  it("2 of 3 agree with mean confidence ≥ 750: the decision stands", () => {
    expect(tally([r("plaintiff", 800), r("plaintiff", 700), r("dismiss", 990)], R)).to.deep.equal({ stands: true, decision: "plaintiff", agreeing: 2, meanConfidence: 750 });
    expect(tally([r("mediate", 900), r("mediate", 900), r("mediate", 600)], R)).to.deep.equal({ stands: true, decision: "mediate", agreeing: 3, meanConfidence: 800 });
  });

  it("the mean is of the agreeing rulings only, compared without rounding: 749.5 fails, 750 passes", () => {
    expect(tally([r("plaintiff", 750), r("plaintiff", 749)], R)).to.deep.include({ stands: false, reason: "low_confidence", decision: "plaintiff", meanConfidence: 749 });
    expect(tally([r("plaintiff", 751), r("plaintiff", 749)], R)).to.deep.include({ stands: true, meanConfidence: 750 });
    // A confident dissenter does not lift the agreeing mean.
    expect(tally([r("defendant", 700), r("defendant", 700), r("plaintiff", 1000)], R)).to.deep.include({ stands: false, reason: "low_confidence" });
  });

  it("fewer than m agree: no quorum (three different decisions; one ruling; none)", () => {
    expect(tally([r("plaintiff", 1000), r("defendant", 1000), r("mediate", 1000)], R)).to.deep.include({ stands: false, reason: "no_quorum", agreeing: 1 });
    expect(tally([r("plaintiff", 1000)], R)).to.deep.include({ stands: false, reason: "no_quorum" });
    expect(tally([], R)).to.deep.equal({ stands: false, reason: "no_quorum", agreeing: 0 });
  });

  it("two decisions with quorum each (only when quorum is not a majority): a tie, never a pick", () => {
    const q2of4 = { quorum: 2, minConfidence: 0 };
    expect(tally([r("plaintiff", 900), r("plaintiff", 900), r("defendant", 900), r("defendant", 900)], q2of4)).to.deep.include({ stands: false, reason: "tie", agreeing: 2 });
    // A tie below quorum is just no quorum; the larger group wins when groups differ.
    expect(tally([r("plaintiff", 900), r("defendant", 900)], R)).to.deep.include({ stands: false, reason: "no_quorum" });
    expect(tally([r("plaintiff", 900), r("plaintiff", 900), r("plaintiff", 900), r("defendant", 900), r("defendant", 900)], q2of4)).to.deep.include({ stands: true, decision: "plaintiff" });
  });

  it("'escalate' is a decision like the others (the keeper escalates when it stands)", () => {
    expect(tally([r("escalate", 800), r("escalate", 800), r("dismiss", 800)], R)).to.deep.include({ stands: true, decision: "escalate" });
  });

  it("m = n = 1 and a zero floor: one ruling stands whatever its confidence", () => {
    expect(tally([r("dismiss", 0)], { quorum: 1, minConfidence: 0 })).to.deep.include({ stands: true, decision: "dismiss", meanConfidence: 0 });
  });
});
