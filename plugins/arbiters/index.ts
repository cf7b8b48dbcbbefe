import { rulesArbiterPlugin } from "./rules/plugin.ts";
import { llmArbiterPlugin } from "./llm/plugin.ts";
import type { ArbiterDeciderPlugin } from "./decider.ts";

export { rulesArbiterPlugin, llmArbiterPlugin };
export * from "./decider.ts";

/** The arbiter deciders this repository ships; the arbiter config's decider.id picks one. */
export function bundledArbiterDeciders(): ArbiterDeciderPlugin[] {
  return [rulesArbiterPlugin, llmArbiterPlugin];
}
