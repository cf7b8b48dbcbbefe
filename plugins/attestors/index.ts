import { consoleAttestorPlugin } from "./console/plugin.ts";
import { twilioAttestorPlugin } from "./twilio/plugin.ts";
import type { AttestorProviderPlugin } from "./provider.ts";

export { consoleAttestorPlugin, twilioAttestorPlugin };
export * from "./provider.ts";

/** The attestor providers this repository ships; the attestor config's provider.id picks one. */
export function bundledAttestorProviders(): AttestorProviderPlugin[] {
  return [consoleAttestorPlugin, twilioAttestorPlugin];
}
