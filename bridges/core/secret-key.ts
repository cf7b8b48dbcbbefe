import { readFileSync, statSync } from "node:fs";
import type { Logger } from "pino";

/** Where a 32-byte private key (or seed) comes from: an environment variable or a file (0x optional, 64 hex). */
export type KeySource = { readonly env: string } | { readonly file: string };

const envName = { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } as const;

/** The JSON Schema of a key option in a family's config: a variable's name, { env }, or { file }. */
export const KEY_SOURCE_SCHEMA = {
  oneOf: [
    { ...envName, description: "name of the environment variable holding the key" },
    { type: "object", properties: { env: envName }, required: ["env"], additionalProperties: false },
    {
      type: "object",
      properties: { file: { type: "string", minLength: 1, description: "file holding the key (64 hex digits, 0x optional), readable by its owner only" } },
      required: ["file"],
      additionalProperties: false,
    },
  ],
} as const;

/** A validated key option as a KeySource (a bare string names an environment variable). */
export function keySourceOf(k: string | { env: string } | { file: string }): KeySource {
  return typeof k === "string" ? { env: k } : k;
}

/**
 * Reads a 32-byte hex private key from `source` for a chain family (which turns it into its own
 * account). Errors, built by the family's `fail`, name the variable or file and never the key; a
 * key file readable by group or others draws a warning.
 */
export function readSecretKeyHex(
  source: KeySource,
  what: string,
  fail: (message: string) => Error,
  opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): { hex: string; origin: string } {
  let raw: string | undefined;
  let origin: string;
  if ("env" in source) {
    origin = `environment variable ${source.env}`;
    raw = (opts.env ?? process.env)[source.env];
    if (raw === undefined || raw.trim() === "") throw fail(`${what}: ${origin} is not set`);
  } else {
    origin = `file ${source.file}`;
    try {
      raw = readFileSync(source.file, "utf8");
      const mode = statSync(source.file).mode;
      if ((mode & 0o077) !== 0) opts.logger?.warn({ file: source.file, mode: (mode & 0o777).toString(8) }, `${what}: key file is readable by group or others`);
    } catch (e) {
      throw fail(`${what}: cannot read ${origin}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
  }
  const hex = raw.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw fail(`${what}: ${origin} does not hold a 32-byte hex private key`);
  return { hex: hex.toLowerCase(), origin };
}
