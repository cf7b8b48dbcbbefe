// The commands the generated CLI makes of the achievements messages and queries (docs/achievements.md lists them).
import { expect } from "chai";
import { kebab, msgCommandName, signerField } from "../../runtime/cli/autocli.ts";
import { AchievementsKeeper } from "./keeper/achievements-keeper.ts";
import { achievementsMsgs } from "./msgs.ts";
import { achievementsQueries } from "./queries.ts";

describe("achievements: generated CLI commands", () => {
  const keeper = new AchievementsKeeper({ isCitizen: () => false });

  it("tx achievements set-referrer --referrer <citizen>, the account from --from", () => {
    const defs = achievementsMsgs(keeper);
    expect(defs.map((d) => [msgCommandName(d.typeUrl), signerField(d)])).to.deep.equal([["set-referrer", "account"]]);
  });

  it("query achievements badges | profile --address | leaderboard [--limit --after]", () => {
    const qs = achievementsQueries(keeper);
    expect(Object.keys(qs).map(kebab)).to.deep.equal(["badges", "profile", "leaderboard"]);
    for (const q of Object.values(qs)) expect((q.schema as { description?: string }).description).to.be.a("string");
  });
});
