/**
 * One scan of `nexus verify-data` in its own process (verify-data.ts forks it): a file damaged
 * below lmdb's checks kills the process that reads it, and then only this one dies.
 * argv: state|blocks <path>. Sends progress and the report over IPC.
 */
import { scanBlocksFile, scanStateFile } from "./data-scan.ts";

const [kind, path] = process.argv.slice(2);
const send = (m: unknown): Promise<void> => new Promise((resolve) => process.send!(m, () => resolve()));
const progress = (what: string): void => void send({ type: "progress", what });
const report = kind === "state" ? await scanStateFile(path!, progress) : await scanBlocksFile(path!, progress);
await send({ type: "report", report });
process.disconnect();
