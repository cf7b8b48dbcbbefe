import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { NexusClient } from "../../runtime/rpc/client.ts";
import { NODE_HEAP_FLAGS } from "../../runtime/node/heap-flags.ts";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(REPO, "chains/nexus/main.ts");
/** `nexus start` composed with the test-only fault wrappers (NEXUS_TEST_EQUIVOCATE, NEXUS_TEST_HOOKS): test-node.ts. */
export const TEST_NODE = join(REPO, "test/helpers/test-node.ts");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run the `nexus` CLI as a separate process (same Node binary as the tests). */
export function runCli(args: string[], env: Record<string, string> = {}, entry = CLI): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", entry, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface NodeProcess {
  proc: ChildProcess;
  url: string;
  client: NexusClient;
  log(): string;
  /** SIGKILL, no chance to clean up. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
}

/** `nexus start --dev` as a real process on 127.0.0.1; resolves once RPC answers. */
export async function startNodeProcess(home: string, opts: { port?: number; blockTimeMs?: number; entry?: string } = {}): Promise<NodeProcess> {
  const port = opts.port ?? (await freePort());
  const args = ["--home", home, "start", "--dev", "--rpc-port", String(port), "--block-time", String(opts.blockTimeMs ?? 300), "--log-level", "info"];
  const proc = spawn(process.execPath, [...NODE_HEAP_FLAGS, "--import", "tsx", opts.entry ?? CLI, ...args], { cwd: REPO, env: { ...process.env, NEXUS_HOME: home }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const client = new NexusClient(url, { timeoutMs: 5000 });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`node exited with ${proc.exitCode} before RPC came up:\n${out}`);
    try {
      await client.status();
      break;
    } catch {
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`node RPC did not come up within 60 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    proc,
    url,
    client,
    log: () => out,
    kill: async () => {
      proc.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      proc.kill("SIGTERM");
      return exited;
    },
  };
}

export async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
