import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { NodeErrors } from "./errors.ts";

export class HomeLockError extends NodeErrors<"HOME_LOCKED"> {}

/**
 * One node per home: `<home>/data/node.lock` holds the running node's pid. lmdb lets several
 * processes open the same files, so without this two nodes on one home would interleave
 * their blocks. A lock left by a process that no longer exists (kill -9, a power cut) is
 * taken over; a live one refuses the start and names the pid.
 */
export class HomeLock {
  private constructor(private readonly path: string) {}

  static acquire(path: string, home: string): HomeLock {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, "wx", 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new HomeLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new HomeLockError(
          "HOME_LOCKED",
          `another node (pid ${pid}) is running on ${home}; stop it first, or give this one its own --home (two nodes on one home would overwrite each other's blocks)`,
          { home, pid, lock: path },
        );
      }
      // Stale: its process is gone. Remove and try once more (a racing starter may win).
      try {
        unlinkSync(path);
      } catch {
        // already removed by a racing starter
      }
    }
    throw new HomeLockError("HOME_LOCKED", `could not take the lock ${path} (another node is starting on ${home})`, { home, lock: path });
  }

  release(): void {
    try {
      if (Number.parseInt(readFileSync(this.path, "utf8"), 10) === process.pid) unlinkSync(this.path);
    } catch {
      // gone already
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
