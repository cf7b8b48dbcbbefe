import { expect } from "chai";
import { testSigner } from "../../../test/helpers/node-harness.ts";
import { GENESIS_PREV_HASH, type Ctx } from "../../../runtime/modules/types.ts";
import { RouterError } from "../../../runtime/modules/msg-router.ts";
import { endorse, endorsementBytes, endorsementProblem } from "../endorsement.ts";
import type { StakingForGov } from "../expected-keepers.ts";
import { GovError } from "../errors.ts";
import { asGovError, throwIfViolated, verifiedEndorsers } from "./proposal-checks.ts";
import { defaultConstitution } from "../constitution/schema.ts";
import { toHex, utf8 } from "../../../runtime/crypto/hash.ts";

const ctx = { block: { chainId: "c-1", height: 1, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH } } as unknown as Ctx;
const content = { band: 4, title: "t", summary: "s", msgs: [] };
const staking = (active: string[]): StakingForGov => ({ bondedValidators: () => [], delegationsOf: () => [], isActiveValidator: (_c, a) => active.includes(a) });
const addr = (n: number) => testSigner(n).address;

describe("gov proposal checks (unit)", () => {
  it("endorsement bytes bind the domain and the chain id", () => {
    const hash = "ab".repeat(32);
    expect(toHex(endorsementBytes("c-1", hash))).to.equal(toHex(utf8("nexus-gov-endorsement-v1\nc-1\n")) + hash);
  });

  it("an endorsement whose key is not the named validator's is refused even with a valid signature", () => {
    const e = endorse("c-1", content, testSigner(1).secretKey);
    const problem = endorsementProblem("c-1", "00".repeat(32), { ...e, validator: addr(2) });
    expect(problem).to.equal(`endorsement of ${addr(2)}: pubKey is not that address's key`);
  });

  it("verifiedEndorsers: strict refuses a bad one naming the validator; lenient drops it; the result is deduplicated and sorted", () => {
    const es = [3, 1, 2, 1].map((n) => endorse("c-1", content, testSigner(n).secretKey));
    expect(verifiedEndorsers(ctx, staking([addr(1), addr(2), addr(3)]), content, es, true)).to.deep.equal([addr(1), addr(2), addr(3)].sort());
    const err = (() => {
      try {
        verifiedEndorsers(ctx, staking([addr(1), addr(2)]), content, es, true);
      } catch (e) {
        return e as GovError;
      }
    })();
    expect(err).to.be.instanceOf(GovError).and.include({ code: "GOV_INVALID_ENDORSEMENT" });
    expect(err!.context).to.deep.equal({ validator: addr(3) });
    expect(verifiedEndorsers(ctx, staking([addr(1), addr(2)]), content, es, false)).to.deep.equal([addr(1), addr(2)].sort());
  });

  it("router refusals become governance codes that keep the router's code in context", () => {
    const e = asGovError(new RouterError("ROUTER_BAND_TOO_LOW", "needs band 6"));
    expect(e.code).to.equal("GOV_BAND_TOO_LOW");
    expect(e.context).to.deep.equal({ routerCode: "ROUTER_BAND_TOO_LOW" });
    expect(e.cause).to.be.instanceOf(RouterError);
    expect(asGovError(new Error("plain")).context).to.deep.equal({ routerCode: undefined });
  });

  it("a violation names its rule in the error's context", () => {
    const c = defaultConstitution();
    try {
      throwIfViolated(c, { band: 4, typeUrls: ["/gov.v1.MsgAmendConstitution"], endorsers: [], paramsBefore: () => undefined, paramsAfter: () => undefined, stakeBefore: new Map(), stakeAfter: new Map() });
      expect.fail("no violation");
    } catch (e) {
      expect((e as GovError).context).to.deep.equal({ rule: "immutable-rights" });
    }
  });
});
