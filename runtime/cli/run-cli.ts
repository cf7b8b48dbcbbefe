import { buildProgram, reportError } from "./program.ts";
import type { ChainApp } from "../node/chain-app.ts";
import { CliError } from "./util.ts";

/** Run a chain's command line (its binary's whole body): errors become one line and exit code 1. */
export async function runCli(app: ChainApp, argv: readonly string[] = process.argv): Promise<void> {
  const verbose = argv.includes("--verbose");
  try {
    // The parser would take "-5NXT" for an unknown option; no option starts with a digit.
    const negative = argv.slice(2).find((a) => /^-[0-9]/.test(a));
    if (negative !== undefined) throw new CliError("CLI_BAD_ARG", `"${negative}": amounts cannot be negative (options start with a letter)`);
    await buildProgram(app).parseAsync([...argv]);
  } catch (e) {
    process.exitCode = reportError(e, verbose);
  }
}
