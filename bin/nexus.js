#!/usr/bin/env node
// The `nexus` command: runs the TypeScript CLI through tsx (no build step). tsx finds its
// tsconfig from the working directory, so point it at ours: `nexus` may run from anywhere,
// and its worker threads inherit the setting through the environment.
import { fileURLToPath } from "node:url";

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
const { register } = await import("tsx/esm/api");
register();
await import("../runtime/cli/main.ts");
