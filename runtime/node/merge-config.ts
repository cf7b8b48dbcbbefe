/**
 * A config file over its defaults: objects merge key by key, everything else (arrays, values)
 * replaces. Keys in `opaque` (a plugin's options) replace whole, never merged with the default's.
 * The node's config and every off-chain process's (attestor, arbiter, bridges) use it.
 */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>, opaque: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    const both = b && typeof b === "object" && !Array.isArray(b) && v && typeof v === "object" && !Array.isArray(v);
    out[k] = both && !opaque.includes(k) ? mergeConfig(b as Record<string, unknown>, v as Record<string, unknown>, opaque) : v;
  }
  return out;
}
