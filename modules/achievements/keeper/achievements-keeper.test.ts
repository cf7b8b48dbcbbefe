import { expect } from "chai";
import { ExecContext } from "../../../runtime/modules/context.ts";
import { GENESIS_PREV_HASH } from "../../../runtime/modules/types.ts";
import { MemoryKV } from "../../../runtime/state/memory-kv.ts";
import { testSigner } from "../../../test/helpers/node-harness.ts";
import { AchievementsError } from "../errors.ts";
import { AchievementsKeeper } from "./achievements-keeper.ts";

const [A, B, C] = [0, 1, 2].map((n) => testSigner(n).address) as [string, string, string];

/** The keeper over an in-memory store, with A the only citizen. */
function keeper(): { k: AchievementsKeeper; ctx: ExecContext } {
  const ctx = new ExecContext({ chainId: "test", height: 1, time: 0, proposer: "", prevHash: GENESIS_PREV_HASH }, "deliver", new MemoryKV());
  return { k: new AchievementsKeeper({ isCitizen: (_ctx, a) => a === A }), ctx };
}

function refusal(f: () => void): { code: string; context: unknown } {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(AchievementsError);
    const err = e as AchievementsError;
    return { code: err.code, context: err.context };
  }
  throw new Error("expected a refusal");
}

describe("achievements keeper: referral refusals name the account they are about", () => {
  it("each refusal's code and context: self-referral, a referred account that is a citizen, a referrer that is not, a second referrer", () => {
    const { k, ctx } = keeper();
    expect(refusal(() => k.setReferrer(ctx, B, B))).to.deep.equal({ code: "ACHIEVEMENTS_SELF_REFERRAL", context: { account: B } });
    expect(refusal(() => k.setReferrer(ctx, A, B))).to.deep.equal({ code: "ACHIEVEMENTS_ALREADY_CITIZEN", context: { account: A } });
    expect(refusal(() => k.setReferrer(ctx, B, C))).to.deep.equal({ code: "ACHIEVEMENTS_REFERRER_NOT_CITIZEN", context: { referrer: C } });
    k.setReferrer(ctx, B, A);
    expect(ctx.events).to.deep.equal([{ type: "achievements.referrer_set", attributes: { account: B, referrer: A } }]);
    expect(refusal(() => k.setReferrer(ctx, B, A))).to.deep.equal({ code: "ACHIEVEMENTS_REFERRER_SET", context: { account: B } });
  });
});
