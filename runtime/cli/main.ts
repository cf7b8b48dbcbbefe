#!/usr/bin/env node
/**
 * Entry point of the `nexus` command: `node --import tsx runtime/cli/main.ts --help`
 * (npm run nexus -- --help). See docs/cli.md.
 */
import { buildProgram, reportError } from "./program.ts";

const verbose = process.argv.includes("--verbose");
try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e, verbose);
}
