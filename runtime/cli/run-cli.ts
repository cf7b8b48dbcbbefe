import { buildProgram, reportError } from "./program.ts";
import type { ChainApp } from "../node/chain-app.ts";

/** Run a chain's command line (its binary's whole body): errors become one line and exit code 1. */
export async function runCli(app: ChainApp, argv: readonly string[] = process.argv): Promise<void> {
  const verbose = argv.includes("--verbose");
  try {
    await buildProgram(app).parseAsync([...argv]);
  } catch (e) {
    process.exitCode = reportError(e, verbose);
  }
}
