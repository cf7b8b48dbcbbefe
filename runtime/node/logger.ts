import pino, { type Logger } from "pino";

/**
 * Readable logs by default (pino-pretty); JSON lines for machines with logFormat "json"; or
 * JSON into `destination` (tests). The node and every off-chain process (attestor, arbiter,
 * bridge watcher and relayer) log through it; `redact` censors secret paths wherever they appear.
 */
export function createLogger(opts: { level: string; format: "pretty" | "json"; name?: string; redact?: pino.LoggerOptions["redact"]; destination?: NodeJS.WritableStream }): Logger {
  const base = { level: opts.level, name: opts.name, ...(opts.redact ? { redact: opts.redact } : {}) };
  if (opts.destination) return pino(base, opts.destination);
  if (opts.format === "json") return pino(base);
  return pino({
    ...base,
    transport: { target: "pino-pretty", options: { colorize: process.stdout.isTTY, translateTime: "HH:MM:ss.l", ignore: "pid,hostname", singleLine: true, sync: true } },
  });
}

export type { Logger };
