import { DeciderError, defineArbiterDecider, type ArbiterDecider, type ArbiterDeciderPlugin, type DecideInput, type DeciderRuling } from "../decider.ts";
import { ruleEngine } from "./engine.ts";

/** The rule engine as a decider: no options, no I/O (plugins/arbiters/rules/engine.ts). */
export class RulesDecider implements ArbiterDecider {
  readonly id = "rules";
  async decide(input: DecideInput): Promise<DeciderRuling> {
    const { ruleDecision: _d, rule: _r, sPlaintiffPpm: _p, sDefendantPpm: _s, gapPpm: _g, ...ruling } = ruleEngine(input);
    return ruling;
  }
}

export const rulesArbiterPlugin: ArbiterDeciderPlugin = defineArbiterDecider({
  id: "rules",
  create: (ctx) => {
    const keys = Object.keys(ctx.options);
    if (keys.length) throw new DeciderError("ARBITER_DECIDER_BAD_OPTIONS", `rules decider: it takes no options (got ${keys.map((k) => `"${k}"`).join(", ")})`, { decider: "rules" });
    return new RulesDecider();
  },
});
