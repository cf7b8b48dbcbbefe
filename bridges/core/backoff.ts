/**
 * Exponential backoff with jitter ("equal jitter": half fixed, half random), so a fleet of
 * watchers and relayers retrying a destination that came back does not hit it in lockstep.
 * attempt 1 waits about initialMs, each further attempt doubles, capped at maxMs.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(p: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(p.maxMs, p.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(exp / 2 + (exp / 2) * random());
}
