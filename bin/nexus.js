#!/usr/bin/env node
// The `nexus` command: runs the TypeScript CLI through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../runtime/cli/main.ts");
