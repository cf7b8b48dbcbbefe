import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logger.ts";

/** Present while a state sync has not finished: the next start removes the partial data and syncs again. */
export const STATE_SYNC_MARKER = "state-sync.incomplete";

/**
 * Whether this start restores the state from peers: only on a home without chain data, or one
 * whose earlier state sync did not finish (its partial data is removed first).
 */
export function prepareStateSync(dataDir: string, log: Logger): boolean {
  const marker = join(dataDir, STATE_SYNC_MARKER);
  if (existsSync(marker)) {
    log.warn({ dataDir }, "state sync: an earlier state sync did not finish; removing its partial data and starting again");
    for (const f of readdirSync(dataDir)) if (f !== STATE_SYNC_MARKER) rmSync(join(dataDir, f), { recursive: true, force: true });
  } else if (existsSync(join(dataDir, "blocks.lmdb"))) {
    return false; // chain data already here: block sync from where it is
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(marker, "a state sync is in progress; if the node is not running, the next start removes this directory's data and syncs again\n");
  return true;
}

/** The state sync finished: the node's data is whole. */
export function finishStateSync(dataDir: string): void {
  rmSync(join(dataDir, STATE_SYNC_MARKER), { force: true });
}
