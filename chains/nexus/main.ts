#!/usr/bin/env node
/**
 * The `nexus` command: `node --import tsx chains/nexus/main.ts --help` (npm run nexus -- --help;
 * bin/nexus.js). The reference NexusOS chain composed from the runtime, its modules and
 * plugins. See docs/cli.md.
 */
import { runCli } from "../../runtime/cli/run-cli.ts";
import { nexusApp } from "./app.ts";

await runCli(nexusApp);
