import { createHash } from "node:crypto";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Where a devnet lives: --dir, else NEXUS_DEVNET, else `<home>/devnet` when a node home is
 * named (--home or NEXUS_HOME), else ~/.nexus-devnet. One rule for `nexus devnet` and the
 * governance scripts, so a user who sets NEXUS_HOME keeps everything under it.
 */
export function devnetDir(o: { dir?: string; home?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = o.env ?? process.env;
  if (o.dir) return resolve(o.dir);
  if (env.NEXUS_DEVNET) return resolve(env.NEXUS_DEVNET);
  const home = o.home ?? env.NEXUS_HOME;
  if (home) return join(resolve(home), "devnet");
  return join(homedir(), ".nexus-devnet");
}

/** Longest Unix socket path we use in place: sun_path is 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 100;

/**
 * The running devnet's control socket: `<dir>/devnet.sock`, or, when that path is too long
 * for a Unix socket, a name in the temp directory derived from the directory (so the client
 * finds it with the same rule).
 */
export function controlSocketPath(dir: string): string {
  const inPlace = join(dir, "devnet.sock");
  if (Buffer.byteLength(inPlace) <= MAX_SOCKET_PATH) return inPlace;
  return join(tmpdir(), `nexus-devnet-${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 16)}.sock`);
}
