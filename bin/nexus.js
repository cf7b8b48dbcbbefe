#!/usr/bin/env -S node --max-semi-space-size=64 --max-old-space-size=1024
// The `nexus` command: runs the TypeScript CLI through tsx (no build step). tsx finds its
// tsconfig from the working directory, so point it at ours: `nexus` may run from anywhere,
// and its worker threads inherit the setting through the environment. The V8 heap flags of
// the shebang are runtime/node/heap-flags.ts's (a test keeps them the same).
import { fileURLToPath } from "node:url";

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
const { register } = await import("tsx/esm/api");
register();
await import("../chains/nexus/main.ts");
