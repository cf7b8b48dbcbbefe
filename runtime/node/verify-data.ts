import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crossCheck, type ScanReport } from "./data-scan.ts";

/**
 * `nexus verify-data`: scan a home's data directory for damage, read-only. Each file is
 * scanned in a child process (data-scan-child.ts), so a file that crashes lmdb-js is reported
 * as damaged instead of ending the command without a word.
 */
export interface VerifyReport {
  dataDir: string;
  files: ScanReport[];
  /** Between the files: the state is the one the last block commits to. */
  between: { problems: string[]; notes: string[] };
  ok: boolean;
}

const CHILD = fileURLToPath(new URL("./data-scan-child.ts", import.meta.url));

export async function verifyData(dataDir: string, opts: { onProgress?: (file: string, what: string) => void } = {}): Promise<VerifyReport> {
  const files: ScanReport[] = [];
  for (const [kind, name] of [["state", "state.lmdb"], ["blocks", "blocks.lmdb"]] as const) {
    const path = join(dataDir, name);
    if (!existsSync(path)) {
      files.push({ file: path, checked: [], problems: ["the file is missing"], notes: [] });
      continue;
    }
    files.push(await scanInChild(kind, path, (what) => opts.onProgress?.(path, what)));
  }
  const between = crossCheck(files[0]!, files[1]!);
  return { dataDir, files, between, ok: files.every((f) => f.problems.length === 0) && between.problems.length === 0 };
}

function scanInChild(kind: "state" | "blocks", path: string, onProgress: (what: string) => void): Promise<ScanReport> {
  return new Promise((resolve) => {
    // The child is TypeScript: load it through tsx, found from here, whatever the working directory.
    const child = fork(CHILD, [kind, path], { execArgv: ["--import", import.meta.resolve("tsx")], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let report: ScanReport | undefined;
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on("message", (m: { type: string; what?: string; report?: ScanReport }) => {
      if (m.type === "progress") onProgress(m.what!);
      else if (m.type === "report") report = m.report;
    });
    child.on("exit", (code, signal) => {
      if (report !== undefined) return resolve(report);
      const why = signal
        ? `reading it crashed the scan (${signal}): the file is damaged below what lmdb checks`
        : `the scan failed (exit code ${code})${stderr.trim() ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`;
      resolve({ file: path, checked: [], problems: [why], notes: [] });
    });
  });
}
